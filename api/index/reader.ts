/**
 * Read-only access to Settle's index: the SQLite database that the indexer (Ponder 0.6, indexer/) writes. The API
 * never imports Ponder; it reads Ponder's tables through this module (table names and column codec:
 * core/index-schema.ts). Amounts, block numbers and timestamps come back as `bigint`, addresses and hashes as
 * lowercase `0x` strings (./rows.ts).
 *
 * The index is only served once Ponder says it is ready and the indexer's supervisor has seen it catch up with the
 * chain; before that, and while the indexer rebuilds it, every query throws {@link IndexNotReadyError}, which the API
 * maps to HTTP 503.
 */
import { dirname } from "node:path";
import { readIdentity } from "../../core/index-folder";
import type { IndexIdentity, SyncHealth } from "../../core/index-schema";
import { IndexNotReadyError } from "./errors";
import { accountByAddress, escrowCreditsOf, stakeOf } from "./queries/accounts";
import { historyByAccount, historyByInvoice, historyByTxHash, type HistoryQuery } from "./queries/history";
import {
  invoiceById,
  invoiceByReference,
  invoiceEvents,
  invoiceEventsInBlocks,
  invoicesByAccount,
  type InvoiceQuery,
} from "./queries/invoices";
import { indexStats } from "./queries/stats";
import type { AccountRow, EscrowCreditRow, HistoryRow, IndexStats, IndexStatus, InvoiceEventRow, InvoiceRow, Page, StakeRow } from "./rows";
import { IndexSource } from "./source";
import { readStatus, readSyncHealth, safeStatus, stalenessOf, type Staleness } from "./status";

/** Options of {@link IndexReader}. */
export interface IndexReaderOptions {
  /** Path of Ponder's public.db. */
  path: string;
  /** How long a read waits for the writer's lock, in milliseconds (default 2000). */
  busyTimeoutMs?: number;
}

/**
 * Typed, read-only queries over the index. Every query first checks that the index is ready and throws
 * {@link IndexNotReadyError} otherwise; a malformed argument throws an IndexQueryError. One instance is meant to be
 * shared by the whole API process; it is synchronous (better-sqlite3).
 */
export class IndexReader {
  private readonly source: IndexSource;
  private stalenessCache: { at: number; value: Staleness | undefined } | undefined;

  /** @param options where the database is. */
  constructor(options: IndexReaderOptions) {
    this.source = new IndexSource(options.path, options.busyTimeoutMs ?? 2_000);
  }

  /** Path of the database file. */
  get path(): string {
    return this.source.path;
  }

  /** Closes the database (the next query opens it again). */
  close(): void {
    this.source.close();
  }

  /**
   * Ponder's progress, without throwing when the index is not ready; throws {@link IndexNotReadyError} (`missing`)
   * only when there is no database at all.
   */
  status(): IndexStatus {
    return readStatus(this.source);
  }

  /** Throws {@link IndexNotReadyError} unless the index is ready; returns its status. */
  assertReady(): IndexStatus {
    const status = this.status();
    if (!status.ready) {
      const progress = status.block ? ` (at block ${status.block.number} so far)` : "";
      throw new IndexNotReadyError("building", `the index is being built${progress}: try again shortly`);
    }
    return status;
  }

  /** True when the index can be served. Never throws for a missing or building index. */
  isReady(): boolean {
    return safeStatus(this).ready;
  }

  /** Latest block whose events are in the index (throws {@link IndexNotReadyError} until ready). */
  headBlock(): { number: bigint; timestamp: bigint } {
    const status = this.assertReady();
    if (!status.block) throw new IndexNotReadyError("building", "the index has no block yet: try again shortly");
    return status.block;
  }

  /** How the indexer's sync of each network stands (see readSyncHealth); `now` in ms since the epoch. */
  syncHealth(now = Date.now()): Record<string, SyncHealth> {
    return readSyncHealth(this.source, now);
  }

  /**
   * How stale the index's answers are (undefined when current). Read at most once a second: every response asks.
   */
  staleness(now = Date.now()): Staleness | undefined {
    if (this.stalenessCache && now - this.stalenessCache.at < 1_000) return this.stalenessCache.value;
    const value = stalenessOf(this.syncHealth(now), now);
    this.stalenessCache = { at: now, value };
    return value;
  }

  /** The chain the index was built from, as recorded by the indexer next to the database. */
  identity(): IndexIdentity | undefined {
    return readIdentity(dirname(this.path));
  }

  /** History rows of `account` (as the account, not the counterparty), newest first by default, paginated and filtered. */
  historyByAccount(account: string, query: HistoryQuery = {}): Page<HistoryRow> {
    this.assertReady();
    return historyByAccount(this.source, account, query);
  }

  /** Every History row of one transaction, in log order. */
  historyByTxHash(txHash: string): HistoryRow[] {
    this.assertReady();
    return historyByTxHash(this.source, txHash);
  }

  /** Every History row about invoice `id`, in chain order. */
  historyByInvoice(id: bigint): HistoryRow[] {
    this.assertReady();
    return historyByInvoice(this.source, id);
  }

  /** Invoice `id` as of the indexed head, or undefined when there is no such invoice. */
  invoice(id: bigint): InvoiceRow | undefined {
    return invoiceById(this.source, id, this.now());
  }

  /** The latest invoice created with reference hash `reference`, or undefined. */
  invoiceByReference(reference: string): InvoiceRow | undefined {
    return invoiceByReference(this.source, reference, this.now());
  }

  /** Invoices of `account` as merchant, payer or either, newest first by default, paginated and filtered. */
  invoicesByAccount(account: string, query: InvoiceQuery = {}): Page<InvoiceRow> {
    return invoicesByAccount(this.source, account, query, this.now());
  }

  /** Every event of invoice `id`, in chain order. */
  invoiceEvents(id: bigint): InvoiceEventRow[] {
    this.assertReady();
    return invoiceEvents(this.source, id);
  }

  /** Every invoice event (escrow-wide ones left out) in blocks `fromBlock` to `toBlock` inclusive, in chain order. */
  invoiceEventsInBlocks(fromBlock: bigint, toBlock: bigint): InvoiceEventRow[] {
    this.assertReady();
    return invoiceEventsInBlocks(this.source, fromBlock, toBlock);
  }

  /** What the escrow holds for `account`, per token (fees, payouts that could not be pushed). */
  escrowCredits(account: string): EscrowCreditRow[] {
    this.assertReady();
    return escrowCreditsOf(this.source, account);
  }

  /** The Account row of `address`, or undefined when the address never appeared. */
  account(address: string): AccountRow | undefined {
    this.assertReady();
    return accountByAddress(this.source, address);
  }

  /** The current stake of `account`, or undefined when it never staked. */
  stake(account: string): StakeRow | undefined {
    this.assertReady();
    return stakeOf(this.source, account);
  }

  /** Per-token totals, invoice counts by status (at the indexed head), and the indexed head. */
  stats(): IndexStats {
    return indexStats(this.source, this.assertReady().block);
  }

  /** Timestamp of the indexed head: "now" for invoice statuses (throws {@link IndexNotReadyError} until ready). */
  private now(): bigint {
    return this.assertReady().block?.timestamp ?? 0n;
  }
}
