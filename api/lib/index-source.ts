/**
 * The slice of the indexer's read module (api/lib/index-reader.ts, class IndexReader) the API's
 * routes use, typed structurally so that tests can pass a fake and the routes do not depend on how
 * the module opens Ponder's SQLite. Amounts, block numbers and timestamps are bigint; addresses and
 * hashes lowercase 0x strings. Reads throw an error named IndexNotReadyError (mapped to 503) while
 * the index is missing or building, and one named IndexQueryError (400) for malformed arguments.
 */
export type Hex = `0x${string}`;

/** Ponder's progress. */
export interface IndexStatusLike {
  ready: boolean;
  block: { number: bigint; timestamp: bigint } | null;
}

/** One row of the unified history. */
export interface HistoryRowLike {
  /** Chain-ordered id: the cursor. */
  id: string;
  account: Hex;
  counterparty: Hex | null;
  kind: string;
  token: Hex;
  amount: bigint;
  invoiceId: bigint | null;
  txHash: Hex;
  logIndex: number;
  blockNumber: bigint;
  timestamp: bigint;
}

/** Filters of a history query. */
export interface HistoryQueryLike {
  kinds?: readonly string[];
  token?: string;
  invoiceId?: bigint;
  fromTimestamp?: bigint;
  toTimestamp?: bigint;
  cursor?: string;
  limit?: number;
  order?: "asc" | "desc";
}

/** A page of a cursor-paginated list. */
export interface PageLike<T> {
  items: T[];
  nextCursor: string | null;
}

/** An account's counters. */
export interface AccountRowLike {
  address: Hex;
  invoicesCreated: number;
  paymentsMade: number;
  historyCount: number;
}

/** An account's stake. */
export interface StakeRowLike {
  account: Hex;
  token: Hex;
  balance: bigint;
  totalStaked: bigint;
  totalWithdrawn: bigint;
  rewardsToken: Hex;
  rewardsClaimed: bigint;
  updatedBlock: bigint;
  updatedTimestamp: bigint;
}

/** An invoice's current on-chain state. */
export interface InvoiceRowLike {
  id: bigint;
  merchant: Hex;
  payer: Hex | null;
  token: Hex;
  amount: bigint;
  paid: bigint;
  released: bigint;
  refunded: bigint;
  status: string;
  dueDate: bigint;
  arbiter: Hex | null;
  reference: Hex;
  createdBlock: bigint;
  createdTimestamp: bigint;
  createdTxHash: Hex;
  updatedBlock: bigint;
  updatedTimestamp: bigint;
}

/** Filters of an invoice list. */
export interface InvoiceQueryLike {
  role?: "merchant" | "payer" | "any";
  status?: readonly string[];
  token?: string;
  fromTimestamp?: bigint;
  toTimestamp?: bigint;
  cursor?: string;
  limit?: number;
}

/** One event of an invoice. */
export interface InvoiceEventRowLike {
  id: string;
  invoiceId: bigint | null;
  kind: string;
  actor: Hex | null;
  amount: bigint | null;
  /** Resolved or settled splits: the merchant's gross share and the payer's share (absent elsewhere). */
  toMerchant?: bigint | null;
  toPayer?: bigint | null;
  txHash: Hex;
  logIndex: number;
  blockNumber: bigint;
  timestamp: bigint;
}

/** What the API reads from the index. */
export interface IndexReaderLike {
  /** Progress without throwing while building (throws IndexNotReadyError when there is no index). */
  status(): IndexStatusLike;
  historyByAccount(account: string, query?: HistoryQueryLike): PageLike<HistoryRowLike>;
  historyByTxHash(txHash: string): HistoryRowLike[];
  account(address: string): AccountRowLike | undefined;
  stake(account: string): StakeRowLike | undefined;
  invoice(id: bigint): InvoiceRowLike | undefined;
  invoiceByReference(reference: string): InvoiceRowLike | undefined;
  invoicesByAccount(account: string, query?: InvoiceQueryLike): PageLike<InvoiceRowLike>;
  invoiceEvents(id: bigint): InvoiceEventRowLike[];
  close(): void;
}

/** Error with the name the API maps to 503 index_not_ready. */
export class IndexNotReadyError extends Error {
  override name = "IndexNotReadyError";
}

const missing = (): never => {
  throw new IndexNotReadyError("there is no index yet");
};

/** An index that is not there: every read throws IndexNotReadyError. */
export const missingIndex: IndexReaderLike = {
  status: missing,
  historyByAccount: missing,
  historyByTxHash: missing,
  account: missing,
  stake: missing,
  invoice: missing,
  invoiceByReference: missing,
  invoicesByAccount: missing,
  invoiceEvents: missing,
  close: () => undefined,
};

/** Readiness that never throws: { ready:false } for a missing index. */
export function safeStatus(index: IndexReaderLike): IndexStatusLike {
  try {
    return index.status();
  } catch (err) {
    if (err instanceof Error && err.name === "IndexNotReadyError") return { ready: false, block: null };
    throw err;
  }
}

/** Throws IndexNotReadyError unless the index is ready; returns its status. */
export function assertReady(index: IndexReaderLike): IndexStatusLike & { block: NonNullable<IndexStatusLike["block"]> } {
  const status = index.status();
  if (!status.ready || !status.block) throw new IndexNotReadyError("the index is being built");
  return status as IndexStatusLike & { block: NonNullable<IndexStatusLike["block"]> };
}

/**
 * Wraps an index reader so that queries it does not implement yet answer 503 (IndexNotReadyError)
 * instead of crashing.
 */
export function adaptReader(reader: Partial<IndexReaderLike> & Pick<IndexReaderLike, "status" | "close">): IndexReaderLike {
  const adapted = { ...missingIndex } as IndexReaderLike;
  for (const key of Object.keys(missingIndex) as Array<keyof IndexReaderLike>) {
    const fn = reader[key];
    if (typeof fn === "function") (adapted as unknown as Record<string, unknown>)[key] = (fn as (...a: unknown[]) => unknown).bind(reader);
  }
  return adapted;
}

/**
 * Opens the index at `path` through the indexer's read module (api/lib/index-reader.ts) when it is
 * present, else a missing index (every read 503).
 */
export function openIndex(path: string): IndexReaderLike {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require("./index-reader") as {
      IndexReader: new (o: { path: string }) => Partial<IndexReaderLike> & Pick<IndexReaderLike, "status" | "close">;
    };
    return adaptReader(new mod.IndexReader({ path }));
  } catch {
    return missingIndex;
  }
}
