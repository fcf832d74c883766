/**
 * What the supervisor reads and writes in Ponder's database (table names: core/index-schema): Ponder's finalized
 * block, Ponder's build lock, and the supervisor's own caught-up record. Each call opens the file and closes it.
 */
import Database from "better-sqlite3";
import {
  CAUGHT_UP_TABLE,
  PONDER_META_KEY,
  PONDER_META_TABLE,
  SYNC_HEALTH_TABLE,
  checkpointBlock,
  type SyncHealth,
} from "../../core/index-schema";
import type { IndexerSettings } from "../lib/settings";
import { hasIndex } from "./identity";
import { log } from "./log";

/** Ponder's finalized block: it never revisits blocks up to it, so they must stay on the chain. */
export interface FinalizedBlock {
  number: number;
  timestamp: number;
}

/** The finalized block recorded in the index (the checkpoint of Ponder's `app` meta row), or undefined before one. */
export function finalizedBlock(settings: IndexerSettings): FinalizedBlock | undefined {
  if (!hasIndex(settings.indexDir)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(settings.databasePath, { readonly: true, fileMustExist: true, timeout: 2_000 });
    const row = db
      .prepare(`SELECT json_extract(value, '$.checkpoint') AS checkpoint FROM ${PONDER_META_TABLE} WHERE key = '${PONDER_META_KEY.app}'`)
      .get() as { checkpoint: string | null } | undefined;
    return checkpointBlock(row?.checkpoint);
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}

/**
 * Records in the index that it has caught up with the chain (`block`), or clears that record (undefined). The read
 * module serves the index only once the record is there: Ponder alone says ready up to 30 blocks (its finality)
 * before it has caught up. A restart of Ponder on the same index keeps it: the rows are the same chain's, only older.
 */
export function setCaughtUp(settings: IndexerSettings, block: number | undefined): void {
  if (!hasIndex(settings.indexDir)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(settings.databasePath, { fileMustExist: true, timeout: 10_000 });
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${CAUGHT_UP_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), block INTEGER NOT NULL, at INTEGER NOT NULL)`,
    );
    if (block === undefined) db.exec(`DELETE FROM ${CAUGHT_UP_TABLE}`);
    else db.prepare(`INSERT OR REPLACE INTO ${CAUGHT_UP_TABLE} (id, block, at) VALUES (1, ?, ?)`).run(block, Date.now());
  } finally {
    db?.close();
  }
}

/**
 * Records how the sync of `network` stands (see {@link SyncHealth}); does nothing before Ponder has created the
 * index, and never throws (a busy database only delays the record to the next check).
 */
export function writeSyncHealth(settings: IndexerSettings, network: string, health: SyncHealth): void {
  if (!hasIndex(settings.indexDir)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(settings.databasePath, { fileMustExist: true, timeout: 1_000 });
    db.exec(`CREATE TABLE IF NOT EXISTS ${SYNC_HEALTH_TABLE} (network TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    db.prepare(`INSERT OR REPLACE INTO ${SYNC_HEALTH_TABLE} (network, value) VALUES (?, ?)`).run(network, JSON.stringify(health));
  } catch {
    // Busy or being deleted: the next check writes it.
  } finally {
    db?.close();
  }
}

/**
 * Clears the lock a Ponder process that was killed (not shut down) leaves in the index, which would make the next
 * one wait for it to expire (25 s). Safe: the supervisor holds the folder's lock, and no Ponder of its own is running.
 */
export function releasePonderLock(settings: IndexerSettings): void {
  if (!hasIndex(settings.indexDir)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(settings.databasePath, { fileMustExist: true, timeout: 5_000 });
    const changed = db
      .prepare(
        `UPDATE ${PONDER_META_TABLE} SET value = json_set(value, '$.is_locked', 0) WHERE key = '${PONDER_META_KEY.app}' AND json_extract(value, '$.is_locked') = 1`,
      )
      .run().changes;
    if (changed > 0) log("released the lock left by a Ponder process that did not shut down");
  } catch {
    // No meta table yet, or an unreadable file: Ponder deals with it.
  } finally {
    db?.close();
  }
}
