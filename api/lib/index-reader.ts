/**
 * Read-only access to Settle's index: the SQLite database that the indexer (Ponder 0.6, indexer/)
 * writes. The API never imports Ponder; it reads Ponder's tables through this module.
 *
 * Ponder 0.6 stores each table of indexer/ponder.schema.ts under its own name ("Account",
 * "TokenTransfer", "Invoice", "InvoiceEvent", "Stake", "StakingEvent", "History", "TokenStat",
 * "InvoiceStatusCount"), next to its own "_ponder_meta" (status and build) and
 * "_ponder_reorg__<table>" tables. A `bigint` column is 79-character text (a sign character, then
 * 78 zero-padded digits, so that text order is numeric order); a `hex` column is a BLOB of the raw
 * bytes. This module converts both: amounts, block numbers and timestamps come back as `bigint`,
 * addresses and hashes as lowercase `0x` strings.
 *
 * The index is only served once Ponder says it is ready (caught up with the chain); before that,
 * and while the indexer rebuilds it, every query throws {@link IndexNotReadyError}, which the API
 * maps to HTTP 503.
 */
import Database from "better-sqlite3";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { HISTORY_KINDS, type HistoryKind } from "../../core/history";
import { INVOICE_STATUSES, type InvoiceStatus } from "../../core/invoice/status";

/** Why the index cannot be served. */
export type IndexNotReadyReason = "missing" | "building";

/** The index is missing, being built or being rebuilt: try again later (HTTP 503). */
export class IndexNotReadyError extends Error {
  override name = "IndexNotReadyError";
  /** Stable code for API error bodies. */
  readonly code = "INDEX_NOT_READY";

  /** @param reason what is going on. @param message a sentence for people. */
  constructor(
    readonly reason: IndexNotReadyReason,
    message: string,
  ) {
    super(message);
  }
}

/** A query argument is malformed (not an address, a negative limit...): a caller bug or bad input (HTTP 400). */
export class IndexQueryError extends Error {
  override name = "IndexQueryError";
  /** Stable code for API error bodies. */
  readonly code = "INVALID_QUERY";
}

/** A `0x`-prefixed lowercase hex string (address, hash). */
export type Hex = `0x${string}`;

export { HISTORY_KINDS, INVOICE_STATUSES, type HistoryKind, type InvoiceStatus };

/** The zero address: the token of native ETH amounts. */
export const ETH_TOKEN: Hex = "0x0000000000000000000000000000000000000000";

/** Ponder's progress for the indexed network. */
export interface IndexStatus {
  /**
   * True when the index may be served: Ponder has indexed the finalized chain (its `ready`) and the
   * indexer's launcher has seen it catch up with the chain's head since it last started.
   */
  ready: boolean;
  /** Network name in deployments/ (the key of Ponder's status). */
  network: string | null;
  /** Latest block whose events are in the index, or null before the first one. */
  block: { number: bigint; timestamp: bigint } | null;
}

/** What the index was built from (indexer/lib/identity.ts), when the indexer recorded it. */
export interface IndexIdentity {
  network: string;
  chainId: number;
  startBlock: { number: number; hash: Hex };
  contracts: Record<string, { address: Hex; deployBlock: number }>;
}

/** One row of the unified transaction history. */
export interface HistoryRow {
  /** Sorts in chain order; use it as the cursor. */
  id: string;
  account: Hex;
  counterparty: Hex | null;
  kind: HistoryKind;
  /** Token of `amount`; {@link ETH_TOKEN} for ETH. */
  token: Hex;
  amount: bigint;
  invoiceId: bigint | null;
  txHash: Hex;
  logIndex: number;
  blockNumber: bigint;
  timestamp: bigint;
}

