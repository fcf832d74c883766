import { ServiceUnavailableError } from "./errors";

/** Per-address figures from the index (amounts are uint256 decimal text). */
export interface UserStats {
  address: string;
  invoicesIssued: number;
  invoicesPaid: number;
  volumeByToken: Array<{ token: string; issued: string; paid: string }>;
  staked: string;
}

/**
 * What the API's routes read from the index (Ponder's SQLite). Implemented over the indexer's read
 * module (api/lib/index-reader.ts); tests may pass a fake. Reads throw ServiceUnavailableError
 * (503 index_not_ready) while the index cannot answer.
 */
export interface IndexSource {
  /** Readiness and the last indexed block (null block when nothing indexed yet). */
  status(): Promise<{ ready: boolean; block: number | null; timestamp: number | null }>;
  /** Invoices issued and paid, volume per token, amount staked. */
  userStats(address: string): Promise<UserStats>;
}

const notReady = (): never => {
  throw new ServiceUnavailableError("index_not_ready", "The index is not available yet; retry shortly");
};

/** An index that is not there (no INDEX_DB_PATH file yet): every read is 503. */
export const missingIndex: IndexSource = {
  status: async () => ({ ready: false, block: null, timestamp: null }),
  userStats: async () => notReady(),
};

/** Opens the index at `path` read-only (placeholder until the indexer's read module is merged). */
export function openIndexSource(_path: string, _options: { finalityConfirmations: number }): IndexSource & { close(): void } {
  return { ...missingIndex, close: () => undefined };
}
