/**
 * Read-only access to Settle's index: the database that the indexer (Ponder 0.6, indexer/) writes, Ponder's SQLite file
 * or the deployment's schema on PostgreSQL (INDEX_DATABASE_URL). The API never imports Ponder; it reads Ponder's tables
 * through this module (table names: core/index-schema.ts; each backend's column codec: core/index-codec.ts), and
 * gives the same answers on both. Amounts, block numbers and timestamps come back as `bigint`, addresses and hashes as
 * lowercase `0x` strings (./rows.ts).
 *
 * The index is only served once Ponder says it is ready and the indexer's supervisor has seen it catch up with the
 * chain; before that, and while the indexer rebuilds it, every query throws {@link IndexNotReadyError}, which the API
 * maps to HTTP 503.
 */
import type { SyncHealth } from "../../core/index-schema";
import { IndexAmbiguousError, IndexNotReadyError } from "./errors";
import { IndexClock } from "./queries/invoice-status";
import { accountByAddress, escrowCreditsOf, stakeOf } from "./queries/accounts";
import { historyByAccount, historyByInvoice, historyByTxHash, type HistoryQuery } from "./queries/history";
import {
  invoicesById,
  invoiceByReference,
  invoiceEvents,
  invoiceEventsInBlocks,
  invoicesByAccount,
  type InvoiceQuery,
} from "./queries/invoices";
import { indexStats } from "./queries/stats";
import type { AccountRow, EscrowCreditRow, HistoryRow, IndexStats, IndexStatus, InvoiceEventRow, InvoiceRow, Page, StakeRow } from "./rows";
import { PostgresIndexSource } from "./pg-source";
import { SqliteIndexSource, type Queryable } from "./source";
import { readStatus, readSyncHealth, safeStatus, stalenessOf, type Staleness } from "./status";

/** Options of {@link IndexReader}: Ponder's SQLite file, or its schema on PostgreSQL. */
export type IndexReaderOptions =
  | {
      /** Path of Ponder's public.db. */
      path: string;
      /** How long a read waits for the writer's lock, in milliseconds (default 2000). */
      busyTimeoutMs?: number;
    }
  | {
      /** INDEX_DATABASE_URL. */
      url: string;
      /** The deployment's schema (core/index-schema's indexSchemaName), or what gives the current one. */
      schema: string | (() => string | undefined);
    };

/**
 * Typed, read-only queries over the index. Every query first checks that the index is ready and throws
 * {@link IndexNotReadyError} otherwise; a malformed argument throws an IndexQueryError. One instance is meant to be
 * shared by the whole API process.
 */
export class IndexReader {
  private readonly source: Queryable;
  private stalenessCache: { at: number; value: Staleness | undefined } | undefined;

  /** @param options where the database is. */
  constructor(options: IndexReaderOptions) {
    this.source =
      "path" in options
        ? new SqliteIndexSource(options.path, options.busyTimeoutMs ?? 2_000)
        : new PostgresIndexSource(options.url, options.schema);
  }

  /** Path of the SQLite database file, or undefined on PostgreSQL. */
  get path(): string | undefined {
    return this.source instanceof SqliteIndexSource ? this.source.path : undefined;
  }

  /** Closes the database (the next query opens it again). */
  close(): Promise<void> {
    return this.source.close();
  }

  /**
   * Checks that INDEX_DATABASE_URL reaches PostgreSQL (nothing to check for a SQLite file, which may appear later).
   *
   * @throws Error with one line that names the fix
   */
  async check(): Promise<void> {
    if (this.source instanceof PostgresIndexSource) await this.source.check();
  }

  /**
   * Ponder's progress, without throwing when the index is not ready; throws {@link IndexNotReadyError} (`missing`)
   * only when there is no database at all.
   */
  async status(): Promise<IndexStatus> {
    return readStatus(this.source);
  }

  /** Throws {@link IndexNotReadyError} unless the index is ready; returns its status. */
  async assertReady(): Promise<IndexStatus> {
    const status = await this.status();
    if (!status.ready) {
      const progress = status.block ? ` (at block ${status.block.number} so far)` : "";
      throw new IndexNotReadyError("building", `the index is being built${progress}: try again shortly`);
    }
    return status;
  }

  /** True when the index can be served. Never throws for a missing or building index. */
  async isReady(): Promise<boolean> {
    return (await safeStatus(this)).ready;
  }

  /** Latest block whose events are in the index (throws {@link IndexNotReadyError} until ready). */
  async headBlock(): Promise<{ number: bigint; timestamp: bigint }> {
    const status = await this.assertReady();
    if (!status.block) throw new IndexNotReadyError("building", "the index has no block yet: try again shortly");
    return status.block;
  }

  /** How the indexer's sync of each network stands (see readSyncHealth); `now` in ms since the epoch. */
  async syncHealth(now = Date.now()): Promise<Record<string, SyncHealth>> {
    return readSyncHealth(this.source, now);
  }