/** An address seen in the history, with counters. */
export interface AccountRow {
  address: Hex;
  firstSeenBlock: bigint;
  firstSeenTimestamp: bigint;
  lastSeenBlock: bigint;
  lastSeenTimestamp: bigint;
  historyCount: number;
  transfersIn: number;
  transfersOut: number;
  invoicesCreated: number;
  paymentsMade: number;
  stakingActions: number;
}

/** An account's current stake in StakingRewards. */
export interface StakeRow {
  account: Hex;
  token: Hex;
  /** Principal staked now. */
  balance: bigint;
  totalStaked: bigint;
  totalWithdrawn: bigint;
  rewardsToken: Hex;
  rewardsClaimed: bigint;
  updatedBlock: bigint;
  updatedTimestamp: bigint;
}

/** An invoice's current state: every field of PaymentEscrow's Invoice, and totals. */
export interface InvoiceRow {
  id: bigint;
  merchant: Hex;
  /** Null while the invoice is open to anyone (the first payment binds the payer). */
  payer: Hex | null;
  /** ERC-20 token, or {@link ETH_TOKEN}. */
  token: Hex;
  /** Null when the invoice has no arbiter. */
  arbiter: Hex | null;
  amount: bigint;
  paid: bigint;
  /** Gross amount released or claimed to the merchant side (fees included). */
  released: bigint;
  /** Returned to the payer (refunds, reclaims, the payer's part of a split). */
  refunded: bigint;
  /** Protocol fees taken from the merchant's share. */
  fees: bigint;
  /** Held by the escrow for the invoice: paid - released - refunded. */
  held: bigint;
  /** Hash of the off-chain invoice details (the contract's referenceHash). */
  reference: Hex;
  dueDate: bigint;
  disputeWindow: number;
  feeBps: number;
  paidAt: bigint | null;
  disputedAt: bigint | null;
  disputeTimeoutAt: bigint | null;
  settlementProposer: Hex | null;
  settlementToMerchant: bigint | null;
  /** Status at the indexed head (an open or partially paid invoice past its due date is expired). */
  status: InvoiceStatus;
  createdBlock: bigint;
  createdTimestamp: bigint;
  createdTxHash: Hex;
  updatedBlock: bigint;
  updatedTimestamp: bigint;
  eventCount: number;
}

/** One PaymentEscrow event. */
export interface InvoiceEventRow {
  id: string;
  /** Null for escrow-wide events (Withdrawn, FeeBpsUpdated, FeeRecipientUpdated). */
  invoiceId: bigint | null;
  /** The event's name: InvoiceCreated, InvoicePaid, InvoiceReleased, ... */
  kind: string;
  actor: Hex | null;
  token: Hex | null;
  amount: bigint | null;
  toMerchant: bigint | null;
  toPayer: bigint | null;
  fee: bigint | null;
  /** Every argument of the event; uint values as decimal strings. */
  args: Record<string, unknown>;
  txHash: Hex;
  logIndex: number;
  blockNumber: bigint;
  timestamp: bigint;
}

/** Filters of {@link IndexReader.invoicesByAccount}. */
export interface InvoiceQuery {
  /** Invoices where the account is the merchant, the payer, or either (default). */
  role?: "merchant" | "payer" | "any";
  status?: readonly InvoiceStatus[];
  token?: string;
  /** Inclusive lower bound on the creation time (seconds). */
  fromTimestamp?: bigint;
  /** Exclusive upper bound on the creation time (seconds). */
  toTimestamp?: bigint;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size, 1 to {@link MAX_PAGE_SIZE} (default {@link DEFAULT_PAGE_SIZE}). */
  limit?: number;
  /** `desc` (default): newest first. */
  order?: "asc" | "desc";
}

/** What the escrow holds for an account in one token (fees, payouts that could not be pushed). */
export interface EscrowCreditRow {
  account: Hex;
  token: Hex;
  /** Withdrawable now. */
  balance: bigint;
  credited: bigint;
  withdrawn: bigint;
  updatedBlock: bigint;
}

