/**
 * The outbox's two answers to the index changing under it, inside its scan's transaction:
 * - an event it recorded is no longer in the index (a reorg): mark it removed, cancel its pending deliveries, and
 *   tell the endpoints that may have received it (`invoice.reorged`);
 * - an event it marked removed is back, the same log of the same block (Ponder reverts the blocks after its finalized
 *   checkpoint when it restarts, and on a head that went back, then indexes the same logs again; a public RPC's
 *   lagging head or an outage does both): mark it present again, send again what its removal cancelled, cancel the
 *   `invoice.reorged` notices not sent yet, and send the event again to endpoints that were told it was removed.
 * Without the second, an event the index took back and put back was never delivered (its id is taken).
 */
import type { Logger } from "pino";
import type { AppDb } from "../../db";
import { webhookEventId } from "../../services/webhooks/events";
import { lowerEnqueueMarks } from "./enqueue";

/** A webhook event as the scan reads it. */
export interface RecordedEvent {
  id: string;
  source_id: string;
  type: string;
  invoice_id: string;
  data: string;
  merchant: string;
  block_number: number;
}

/** Enqueues one delivery (nothing when the endpoint already has one of the event). */
export type InsertDelivery = (trx: AppDb, endpointId: string, eventId: string, type: string, body: string) => Promise<void>;

/** The id of the `invoice.reorged` notice of event `sourceId`. */
function noticeId(sourceId: string): string {
  return webhookEventId(`${sourceId}:reorged`);
}

/**
 * Marks `gone` removed at `time`; cancels its pending deliveries; enqueues `invoice.reorged` (body from `body`) to each
 * endpoint that was sent it at least once (again, if an earlier notice was cancelled by a restore).
 */
export async function markRemoved(
  trx: AppDb,
  gone: RecordedEvent,
  time: number,
  insertDelivery: InsertDelivery,
  body: (id: string, type: string, createdAt: string, data: unknown) => string,
  logger: Logger,
): Promise<void> {
  await trx.updateTable("webhook_events").set({ removed_at: time }).where("id", "=", gone.id).execute();
  const deliveries = await trx.selectFrom("webhook_deliveries").selectAll().where("event_id", "=", gone.id).execute();
  for (const delivery of deliveries) {
    if (delivery.status === "pending") {
      await trx
        .updateTable("webhook_deliveries")
        .set({ status: "cancelled", next_attempt_at: null })
        .where("id", "=", delivery.id)
        .execute();
    }
    if (delivery.attempts > 0) {
      const id = noticeId(gone.source_id);
      const original = JSON.parse(gone.data) as { chainId?: number; chainName?: string };
      const data = {
        chainId: original.chainId,
        chainName: original.chainName,
        invoiceId: gone.invoice_id,
        reorgedEventId: gone.id,
        reorgedEventType: gone.type,
        original,
      };
      await insertDelivery(
        trx,
        delivery.endpoint_id,
        id,
        "invoice.reorged",
        body(id, "invoice.reorged", new Date(time).toISOString(), data),
      );
      await trx
        .updateTable("webhook_deliveries")
        .set({ status: "pending", next_attempt_at: time })
        .where("endpoint_id", "=", delivery.endpoint_id)
        .where("event_id", "=", id)
        .where("status", "=", "cancelled")
        .execute();
    }
  }
  logger.warn({ eventId: gone.id, sourceId: gone.source_id, type: gone.type }, "webhook event removed by a reorg");
}

/**
 * Marks `event` (removed, and now in the index again) present; per endpoint of a live subscription: its delivery
 * cancelled by the removal is due again at `time`; a notice not sent yet is cancelled; when a notice was sent (or is
 * being sent), the event is sent again; endpoints without a delivery of it get their mark on its chain (`chainId`,
 * `first`: the first network) lowered below its block.
 */
export async function markRestored(
  trx: AppDb,
  event: RecordedEvent,
  time: number,
  logger: Logger,
  chainId: number | undefined,
  first: boolean,
): Promise<void> {
  await trx.updateTable("webhook_events").set({ removed_at: null }).where("id", "=", event.id).execute();
  const notice = noticeId(event.source_id);
  const deliveries = await trx
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as w", "w.id", "d.endpoint_id")
    .select(["d.id", "d.endpoint_id", "d.event_id", "d.status", "w.deleted_at"])
    .where("d.event_id", "in", [event.id, notice])
    .execute();
  for (const original of deliveries.filter((d) => d.event_id === event.id && d.deleted_at === null)) {
    const sent = deliveries.find((d) => d.event_id === notice && d.endpoint_id === original.endpoint_id);
    if (sent?.status === "pending") {
      await trx.updateTable("webhook_deliveries").set({ status: "cancelled", next_attempt_at: null }).where("id", "=", sent.id).execute();
    }
    const told = sent !== undefined && sent.status !== "pending" && sent.status !== "cancelled";
    if (original.status === "cancelled" || told) {
      await trx
        .updateTable("webhook_deliveries")
        .set({ status: "pending", next_attempt_at: time, locked_until: null })
        .where("id", "=", original.id)
        .execute();
    }
  }
  // Endpoints that had no delivery of it yet: the enqueue step looks at its block again, on its chain.
  await lowerEnqueueMarks(trx, chainId, first, event.merchant, event.block_number);
  logger.warn({ eventId: event.id, sourceId: event.source_id, type: event.type }, "webhook event back in the index after its removal");
}
