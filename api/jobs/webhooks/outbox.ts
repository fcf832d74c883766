import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Logger } from "pino";
import type { AppDb } from "../../db";
import { dialectOf, greatest, jsonListMatches } from "../../db/dialect";
import type { IndexReader } from "../../index/reader";
import { type WebhookEventType, describeEvent, invoiceSnapshot, webhookEventId } from "../../services/webhooks/events";
import { numberOf } from "../../services/drafts";
import { markRemoved, markRestored } from "./reorgs";

/** What the poller reads from the index. */
export type OutboxIndex = Pick<IndexReader, "status" | "invoice" | "invoiceEventsInBlocks" | "invoicesByAccount">;

/** Blocks below the scanned head that are scanned again on every poll, to notice reorgs (deeper than Ponder's finality of 30). */
export const REORG_WINDOW_BLOCKS = 64;
/** Most blocks scanned past the cursor in one poll (a long-stopped API catches up in steps). */
const MAX_SCAN_BLOCKS = 2000n;
/** Most deliveries enqueued in one poll. */
const MAX_ENQUEUE = 1000;
const CURSOR = "invoice-events";

/** Key of the PostgreSQL advisory lock that serializes the outbox's writing transactions across replicas. */
const OUTBOX_LOCK = 0x5e771e01;

/**
 * Makes the calling transaction the only one of any replica writing the outbox until it ends (PostgreSQL: a
 * transaction-level advisory lock; SQLite serializes writers by itself). Deliveries take the next `seq`, which two
 * replicas enqueuing at once would otherwise both take.
 */
async function lockOutbox(trx: AppDb): Promise<void> {
  if (dialectOf(trx) === "postgres") await sql`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`.execute(trx);
}

/** The JSON body of one delivery: the same bytes on every attempt. */
function deliveryBody(id: string, type: string, createdAt: string, data: unknown): string {
  return JSON.stringify({ id, type, createdAt, data });
}

/**
 * The durable outbox's producer. Each {@link WebhookOutbox.poll}:
 * 1. scans the index's invoice events from a persisted block cursor (re-reading the last
 *    {@link REORG_WINDOW_BLOCKS}), records new ones in webhook_events, marks the ones a reorg removed
 *    (cancelling their pending deliveries and enqueuing `invoice.reorged` to endpoints that may
 *    have received them) once the index's head has moved since the last poll, marks removed ones that are back
 *    present again (./reorgs), and moves the cursor, all in one transaction;
 * 2. records `invoice.expired` for invoices of subscribed merchants whose due date has passed unpaid;
 * 3. enqueues a delivery per subscribed endpoint for every event that now has the endpoint's
 *    confirmations (indexed head − event block + 1), in one transaction.
 * Rows are keyed so that running a step twice (a restart) never duplicates a delivery, and every replica may
 * poll: the writing transactions take one advisory lock on PostgreSQL, so they run one after the other.
 */
export class WebhookOutbox {
  /** The index's head at the last poll (undefined before the first). */
  private lastHead: bigint | undefined;