/** Per-token totals. */
export interface TokenStatRow {
  token: Hex;
  /** Held by the escrow for invoices (paid, not yet released, claimed, refunded or reclaimed). */
  escrowLocked: bigint;
  /** Held by the escrow as credits awaiting withdrawal; the escrow's balance is escrowLocked + escrowCredits. */
  escrowCredits: bigint;
  /** Paid into invoices, all time. */
  escrowPaid: bigint;
  /** Principal staked in StakingRewards. */
  stakingLocked: bigint;
  /** Protocol fees collected by the escrow. */
  feesCollected: bigint;
  rewardsFunded: bigint;
  rewardsPaid: bigint;
  updatedBlock: bigint;
}

/** Index-wide figures. */
export interface IndexStats {
  tokens: TokenStatRow[];
  /** Number of invoices in each status (statuses with no invoice are absent). */
  invoicesByStatus: Record<string, number>;
  /** Latest indexed block. */
  block: IndexStatus["block"];
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** Filters of {@link IndexReader.historyByAccount}. */
export interface HistoryQuery {
  kinds?: readonly HistoryKind[];
  token?: string;
  invoiceId?: bigint;
  /** Inclusive lower bound on the block timestamp (seconds). */
  fromTimestamp?: bigint;
  /** Exclusive upper bound on the block timestamp (seconds). */
  toTimestamp?: bigint;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size, 1 to {@link MAX_PAGE_SIZE} (default {@link DEFAULT_PAGE_SIZE}). */
  limit?: number;
  /** `desc` (default): newest first. */
  order?: "asc" | "desc";
}

/** Default page size. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page size. */
export const MAX_PAGE_SIZE = 500;

/** Options of {@link IndexReader}. */
export interface IndexReaderOptions {
  /** Path of Ponder's public.db (see {@link defaultIndexPath}). */
  path: string;
  /** How long a read waits for the writer's lock, in milliseconds (default 2000). */
  busyTimeoutMs?: number;
}

/**
 * Path of the index database of `network`: `$SETTLE_INDEX_DIR/public.db` when that variable is set
 * (the indexer uses the same variable), else `<repo>/indexer/.ponder/<network>/public.db`.
 */
export function defaultIndexPath(network = process.env.SETTLE_NETWORK || "localhost", env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.SETTLE_INDEX_DIR ? resolve(env.SETTLE_INDEX_DIR) : join(__dirname, "..", "..", "indexer", ".ponder", network);
  return join(dir, "public.db");
}

/** Table the indexer's launcher keeps in the database: one row while the index has caught up with the chain. */
const CAUGHT_UP_TABLE = "_settle_caught_up";

// ---------------------------------------------------------------------------------------------
// Encoding of Ponder 0.6's SQLite columns.

const EVM_MIN_INT = -(2n ** 255n);

/** Ponder's text encoding of a bigint: sign character and 78 digits (negatives offset by 2^255). */
export function encodeBigint(value: bigint): string {
  if (value < 0n) return "-" + (value - EVM_MIN_INT).toString().padStart(78, "0");
  return "0" + value.toString().padStart(78, "0");
}

/** Inverse of {@link encodeBigint}. */
export function decodeBigint(text: string): bigint {
  const value = BigInt(text.slice(1));
  return text[0] === "-" ? value + EVM_MIN_INT : value;
}

function decodeHex(value: Buffer): Hex {
  return `0x${value.toString("hex")}`;
}

function encodeHex(value: string, what: string, bytes?: number): Buffer {
  if (!/^0x([0-9a-fA-F]{2})*$/.test(value) || (bytes !== undefined && value.length !== 2 + 2 * bytes)) {
    throw new IndexQueryError(
      `${what} must be 0x followed by ${bytes ?? "an even number of"}${bytes ? " bytes" : " hex digits"}, got "${value}"`,
    );
  }
  return Buffer.from(value.slice(2), "hex");
}

const encodeAddress = (value: string, what = "address") => encodeHex(value, what, 20);

function pageSize(limit: number | undefined): number {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new IndexQueryError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
  return size;
}

type Row = Record<string, unknown>;
const big = (row: Row, column: string) => decodeBigint(row[column] as string);
const bigOrNull = (row: Row, column: string) => (row[column] === null ? null : decodeBigint(row[column] as string));
const hex = (row: Row, column: string) => decodeHex(row[column] as Buffer);
const hexOrNull = (row: Row, column: string) => (row[column] === null ? null : decodeHex(row[column] as Buffer));

function toHistory(row: Row): HistoryRow {
  return {
    id: row.id as string,
    account: hex(row, "account"),
    counterparty: hexOrNull(row, "counterparty"),
    kind: row.kind as HistoryKind,
    token: hex(row, "token"),
    amount: big(row, "amount"),
    invoiceId: bigOrNull(row, "invoiceId"),
    txHash: hex(row, "txHash"),
    logIndex: row.logIndex as number,
    blockNumber: big(row, "blockNumber"),
    timestamp: big(row, "timestamp"),
  };
}

function toAccount(row: Row): AccountRow {
  return {
    address: hex(row, "id"),
    firstSeenBlock: big(row, "firstSeenBlock"),
    firstSeenTimestamp: big(row, "firstSeenTimestamp"),
    lastSeenBlock: big(row, "lastSeenBlock"),
    lastSeenTimestamp: big(row, "lastSeenTimestamp"),
    historyCount: row.historyCount as number,
    transfersIn: row.transfersIn as number,
    transfersOut: row.transfersOut as number,
    invoicesCreated: row.invoicesCreated as number,
    paymentsMade: row.paymentsMade as number,
    stakingActions: row.stakingActions as number,
  };
}

function toStake(row: Row): StakeRow {
  return {
    account: hex(row, "id"),
    token: hex(row, "token"),
    balance: big(row, "balance"),
    totalStaked: big(row, "totalStaked"),
    totalWithdrawn: big(row, "totalWithdrawn"),
    rewardsToken: hex(row, "rewardsToken"),
    rewardsClaimed: big(row, "rewardsClaimed"),
    updatedBlock: big(row, "updatedBlock"),
    updatedTimestamp: big(row, "updatedTimestamp"),
  };
}

function toTokenStat(row: Row): TokenStatRow {
  return {
    token: hex(row, "id"),
    escrowLocked: big(row, "escrowLocked"),
    escrowCredits: big(row, "escrowCredits"),
    escrowPaid: big(row, "escrowPaid"),
    stakingLocked: big(row, "stakingLocked"),
    feesCollected: big(row, "feesCollected"),
    rewardsFunded: big(row, "rewardsFunded"),
    rewardsPaid: big(row, "rewardsPaid"),
    updatedBlock: big(row, "updatedBlock"),
  };
}

/** Status at time `now` of an invoice whose stored status (as of its last event) is `stored`. */
function effectiveStatus(stored: InvoiceStatus, dueDate: bigint, now: bigint): InvoiceStatus {
  return (stored === "open" || stored === "partially_paid") && now > dueDate ? "expired" : stored;
}

function toInvoice(row: Row, now: bigint): InvoiceRow {
  const dueDate = big(row, "dueDate");
  return {
    id: big(row, "id"),
    merchant: hex(row, "merchant"),
    payer: hexOrNull(row, "payer"),
    token: hex(row, "token"),
    arbiter: hexOrNull(row, "arbiter"),
    amount: big(row, "amount"),
    paid: big(row, "paid"),
    released: big(row, "released"),
    refunded: big(row, "refunded"),
    fees: big(row, "fees"),
    held: big(row, "held"),
    reference: hex(row, "reference"),
    dueDate,
    disputeWindow: row.disputeWindow as number,
    feeBps: row.feeBps as number,
    paidAt: bigOrNull(row, "paidAt"),
    disputedAt: bigOrNull(row, "disputedAt"),
    disputeTimeoutAt: bigOrNull(row, "disputeTimeoutAt"),
    settlementProposer: hexOrNull(row, "settlementProposer"),
    settlementToMerchant: bigOrNull(row, "settlementToMerchant"),
    status: effectiveStatus(row.status as InvoiceStatus, dueDate, now),
    createdBlock: big(row, "createdBlock"),
    createdTimestamp: big(row, "createdTimestamp"),
    createdTxHash: hex(row, "createdTxHash"),
    updatedBlock: big(row, "updatedBlock"),
    updatedTimestamp: big(row, "updatedTimestamp"),
    eventCount: row.eventCount as number,
  };
}

function toInvoiceEvent(row: Row): InvoiceEventRow {
  return {
    id: row.id as string,
    invoiceId: bigOrNull(row, "invoiceId"),
    kind: row.kind as string,
    actor: hexOrNull(row, "actor"),
    token: hexOrNull(row, "token"),
    amount: bigOrNull(row, "amount"),
    toMerchant: bigOrNull(row, "toMerchant"),
    toPayer: bigOrNull(row, "toPayer"),
    fee: bigOrNull(row, "fee"),
    args: JSON.parse(row.args as string) as Record<string, unknown>,
    txHash: hex(row, "txHash"),
    logIndex: row.logIndex as number,
    blockNumber: big(row, "blockNumber"),
    timestamp: big(row, "timestamp"),
  };
}

function toCredit(row: Row): EscrowCreditRow {
  return {
    account: hex(row, "account"),
    token: hex(row, "token"),
    balance: big(row, "balance"),
    credited: big(row, "credited"),
    withdrawn: big(row, "withdrawn"),
    updatedBlock: big(row, "updatedBlock"),
  };
}

/** SQL for an invoice's status at the time bound to the parameter that follows (see effectiveStatus). */
const EFFECTIVE_STATUS = `(CASE WHEN status IN ('open', 'partially_paid') AND "dueDate" < ? THEN 'expired' ELSE status END)`;

function decimalCursor(cursor: string): bigint {
  if (!/^[0-9]{1,78}$/.test(cursor)) throw new IndexQueryError(`cursor must be the nextCursor of a previous page, got "${cursor}"`);
  return BigInt(cursor);
}

// ---------------------------------------------------------------------------------------------

/**
 * Typed, read-only queries over the index. Opens Ponder's database lazily, read-only, with a busy
 * timeout; notices when the indexer replaced the file (a rebuild) and reopens it. Every query
 * first checks that the index is ready and throws {@link IndexNotReadyError} otherwise. One
 * instance is meant to be shared by the whole API process; it is synchronous (better-sqlite3).
 */
export class IndexReader {
  /** Path of the database file. */
  readonly path: string;
  private readonly busyTimeoutMs: number;
  private db: Database.Database | undefined;
  private fileId = "";
  private statements = new Map<string, Database.Statement>();

