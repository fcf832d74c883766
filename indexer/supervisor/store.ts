/**
 * Where the supervisor keeps the index and what it reads and writes there, behind one interface: Ponder's SQLite files
 * in the index folder (./sqlite-store.ts) or the deployment's schema on PostgreSQL (./pg-store.ts). Table names:
 * core/index-schema.
 */
import type { IndexIdentity, SyncHealth } from "../../core/index-schema";
import type { IndexerSettings } from "../lib/settings";
import { PostgresIndexStore } from "./pg-store";
import { SqliteIndexStore } from "./sqlite-store";

/** Ponder's finalized block (on the chain of its checkpoint): it never revisits blocks up to it, so they must stay on the chain. */
export interface FinalizedBlock {
  chainId: number;
  number: number;
  timestamp: number;
}

/** The index's storage, as the supervisor sees it. */
export interface IndexStore {
  /** Where the index is, for the log (never a password). */
  readonly where: string;
  /**
   * Checks that the storage can be used and that no other indexer writes this index; throws a SettingsError with one
   * line that names the fix otherwise.
   */
  open(): Promise<void>;
  /** Lets go of the storage (and of its lock). */
  close(): Promise<void>;
  /** True when Ponder has created the index. */
  exists(): Promise<boolean>;
  /** What the index was built from, or undefined when nothing (readable) is recorded. */
  readIdentity(): Promise<IndexIdentity | undefined>;
  /** Records what the index is built from. */
  writeIdentity(identity: IndexIdentity): Promise<void>;
  /** Deletes the index (identity first) so that the next start rebuilds it. Ponder must not be running on it. */
  delete(): Promise<void>;
  /** The finalized block recorded in the index (Ponder's `app` checkpoint), or undefined before one. */
  finalizedBlock(): Promise<FinalizedBlock | undefined>;
  /**
   * Records that the index has caught up with every chain (`block`: the first network's), with the chain id of each
   * network (`chains`: name to chain id), or clears that record (undefined). The read module serves the index only
   * once the record is there.
   */
  setCaughtUp(block: number | undefined, chains?: Record<string, number>): Promise<void>;
  /** Records how the sync of `network` stands; never throws (the next check writes it). */
  writeSyncHealth(network: string, health: SyncHealth): Promise<void>;
  /** Clears the lock a killed Ponder left in the index, which would make the next one wait for it to expire. */
  releasePonderLock(): Promise<void>;
}

/** The store of `settings`: PostgreSQL when INDEX_DATABASE_URL is set, else the SQLite folder. */
export function openIndexStore(settings: IndexerSettings): IndexStore {
  return settings.indexDatabaseUrl ? new PostgresIndexStore(settings, settings.indexDatabaseUrl) : new SqliteIndexStore(settings);
}