  /**
   * @param db the app database
   * @param index the index read module
   * @param logger pino logger
   * @param now clock in unix milliseconds
   */
  constructor(
    private readonly db: AppDb,
    private readonly index: OutboxIndex,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** One round of the three steps; does nothing while the index is not ready. Returns the deliveries enqueued. */
  async poll(): Promise<number> {
    let status;
    try {
      status = await this.index.status();
    } catch {
      return 0;
    }
    if (!status.ready || !status.block) return 0;
    const head = status.block.number;
    // An event missing from an index whose head has not moved since the last poll is not gone yet: Ponder takes the
    // blocks after its finalized checkpoint out when it restarts and indexes them again before its head moves.
    const confirmRemovals = this.lastHead !== undefined && head !== this.lastHead;
    await this.scan(head, confirmRemovals);
    this.lastHead = head;
    await this.expire(head, status.block.timestamp);
    return this.enqueue(head);
  }

  /** The block the poller has scanned up to, or undefined before its first scan. */
  async cursor(): Promise<bigint | undefined> {
    const row = await this.db.selectFrom("webhook_cursor").select("block_number").where("name", "=", CURSOR).executeTakeFirst();
    return row ? BigInt(row.block_number) : undefined;
  }

  private async scan(head: bigint, confirmRemovals: boolean): Promise<void> {
    let cursor = await this.cursor();
    if (cursor === undefined) {
      // First run: start below the oldest endpoint's first block (or at the head), not at genesis.
      const oldest = await this.db
        .selectFrom("webhook_endpoints")
        .select((eb) => eb.fn.min("from_block").as("from"))
        .executeTakeFirst();
      cursor = oldest?.from === null || oldest?.from === undefined ? head : BigInt(Math.min(Number(oldest.from), Number(head)));
    }
    const to = head < cursor + MAX_SCAN_BLOCKS ? head : cursor + MAX_SCAN_BLOCKS;
    const from = cursor > BigInt(REORG_WINDOW_BLOCKS) ? cursor - BigInt(REORG_WINDOW_BLOCKS) + 1n : 1n;
    const events = await this.index.invoiceEventsInBlocks(from, to);
    const present = new Set(events.map((e) => e.id));
    const invoices = new Map<bigint, Awaited<ReturnType<OutboxIndex["invoice"]>>>();
    const time = this.now();

    await this.db.transaction().execute(async (trx) => {
      await lockOutbox(trx);
      const recorded = await trx
        .selectFrom("webhook_events")
        .select(["id", "source_id", "type", "invoice_id", "data", "merchant", "block_number", "removed_at"])
        .where("source_id", "not like", "expired:%")
        .where("block_number", ">=", Number(from))
        .where("block_number", "<=", Number(to))
        .execute();
      const seen = recorded.filter((e) => e.removed_at === null);
      const known = new Set(recorded.map((e) => e.source_id));
      const insert = this.insertDelivery.bind(this);
      for (const gone of confirmRemovals ? seen.filter((e) => !present.has(e.source_id)) : [])
        await markRemoved(trx, gone, time, insert, deliveryBody, this.logger);
      for (const back of recorded.filter((e) => e.removed_at !== null && present.has(e.source_id))) {
        await markRestored(trx, back, time, this.logger);
      }
      for (const event of events) {
        if (known.has(event.id) || event.invoiceId === null) continue;
        if (!invoices.has(event.invoiceId)) invoices.set(event.invoiceId, await this.index.invoice(event.invoiceId));
        const invoice = invoices.get(event.invoiceId);
        const described = invoice ? describeEvent(event, invoice, await numberOf(trx, invoice, time)) : undefined;
        if (!invoice || !described) continue;
        await this.recordEvent(trx, {
          sourceId: event.id,
          type: described.type,
          merchant: invoice.merchant,
          invoiceId: invoice.id,
          blockNumber: event.blockNumber,
          logIndex: event.logIndex,
          data: { ...described.data, createdAt: new Date(Number(event.timestamp) * 1000).toISOString() },
        });
      }
      await trx
        .insertInto("webhook_cursor")
        .values({ name: CURSOR, block_number: Number(to) })
        .onConflict((oc) => oc.column("name").doUpdateSet({ block_number: Number(to) }))
        .execute();
    });
  }

  /** Records invoice.expired for subscribed merchants' invoices that expired since their endpoint was created. */
  private async expire(head: bigint, headTimestamp: bigint): Promise<void> {
    const subscribed = jsonListMatches(dialectOf(this.db), sql.ref("events"), sql.lit("invoice.expired"));
    const merchants = await sql<{ owner: string; since: number }>`
      SELECT owner, min(created_at) AS since FROM webhook_endpoints
      WHERE deleted_at IS NULL AND ${subscribed}
      GROUP BY owner`.execute(this.db);
    for (const { owner, since } of merchants.rows) {
      const page = await this.index.invoicesByAccount(owner.toLowerCase(), { role: "merchant", status: ["expired"], limit: 500 });
      for (const invoice of page.items) {
        if (Number(invoice.dueDate) * 1000 < since) continue;
        const sourceId = `expired:${invoice.id}`;
        await this.db.transaction().execute(async (trx) => {
          const number = await numberOf(trx, invoice, this.now());
          const data = {
            invoiceId: invoice.id.toString(),
            number,
            event: { name: "Expired", blockNumber: Number(head), timestamp: new Date(Number(headTimestamp) * 1000).toISOString() },
            invoice: invoiceSnapshot(invoice, number),
            createdAt: new Date(Number(invoice.dueDate) * 1000).toISOString(),
          };
          const type = "invoice.expired" as const;
          await this.recordEvent(trx, {
            sourceId,
            type,
            merchant: invoice.merchant,
            invoiceId: invoice.id,
            blockNumber: head,
            logIndex: 0,
            data,
          });
        });
      }
    }
  }

  /**
   * Records an event once (keyed by its source id). When it is older than what an endpoint has
   * already been enqueued through (a reorg's new branch, a late scan, an expiry at the same head),
   * that endpoint's mark is moved back so that {@link WebhookOutbox.enqueue} considers it.
   */
  private async recordEvent(
    trx: AppDb,
    event: {
      sourceId: string;
      type: WebhookEventType;
      merchant: string;
      invoiceId: bigint;
      blockNumber: bigint;
      logIndex: number;
      data: object;
    },
  ): Promise<void> {
    const inserted = await trx
      .insertInto("webhook_events")
      .values({
        id: webhookEventId(event.sourceId),
        source_id: event.sourceId,
        type: event.type,
        merchant: event.merchant.toLowerCase(),
        invoice_id: event.invoiceId.toString(),
        block_number: Number(event.blockNumber),
        log_index: event.logIndex,
        data: JSON.stringify(event.data),
        observed_at: this.now(),
        removed_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows !== 1n) return;
    await trx
      .updateTable("webhook_endpoints")
      .set({ enqueued_through: Number(event.blockNumber) - 1 })
      .where(sql<string>`lower(owner)`, "=", event.merchant.toLowerCase())
      .where("enqueued_through", ">=", Number(event.blockNumber))
      .execute();
  }

  /**
   * Enqueues a delivery for every (endpoint, event) pair that now has the endpoint's confirmations
   * and none yet, looking only at blocks after each endpoint's `enqueued_through` mark, then moves
   * the marks up to what is confirmed.
   */
  private async enqueue(head: bigint): Promise<number> {
    const dialect = dialectOf(this.db);
    return this.db.transaction().execute(async (trx) => {
      await lockOutbox(trx);
      const due = await sql<{ endpoint_id: string; id: string; type: WebhookEventType; data: string }>`
        SELECT w.id AS endpoint_id, e.id, e.type, e.data
        FROM webhook_endpoints w
        JOIN webhook_events e ON e.merchant = lower(w.owner)
          AND e.block_number > ${greatest(dialect, sql.ref("w.from_block"), sql.ref("w.enqueued_through"))}
          AND e.block_number <= ${Number(head)} - w.confirmations + 1
        WHERE w.deleted_at IS NULL AND e.removed_at IS NULL
          AND ${jsonListMatches(dialect, sql.ref("w.events"), sql.ref("e.type"))}
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.event_id = e.id)
        ORDER BY e.block_number, e.log_index, e.id, w.id
        LIMIT ${MAX_ENQUEUE}`.execute(trx);
      for (const row of due.rows) {
        const { createdAt, ...data } = JSON.parse(row.data) as { createdAt: string };
        await this.insertDelivery(trx, row.endpoint_id, row.id, row.type, deliveryBody(row.id, row.type, createdAt, data));
      }
      // A full batch may have left confirmed events behind: keep the marks so the next poll sees them.
      if (due.rows.length < MAX_ENQUEUE) {
        await sql`
          UPDATE webhook_endpoints SET enqueued_through = ${Number(head)} - confirmations + 1
          WHERE deleted_at IS NULL AND enqueued_through < ${Number(head)} - confirmations + 1`.execute(trx);
      }
      if (due.rows.length > 0) this.logger.debug({ count: due.rows.length }, "webhook deliveries enqueued");
      return due.rows.length;
    });
  }

  private async insertDelivery(trx: AppDb, endpointId: string, eventId: string, type: string, body: string): Promise<void> {
    const last = await trx
      .selectFrom("webhook_deliveries")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .executeTakeFirst();
    await trx
      .insertInto("webhook_deliveries")
      .values({
        id: `whd_${randomUUID().replace(/-/g, "")}`,
        seq: (last?.seq ?? 0) + 1,
        endpoint_id: endpointId,
        event_id: eventId,
        type,
        body,
        status: "pending",
        attempts: 0,
        next_attempt_at: this.now(),
        locked_until: null,
        last_status_code: null,
        last_error: null,
        created_at: this.now(),
        delivered_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