  /** @param options where the database is; see {@link defaultIndexPath}. */
  constructor(options: IndexReaderOptions) {
    this.path = resolve(options.path);
    this.busyTimeoutMs = options.busyTimeoutMs ?? 2_000;
  }

  /** Closes the database (the next query opens it again). */
  close(): void {
    this.db?.close();
    this.db = undefined;
    this.statements.clear();
    this.fileId = "";
  }

  /**
   * Ponder's progress, without throwing when the index is not ready; throws
   * {@link IndexNotReadyError} (`missing`) only when there is no database at all.
   */
  status(): IndexStatus {
    let value: string | null | undefined;
    let caughtUp = false;
    try {
      value = (this.statement(`SELECT value FROM "_ponder_meta" WHERE key = 'status'`).get() as { value: string | null } | undefined)
        ?.value;
      caughtUp = this.statement(`SELECT block FROM "${CAUGHT_UP_TABLE}" WHERE id = 1`).get() !== undefined;
    } catch (error) {
      // A database Ponder has just created has no tables yet; the launcher adds its own once caught up.
      if (!/no such table/.test((error as Error).message)) throw error;
    }
    if (!value) return { ready: false, network: null, block: null };
    const status = JSON.parse(value) as Record<string, { ready: boolean; block: { number: number; timestamp: number } | null }>;
    const entries = Object.entries(status);
    if (entries.length === 0) return { ready: false, network: null, block: null };
    const [network, first] = entries[0]!;
    return {
      ready: caughtUp && entries.every(([, entry]) => entry.ready),
      network,
      block: first.block ? { number: BigInt(first.block.number), timestamp: BigInt(first.block.timestamp) } : null,
    };
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
    try {
      return this.status().ready;
    } catch (error) {
      if (error instanceof IndexNotReadyError) return false;
      throw error;
    }
  }

