import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Logger } from "pino";
import type { AppDb } from "../../db";
import { dialectOf, jsonListMatches } from "../../db/dialect";
import type { IndexReader } from "../../index/reader";
import { type WebhookEventType, describeEvent, invoiceSnapshot, webhookEventId } from "../../services/webhooks/events";
import { numberOf } from "../../services/drafts";
import { chainFieldsOf } from "../../services/networks";
import type { ChainHead } from "../../index/rows";
import { deliveryBody, enqueueDue, lockOutbox, lowerEnqueueMarks } from "./enqueue";
import { markRemoved, markRestored } from "./reorgs";

/** What the poller reads from the index. */
export type OutboxIndex = Pick<IndexReader, "status" | "invoice" | "invoiceEventsInBlocks" | "invoicesByAccount">;

/** Blocks below the scanned head that are scanned again on every poll, to notice reorgs (deeper than Ponder's finality of 30). */
export const REORG_WINDOW_BLOCKS = 64;
/** Most blocks scanned past the cursor in one poll (a long-stopped API catches up in steps). */
const MAX_SCAN_BLOCKS = 2000n;
/** The scan cursor of the first network (its name predates several chains), and the prefix of the others'. */
const CURSOR = "invoice-events";

/** One chain the outbox scans: its id (undefined for an index that has not recorded its chains) and indexed head. */
type ScannedChain = Pick<ChainHead, "network"> & { chainId: number | undefined; block: { number: bigint; timestamp: bigint } };

/** The chains of `status` with an indexed head, first network first. */
function chainsOf(status: Awaited<ReturnType<OutboxIndex["status"]>>): ScannedChain[] {
  const chains = status.chains.flatMap((chain) => (chain.block ? [{ ...chain, block: chain.block }] : []));
  if (chains.length > 0) return chains;
  return status.block ? [{ chainId: undefined, network: status.network ?? "default", block: status.block }] : [];
}

/** The name of the scan cursor of `chain` (the first network keeps the name it had before several chains). */
function cursorName(chain: ScannedChain, first: boolean): string {
  return first || chain.chainId === undefined ? CURSOR : `${CURSOR}:${chain.chainId}`;
}

