/** The outbox's last step: a delivery per subscribed endpoint for every recorded event of a chain that is now confirmed. */
import { sql } from "kysely";
import type { Logger } from "pino";
import type { AppDb } from "../../db";
import { dialectOf, greatest, jsonListMatches } from "../../db/dialect";
import type { WebhookEventType } from "../../services/webhooks/events";
import type { InsertDelivery } from "./reorgs";

/** Key of the PostgreSQL advisory lock that serializes the outbox's writing transactions across replicas. */
const OUTBOX_LOCK = 0x5e771e01;

/**
 * Makes the calling transaction the only one of any replica writing the outbox until it ends (PostgreSQL: a
 * transaction-level advisory lock; SQLite serializes writers by itself). Deliveries take the next `seq`, which two
 * replicas enqueuing at once would otherwise both take.
 */
export async function lockOutbox(trx: AppDb): Promise<void> {
  if (dialectOf(trx) === "postgres") await sql`SELECT pg_advisory_xact_lock(${OUTBOX_LOCK})`.execute(trx);
}

/** The JSON body of one delivery: the same bytes on every attempt. */
export function deliveryBody(id: string, type: string, createdAt: string, data: unknown): string {
  return JSON.stringify({ id, type, createdAt, data });
}

/**
 * Lowers the enqueue marks on chain `chainId` (`first`: the first network) of `merchant`'s endpoints that are at or past
 * `block` to just below it, so that the enqueue step looks at an event of that block that came late (a reorg's new
 * branch, a late scan, an event back in the index) on that chain only.
 */
export async function lowerEnqueueMarks(
  trx: AppDb,
  chainId: number | undefined,
  first: boolean,
  merchant: string,
  block: number,
): Promise<void> {
  const owner = merchant.toLowerCase();
  if (first || chainId === undefined) {
    await trx
      .updateTable("webhook_endpoints")
      .set({ enqueued_through: block - 1 })
      .where(sql<string>`lower(owner)`, "=", owner)
      .where("enqueued_through", ">=", block)
      .execute();
    return;
  }
  await trx
    .updateTable("webhook_chain_marks")
    .set({ enqueued_through: block - 1 })
    .where("chain_id", "=", chainId)
    .where("enqueued_through", ">=", block)
    .where(
      "endpoint_id",
      "in",
      trx
        .selectFrom("webhook_endpoints")
        .select("id")
        .where(sql<string>`lower(owner)`, "=", owner),
    )
    .execute();
}

/** Most deliveries enqueued in one poll of one chain. */
const MAX_ENQUEUE = 1000;

/**
 * Enqueues a delivery for every (endpoint, event of chain `chainId`) pair that now has the endpoint's confirmations at
 * the chain's indexed `head` and none yet. Only blocks after the endpoint's mark on that chain are looked at, and the
 * marks then move up to what is confirmed: on the first network the mark is `enqueued_through` and the events start
 * after the endpoint's `from_block` (both that network's block numbers); on the others the mark is the endpoint's
 * webhook_chain_marks row (migration 0015), and its events are those the API recorded since the endpoint was created.
 * `chainId` undefined (an index without chain ids): every event. Returns the count.
 */
export async function enqueueDue(
  db: AppDb,
  chainId: number | undefined,
  head: bigint,
  first: boolean,
  insertDelivery: InsertDelivery,
  logger: Logger,
): Promise<number> {
  const dialect = dialectOf(db);
  const ofChain =
    chainId === undefined
      ? sql<boolean>`1 = 1`
      : sql<boolean>`(e.source_id LIKE ${`${chainId}:%`} OR e.source_id LIKE ${`expired:${chainId}:%`})`;
  // Block numbers of one chain mean nothing on another: the networks after the first keep their marks apart.
  const onEndpoints = first || chainId === undefined;
  const marks = onEndpoints ? sql`` : sql`LEFT JOIN webhook_chain_marks m ON m.endpoint_id = w.id AND m.chain_id = ${chainId}`;
  const since = onEndpoints
    ? sql<boolean>`e.block_number > ${greatest(dialect, sql.ref("w.from_block"), sql.ref("w.enqueued_through"))}`
    : sql<boolean>`e.observed_at >= w.created_at AND (m.enqueued_through IS NULL OR e.block_number > m.enqueued_through)`;
  return db.transaction().execute(async (trx) => {
    await lockOutbox(trx);
    const due = await sql<{ endpoint_id: string; id: string; type: WebhookEventType; data: string }>`
      SELECT w.id AS endpoint_id, e.id, e.type, e.data
      FROM webhook_endpoints w
      ${marks}
      JOIN webhook_events e ON e.merchant = lower(w.owner)
        AND ${since}
        AND e.block_number <= ${Number(head)} - w.confirmations + 1
      WHERE w.deleted_at IS NULL AND e.removed_at IS NULL AND ${ofChain}
        AND ${jsonListMatches(dialect, sql.ref("w.events"), sql.ref("e.type"))}
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.event_id = e.id)
      ORDER BY e.block_number, e.log_index, e.id, w.id
      LIMIT ${MAX_ENQUEUE}`.execute(trx);
    for (const row of due.rows) {
      const { createdAt, ...data } = JSON.parse(row.data) as { createdAt: string };
      await insertDelivery(trx, row.endpoint_id, row.id, row.type, deliveryBody(row.id, row.type, createdAt, data));
    }
    // A full batch may have left confirmed events behind: keep the marks so the next poll sees them.
    if (due.rows.length < MAX_ENQUEUE && onEndpoints) {
      await sql`
        UPDATE webhook_endpoints SET enqueued_through = ${Number(head)} - confirmations + 1
        WHERE deleted_at IS NULL AND enqueued_through < ${Number(head)} - confirmations + 1`.execute(trx);
    } else if (due.rows.length < MAX_ENQUEUE) {
      await sql`
        INSERT INTO webhook_chain_marks (endpoint_id, chain_id, enqueued_through)
        SELECT id, CAST(${chainId} AS integer), ${Number(head)} - confirmations + 1 FROM webhook_endpoints WHERE deleted_at IS NULL
        ON CONFLICT (endpoint_id, chain_id) DO UPDATE SET enqueued_through = excluded.enqueued_through
        WHERE webhook_chain_marks.enqueued_through < excluded.enqueued_through`.execute(trx);
    }
    if (due.rows.length > 0) logger.debug({ count: due.rows.length, chainId }, "webhook deliveries enqueued");
    return due.rows.length;
  });
}