  /** Latest block whose events are in the index (throws {@link IndexNotReadyError} until ready). */
  headBlock(): { number: bigint; timestamp: bigint } {
    const status = this.assertReady();
    if (!status.block) throw new IndexNotReadyError("building", "the index has no block yet: try again shortly");
    return status.block;
  }

  /** The chain the index was built from, as recorded by the indexer next to the database. */
  identity(): IndexIdentity | undefined {
    const path = join(dirname(this.path), "settle-index.json");
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, "utf8")) as IndexIdentity;
    } catch {
      return undefined;
    }
  }

  /**
   * History rows of `account` (the rows where it is the account, not the counterparty), newest
   * first by default, with cursor pagination and filters.
   */
  historyByAccount(account: string, query: HistoryQuery = {}): Page<HistoryRow> {
    this.assertReady();
    const limit = pageSize(query.limit);
    const desc = (query.order ?? "desc") === "desc";
    const where = [`account = ?`];
    const params: unknown[] = [encodeAddress(account, "account")];
    if (query.kinds && query.kinds.length > 0) {
      for (const kind of query.kinds) {
        if (!(HISTORY_KINDS as readonly string[]).includes(kind)) throw new IndexQueryError(`unknown history kind "${kind}"`);
      }
      where.push(`kind IN (${query.kinds.map(() => "?").join(", ")})`);
      params.push(...query.kinds);
    }
    if (query.token !== undefined) {
      where.push(`token = ?`);
      params.push(encodeAddress(query.token, "token"));
    }
    if (query.invoiceId !== undefined) {
      where.push(`"invoiceId" = ?`);
      params.push(encodeBigint(query.invoiceId));
    }
    if (query.fromTimestamp !== undefined) {
      where.push(`timestamp >= ?`);
      params.push(encodeBigint(query.fromTimestamp));
    }
    if (query.toTimestamp !== undefined) {
      where.push(`timestamp < ?`);
      params.push(encodeBigint(query.toTimestamp));
    }
    if (query.cursor !== undefined) {
      where.push(desc ? `id < ?` : `id > ?`);
      params.push(query.cursor);
    }
    const sql = `SELECT * FROM "History" WHERE ${where.join(" AND ")} ORDER BY id ${desc ? "DESC" : "ASC"} LIMIT ?`;
    const rows = this.all(sql, [...params, limit + 1]).map(toHistory);
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }

  /** Every History row of one transaction, in log order. */
  historyByTxHash(txHash: string): HistoryRow[] {
    this.assertReady();
    return this.all(`SELECT * FROM "History" WHERE "txHash" = ? ORDER BY id`, [encodeHex(txHash, "txHash", 32)]).map(toHistory);
  }

  /** Every History row about invoice `id`, in chain order. */
  historyByInvoice(id: bigint): HistoryRow[] {
    this.assertReady();
    return this.all(`SELECT * FROM "History" WHERE "invoiceId" = ? ORDER BY id`, [encodeBigint(id)]).map(toHistory);
  }

  /** Invoice `id` as of the indexed head, or undefined when there is no such invoice. */
  invoice(id: bigint): InvoiceRow | undefined {
    const now = this.now();
    const row = this.get(`SELECT * FROM "Invoice" WHERE id = ?`, [encodeBigint(id)]);
    return row ? toInvoice(row, now) : undefined;
  }

  /** The latest invoice created with reference hash `reference`, or undefined. */
  invoiceByReference(reference: string): InvoiceRow | undefined {
    const now = this.now();
    const row = this.get(`SELECT * FROM "Invoice" WHERE reference = ? ORDER BY id DESC LIMIT 1`, [encodeHex(reference, "reference", 32)]);
    return row ? toInvoice(row, now) : undefined;
  }

  /**
   * Invoices of `account` as merchant, payer or either, newest first by default, with cursor
   * pagination and filters (status at the indexed head, token, creation time).
   */
  invoicesByAccount(account: string, query: InvoiceQuery = {}): Page<InvoiceRow> {
    const now = this.now();
    const limit = pageSize(query.limit);
    const desc = (query.order ?? "desc") === "desc";
    const address = encodeAddress(account, "account");
    const role = query.role ?? "any";
    const where: string[] = [];
    const params: unknown[] = [];
    if (role === "merchant") where.push(`merchant = ?`);
    else if (role === "payer") where.push(`payer = ?`);
    else if (role === "any") where.push(`(merchant = ? OR payer = ?)`);
    else throw new IndexQueryError(`role must be merchant, payer or any, got "${String(role)}"`);
    params.push(...(role === "any" ? [address, address] : [address]));
    if (query.status && query.status.length > 0) {
      for (const status of query.status) {
        if (!(INVOICE_STATUSES as readonly string[]).includes(status)) throw new IndexQueryError(`unknown invoice status "${status}"`);
      }
      where.push(`${EFFECTIVE_STATUS} IN (${query.status.map(() => "?").join(", ")})`);
      params.push(encodeBigint(now), ...query.status);
    }
    if (query.token !== undefined) {
      where.push(`token = ?`);
      params.push(encodeAddress(query.token, "token"));
    }
    if (query.fromTimestamp !== undefined) {
      where.push(`"createdTimestamp" >= ?`);
      params.push(encodeBigint(query.fromTimestamp));
    }
    if (query.toTimestamp !== undefined) {
      where.push(`"createdTimestamp" < ?`);
      params.push(encodeBigint(query.toTimestamp));
    }
    if (query.cursor !== undefined) {
      where.push(desc ? `id < ?` : `id > ?`);
      params.push(encodeBigint(decimalCursor(query.cursor)));
    }
    const sql = `SELECT * FROM "Invoice" WHERE ${where.join(" AND ")} ORDER BY id ${desc ? "DESC" : "ASC"} LIMIT ?`;
    const rows = this.all(sql, [...params, limit + 1]).map((row) => toInvoice(row, now));
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id.toString() : null };
  }

  /** Every event of invoice `id`, in chain order. */
  invoiceEvents(id: bigint): InvoiceEventRow[] {
    this.assertReady();
    return this.all(`SELECT * FROM "InvoiceEvent" WHERE "invoiceId" = ? ORDER BY "blockNumber", "logIndex"`, [encodeBigint(id)]).map(
      toInvoiceEvent,
    );
  }

  /**
   * Every event of an invoice (escrow-wide events left out) in blocks `fromBlock` to `toBlock`
   * inclusive, in chain order: what the webhook poller scans.
   */
  invoiceEventsInBlocks(fromBlock: bigint, toBlock: bigint): InvoiceEventRow[] {
    this.assertReady();
    return this.all(
      `SELECT * FROM "InvoiceEvent" WHERE "blockNumber" >= ? AND "blockNumber" <= ? AND "invoiceId" IS NOT NULL ORDER BY "blockNumber", "logIndex"`,
      [encodeBigint(fromBlock), encodeBigint(toBlock)],
    ).map(toInvoiceEvent);
  }

  /** What the escrow holds for `account`, per token (fees, payouts that could not be pushed). */
  escrowCredits(account: string): EscrowCreditRow[] {
    this.assertReady();
    return this.all(`SELECT * FROM "EscrowCredit" WHERE account = ? ORDER BY token`, [encodeAddress(account, "account")]).map(toCredit);
  }

  /** The Account row of `address`, or undefined when the address never appeared. */
  account(address: string): AccountRow | undefined {
    this.assertReady();
    const row = this.get(`SELECT * FROM "Account" WHERE id = ?`, [encodeAddress(address)]);
    return row ? toAccount(row) : undefined;
  }

  /** The current stake of `account`, or undefined when it never staked. */
  stake(account: string): StakeRow | undefined {
    this.assertReady();
    const row = this.get(`SELECT * FROM "Stake" WHERE id = ?`, [encodeAddress(account, "account")]);
    return row ? toStake(row) : undefined;
  }

  /** Per-token totals, invoice counts by status (at the indexed head), and the indexed head. */
  stats(): IndexStats {
    const status = this.assertReady();
    const now = status.block?.timestamp ?? 0n;
    const tokens = this.all(`SELECT * FROM "TokenStat" ORDER BY id`, []).map(toTokenStat);
    const invoicesByStatus: Record<string, number> = {};
    for (const row of this.all(`SELECT id, count FROM "InvoiceStatusCount" WHERE count > 0`, [])) {
      invoicesByStatus[row.id as string] = row.count as number;
    }
    // The counts are as of each invoice's last event: move the ones whose due date has passed since.
    const expired = this.all(
      `SELECT status, count(*) AS n FROM "Invoice" WHERE status IN ('open', 'partially_paid') AND "dueDate" < ? GROUP BY status`,
      [encodeBigint(now)],
    );
    for (const row of expired) {
      const n = row.n as number;
      invoicesByStatus[row.status as string] = (invoicesByStatus[row.status as string] ?? 0) - n;
      invoicesByStatus.expired = (invoicesByStatus.expired ?? 0) + n;
      if (invoicesByStatus[row.status as string] === 0) delete invoicesByStatus[row.status as string];
    }
    const ordered: Record<string, number> = {};
    for (const name of INVOICE_STATUSES) if (invoicesByStatus[name]) ordered[name] = invoicesByStatus[name];
    return { tokens, invoicesByStatus: ordered, block: status.block };
  }

  /** Timestamp of the indexed head: "now" for invoice statuses (throws {@link IndexNotReadyError} until ready). */
  private now(): bigint {
    return this.assertReady().block?.timestamp ?? 0n;
  }

  // -------------------------------------------------------------------------------------------

  /** The open database, (re)opened when the file appeared or was replaced. */
  private connection(): Database.Database {
    let id: string;
    try {
      const stat = statSync(this.path);
      id = `${stat.dev}:${stat.ino}`;
    } catch {
      this.close();
      throw new IndexNotReadyError("missing", `there is no index at ${this.path} yet: is the indexer running?`);
    }
    if (this.db && id === this.fileId) return this.db;
    this.close();
    try {
      const db = new Database(this.path, { readonly: true, fileMustExist: true, timeout: this.busyTimeoutMs });
      db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      this.db = db;
      this.fileId = id;
      return db;
    } catch (error) {
      throw new IndexNotReadyError("missing", `the index at ${this.path} cannot be opened yet (${(error as Error).message})`);
    }
  }

  private statement(sql: string): Database.Statement {
    const db = this.connection();
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private all(sql: string, params: unknown[]): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }

  private get(sql: string, params: unknown[]): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined;
  }
}