/** What a payload says of the chain of its event: its id and name (nothing for an index without chain ids). */
function chainData(chainId: number | undefined): { chainId?: number; chainName?: string } {
  return chainId === undefined ? {} : chainFieldsOf(chainId);
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
  /** Each chain's indexed head at the last poll (by cursor name; absent before the first). */
  private readonly lastHeads = new Map<string, bigint>();

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
    if (!status.ready) return 0;
    const chains = chainsOf(status);
    let enqueued = 0;
    for (const [i, chain] of chains.entries()) {
      const name = cursorName(chain, i === 0);
      const head = chain.block.number;
      // An event missing from an index whose head has not moved since the last poll is not gone yet: Ponder takes the
      // blocks after its finalized checkpoint out when it restarts and indexes them again before its head moves.
      const last = this.lastHeads.get(name);
      await this.scan(chain, name, i === 0, last !== undefined && head !== last);
      this.lastHeads.set(name, head);
      await this.expire(chain, i === 0);
      enqueued += await enqueueDue(this.db, chain.chainId, head, i === 0, this.insertDelivery.bind(this), this.logger);
    }
    return enqueued;
  }

  /** The block the poller has scanned up to on the first network (or on `chainId`'s), or undefined before its first scan. */
  async cursor(chainId?: number): Promise<bigint | undefined> {
    const name = chainId === undefined ? CURSOR : `${CURSOR}:${chainId}`;
    const rows = await this.db.selectFrom("webhook_cursor").select(["name", "block_number"]).where("name", "in", [CURSOR, name]).execute();
    // The first network's cursor has the plain name: a chain id asked for that has no own cursor is the first's.
    const row = rows.find((r) => r.name === name) ?? rows.find((r) => r.name === CURSOR);
    return row ? BigInt(row.block_number) : undefined;
  }

  private async readCursor(name: string): Promise<bigint | undefined> {
    const row = await this.db.selectFrom("webhook_cursor").select("block_number").where("name", "=", name).executeTakeFirst();
    return row ? BigInt(row.block_number) : undefined;
  }

  private async scan(chain: ScannedChain, name: string, first: boolean, confirmRemovals: boolean): Promise<void> {
    const head = chain.block.number;
    let cursor = await this.readCursor(name);
    // Another chain's first scan starts at its head (endpoints' from_block are the first network's block numbers).
    if (cursor === undefined && !first) cursor = head;
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
    const events = await this.index.invoiceEventsInBlocks(from, to, chain.chainId);
    const present = new Set(events.map((e) => e.id));
    // Event ids are chain-scoped (`<chainId>:<log>`): only this chain's recorded events are compared with its scan.
    const ofChain = chain.chainId === undefined ? "%" : `${chain.chainId}:%`;
    const invoices = new Map<bigint, Awaited<ReturnType<OutboxIndex["invoice"]>>>();
    const time = this.now();

    await this.db.transaction().execute(async (trx) => {
      await lockOutbox(trx);
      const recorded = await trx
        .selectFrom("webhook_events")
        .select(["id", "source_id", "type", "invoice_id", "data", "merchant", "block_number", "removed_at"])
        .where("source_id", "not like", "expired:%")
        .where("source_id", "like", ofChain)
        .where("block_number", ">=", Number(from))
        .where("block_number", "<=", Number(to))
        .execute();
      const seen = recorded.filter((e) => e.removed_at === null);
      const known = new Set(recorded.map((e) => e.source_id));
      const insert = this.insertDelivery.bind(this);
      for (const gone of confirmRemovals ? seen.filter((e) => !present.has(e.source_id)) : [])
        await markRemoved(trx, gone, time, insert, deliveryBody, this.logger);
      for (const back of recorded.filter((e) => e.removed_at !== null && present.has(e.source_id))) {
        await markRestored(trx, back, time, this.logger, chain.chainId, first);
      }
      for (const event of events) {
        if (known.has(event.id) || event.invoiceId === null) continue;
        if (!invoices.has(event.invoiceId)) invoices.set(event.invoiceId, await this.index.invoice(event.invoiceId, chain.chainId));
        const invoice = invoices.get(event.invoiceId);
        const described = invoice ? describeEvent(event, invoice, await numberOf(trx, invoice, time)) : undefined;
        if (!invoice || !described) continue;
        await this.recordEvent(trx, chain.chainId, first, {
          sourceId: event.id,
          type: described.type,
          merchant: invoice.merchant,
          invoiceId: invoice.id,
          blockNumber: event.blockNumber,
          logIndex: event.logIndex,
          data: { ...chainData(chain.chainId), ...described.data, createdAt: new Date(Number(event.timestamp) * 1000).toISOString() },
        });
      }
      await trx
        .insertInto("webhook_cursor")
        .values({ name, block_number: Number(to) })
        .onConflict((oc) => oc.column("name").doUpdateSet({ block_number: Number(to) }))
        .execute();
    });
  }

  /** Records invoice.expired for subscribed merchants' invoices that expired since their endpoint was created. */
  private async expire(chain: ScannedChain, first: boolean): Promise<void> {
    const { number: head, timestamp: headTimestamp } = chain.block;
    const subscribed = jsonListMatches(dialectOf(this.db), sql.ref("events"), sql.lit("invoice.expired"));
    const merchants = await sql<{ owner: string; since: number }>`
      SELECT owner, min(created_at) AS since FROM webhook_endpoints
      WHERE deleted_at IS NULL AND ${subscribed}
      GROUP BY owner`.execute(this.db);
    for (const { owner, since } of merchants.rows) {
      const page = await this.index.invoicesByAccount(owner.toLowerCase(), {
        role: "merchant",
        status: ["expired"],
        limit: 500,
        chainId: chain.chainId,
      });
      for (const invoice of page.items) {
        if (Number(invoice.dueDate) * 1000 < since) continue;
        // Chain-scoped, as the escrow events' ids are: invoice ids repeat across chains.
        const sourceId = `expired:${invoice.chainId}:${invoice.id}`;
        await this.db.transaction().execute(async (trx) => {
          const number = await numberOf(trx, invoice, this.now());
          const data = {
            ...chainData(invoice.chainId),
            invoiceId: invoice.id.toString(),
            number,
            event: { name: "Expired", blockNumber: Number(head), timestamp: new Date(Number(headTimestamp) * 1000).toISOString() },
            invoice: invoiceSnapshot(invoice, number),
            createdAt: new Date(Number(invoice.dueDate) * 1000).toISOString(),
          };
          const type = "invoice.expired" as const;
          await this.recordEvent(trx, chain.chainId, first, {
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
   * Records an event of chain `chainId` (`first`: the first network) once (keyed by its source id). When it is older
   * than what an endpoint has already been enqueued through on that chain (a reorg's new branch, a late scan, an expiry
   * at the same head), that endpoint's mark on that chain is moved back so that the enqueue step considers it.
   */
  private async recordEvent(
    trx: AppDb,
    chainId: number | undefined,
    first: boolean,
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
    await lowerEnqueueMarks(trx, chainId, first, event.merchant, Number(event.blockNumber));
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
