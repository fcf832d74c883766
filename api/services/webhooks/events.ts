import { createHash } from "node:crypto";
import { z } from "@hono/zod-openapi";
import type { InvoiceEventRow, InvoiceRow } from "../../index/rows";
import { chainFields } from "../networks";

/** Event types a webhook endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  "invoice.created",
  "invoice.partially_paid",
  "invoice.paid",
  "invoice.released",
  "invoice.refunded",
  "invoice.disputed",
  "invoice.resolved",
  "invoice.cancelled",
  "invoice.expired",
  "invoice.reorged",
] as const;

/** One of {@link WEBHOOK_EVENT_TYPES}. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** PaymentEscrow events that become webhook events (InvoicePaid is decided by the amount paid so far). */
const TYPE_OF_KIND: Record<string, WebhookEventType> = {
  InvoiceCreated: "invoice.created",
  InvoiceReleased: "invoice.released",
  InvoiceClaimed: "invoice.released",
  InvoiceRefunded: "invoice.refunded",
  InvoiceReclaimed: "invoice.refunded",
  InvoiceDisputed: "invoice.disputed",
  InvoiceResolved: "invoice.resolved",
  InvoiceSettled: "invoice.resolved",
  InvoiceCancelled: "invoice.cancelled",
};

/** The JSON body of every delivery (documented under `webhooks` in /openapi.json). */
export const WebhookPayloadSchema = z
  .object({
    id: z.string().openapi({ description: "Idempotency id of the event (evt_ and 32 hex digits): the same on every retry and redelivery" }),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    createdAt: z.string().openapi({ description: "Time of the event's block (of the reorg notice for invoice.reorged)" }),
    data: z
      .object({
        ...z.object(chainFields("The chain of the event's invoice (every chain the API serves is delivered)")).partial().shape,
        invoiceId: z.string(),
        number: z.string().nullable().optional().openapi({ description: "The merchant's invoice number (null: no draft held here)" }),
        event: z
          .object({
            name: z.string(),
            txHash: z.string().optional(),
            logIndex: z.number().int().optional(),
            blockNumber: z.number().int(),
            timestamp: z.string(),
            args: z.record(z.string(), z.unknown()).optional(),
          })
          .optional(),
        invoice: z
          .record(z.string(), z.unknown())
          .optional()
          .openapi({ description: "The invoice as indexed when the API first saw the event" }),
        reorgedEventId: z.string().optional().openapi({ description: "invoice.reorged: the id of the event a reorg removed" }),
        reorgedEventType: z.string().optional(),
        original: z.record(z.string(), z.unknown()).optional().openapi({ description: "invoice.reorged: the `data` of the removed event" }),
      })
      .passthrough(),
  })
  .openapi("WebhookPayload");

/** The idempotency id receivers see for the event whose source is `sourceId`: `evt_` and 32 hex digits, the same every time. */
export function webhookEventId(sourceId: string): string {
  return `evt_${createHash("sha256").update(sourceId).digest("hex").slice(0, 32)}`;
}

/** The invoice as a payload shows it (amounts as decimal strings, times ISO 8601), with the merchant's invoice number. */
export function invoiceSnapshot(invoice: InvoiceRow, number: string | null) {
  return {
    id: invoice.id.toString(),
    number,
    merchant: invoice.merchant,
    payer: invoice.payer,
    arbiter: invoice.arbiter,
    token: invoice.token,
    amount: invoice.amount.toString(),
    paid: invoice.paid.toString(),
    released: invoice.released.toString(),
    refunded: invoice.refunded.toString(),
    held: invoice.held.toString(),
    status: invoice.status,
    dueDate: new Date(Number(invoice.dueDate) * 1000).toISOString(),
    reference: invoice.reference,
  };
}

/**
 * The webhook type and payload `data` of an escrow event of `invoice`, or undefined for events no
 * webhook reports (settlement proposals, credits). A payment is `invoice.paid` when it completes
 * the amount, `invoice.partially_paid` otherwise. `number` is the merchant's invoice number, or null.
 */
export function describeEvent(
  event: InvoiceEventRow,
  invoice: InvoiceRow,
  number: string | null,
): { type: WebhookEventType; data: object } | undefined {
  let type = TYPE_OF_KIND[event.kind];
  if (event.kind === "InvoicePaid") {
    const total = typeof event.args.totalPaid === "string" ? BigInt(event.args.totalPaid) : 0n;
    type = total >= invoice.amount ? "invoice.paid" : "invoice.partially_paid";
  }
  if (type === undefined) return undefined;
  return {
    type,
    data: {
      invoiceId: invoice.id.toString(),
      number,
      event: {
        name: event.kind,
        txHash: event.txHash,
        logIndex: event.logIndex,
        blockNumber: Number(event.blockNumber),
        timestamp: new Date(Number(event.timestamp) * 1000).toISOString(),
        args: event.args,
      },
      invoice: invoiceSnapshot(invoice, number),
    },
  };
}