  /**
   * How stale the index's answers are (undefined when current). Read at most once a second: every response asks.
   */
  async staleness(now = Date.now()): Promise<Staleness | undefined> {
    if (this.stalenessCache && now - this.stalenessCache.at < 1_000) return this.stalenessCache.value;
    const value = stalenessOf(await this.syncHealth(now), now);
    this.stalenessCache = { at: now, value };
    return value;
  }

  /** History rows of `account` (as the account, not the counterparty), newest first by default, paginated and filtered (`chainId` among the filters). */
  async historyByAccount(account: string, query: HistoryQuery = {}): Promise<Page<HistoryRow>> {
    await this.assertReady();
    return historyByAccount(this.source, account, query);
  }

  /** Every History row of one transaction (on chain `chainId`, or on any chain), in log order. */
  async historyByTxHash(txHash: string, chainId?: number): Promise<HistoryRow[]> {
    await this.assertReady();
    return historyByTxHash(this.source, txHash, chainId);
  }

  /** Every History row about invoice `id` (of chain `chainId`, or of every chain with such an invoice), in order. */
  async historyByInvoice(id: bigint, chainId?: number): Promise<HistoryRow[]> {
    await this.assertReady();
    return historyByInvoice(this.source, id, chainId);
  }

  /**
   * Invoice `id` of chain `chainId` as of its chain's indexed head, or undefined when there is no such invoice; without
   * a chain, the one invoice of that id on any chain.
   *
   * @throws IndexAmbiguousError when no chain is given and several chains have an invoice `id` (its `candidates`)
   */
  async invoice(id: bigint, chainId?: number): Promise<InvoiceRow | undefined> {
    const matches = await this.invoiceMatches(id, chainId);
    if (matches.length > 1) throw new IndexAmbiguousError(`invoice ${id}`, matches);
    return matches[0];
  }

  /** Every invoice `id` (of chain `chainId`, or of every chain that has one), by chain id. */
  async invoiceMatches(id: bigint, chainId?: number): Promise<InvoiceRow[]> {
    return invoicesById(this.source, id, await this.clock(), chainId);
  }

  /** The latest invoice created with reference hash `reference` (on chain `chainId`, or on any), or undefined. */
  async invoiceByReference(reference: string, chainId?: number): Promise<InvoiceRow | undefined> {
    return invoiceByReference(this.source, reference, await this.clock(), chainId);
  }

  /** Invoices of `account` as merchant, payer or either, highest id first by default, paginated and filtered (`chainId` among the filters). */
  async invoicesByAccount(account: string, query: InvoiceQuery = {}): Promise<Page<InvoiceRow>> {
    return invoicesByAccount(this.source, account, query, await this.clock());
  }

  /** Every event of invoice `id` (of chain `chainId`, or of every chain with such an invoice), by chain, in chain order. */
  async invoiceEvents(id: bigint, chainId?: number): Promise<InvoiceEventRow[]> {
    await this.assertReady();
    return invoiceEvents(this.source, id, chainId);
  }

  /**
   * Every invoice event (escrow-wide ones left out) in blocks `fromBlock` to `toBlock` inclusive of chain `chainId`
   * (without one: of every chain), in chain order.
   */
  async invoiceEventsInBlocks(fromBlock: bigint, toBlock: bigint, chainId?: number): Promise<InvoiceEventRow[]> {
    await this.assertReady();
    return invoiceEventsInBlocks(this.source, fromBlock, toBlock, chainId);
  }

  /** What the escrow holds for `account`, per chain (only `chainId`'s when given) and token. */
  async escrowCredits(account: string, chainId?: number): Promise<EscrowCreditRow[]> {
    await this.assertReady();
    return escrowCreditsOf(this.source, account, chainId);
  }

  /** The Account row of `address` on chain `chainId` (without one: on the lowest chain id it appeared on), or undefined. */
  async account(address: string, chainId?: number): Promise<AccountRow | undefined> {
    await this.assertReady();
    return accountByAddress(this.source, address, chainId);
  }

  /** The current stake of `account` on chain `chainId` (without one: on the lowest chain id), or undefined. */
  async stake(account: string, chainId?: number): Promise<StakeRow | undefined> {
    await this.assertReady();
    return stakeOf(this.source, account, chainId);
  }

  /** Per-chain, per-token totals, invoice counts by status (at each chain's head), and the indexed head; of one chain when given. */
  async stats(chainId?: number): Promise<IndexStats> {
    const status = await this.assertReady();
    return indexStats(this.source, status.block, clockOf(status), chainId);
  }

  /** Each chain's "now" for invoice statuses: its indexed head's timestamp (throws {@link IndexNotReadyError} until ready). */
  private async clock(): Promise<IndexClock> {
    return clockOf(await this.assertReady());
  }
}

/** The clock of an index's status: each chain's head timestamp, the first network's for a chain without one. */
function clockOf(status: IndexStatus): IndexClock {
  const heads = new Map(status.chains.filter((chain) => chain.block).map((chain) => [chain.chainId, chain.block!.timestamp] as const));
  return new IndexClock(status.block?.timestamp ?? 0n, heads);
}
