/**
 * The index in SQLite (./store.ts): Ponder's `public.db` and `ponder_sync.db` in the index folder, with the identity
 * file beside them (core/index-folder). Each call opens the database and closes it.
 */
import Database from "better-sqlite3";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readIdentity, writeIdentity } from "../../core/index-folder";
import {
  CAUGHT_UP_TABLE,
  IDENTITY_FILE,
  PONDER_FILES,
  PONDER_META_KEY,
  PONDER_META_TABLE,
  SYNC_HEALTH_TABLE,
  checkpointBlock,
  type IndexIdentity,
  type SyncHealth,
} from "../../core/index-schema";
import type { IndexerSettings } from "../lib/settings";
import { log } from "./log";
import type { FinalizedBlock, IndexStore } from "./store";

/** Ponder's SQLite files in the index folder. */
export class SqliteIndexStore implements IndexStore {
  /** @param settings the indexer's settings (the folder and the database's path). */
  constructor(private readonly settings: IndexerSettings) {}

  /** {@inheritDoc IndexStore.where} */
  get where(): string {
    return this.settings.databasePath;
  }

  /** {@inheritDoc IndexStore.open}: the folder's lock file (./lock.ts) keeps other supervisors out. */
  async open(): Promise<void> {}

  /** {@inheritDoc IndexStore.close} */
  async close(): Promise<void> {}

  /** {@inheritDoc IndexStore.exists} */
  async exists(): Promise<boolean> {
    return existsSync(this.settings.databasePath);
  }

  /** {@inheritDoc IndexStore.readIdentity} */
  async readIdentity(): Promise<IndexIdentity | undefined> {
    return readIdentity(this.settings.indexDir);
  }

  /** {@inheritDoc IndexStore.writeIdentity} */
  async writeIdentity(identity: IndexIdentity): Promise<void> {
    writeIdentity(this.settings.indexDir, identity);
  }

  /** {@inheritDoc IndexStore.delete} */
  async delete(): Promise<void> {
    const dir = this.settings.indexDir;
    if (!existsSync(dir)) return;
    // The identity goes first: a crash half-way leaves an index without identity, which is rebuilt.
    rmSync(join(dir, IDENTITY_FILE), { force: true });
    for (const entry of readdirSync(dir)) {
      if (PONDER_FILES.test(entry)) rmSync(join(dir, entry), { force: true });
    }
  }

  /** {@inheritDoc IndexStore.finalizedBlock} */
  async finalizedBlock(): Promise<FinalizedBlock | undefined> {
    return this.with(2_000, true, (db) => {
      const row = db
        .prepare(`SELECT json_extract(value, '$.checkpoint') AS checkpoint FROM ${PONDER_META_TABLE} WHERE key = '${PONDER_META_KEY.app}'`)
        .get() as { checkpoint: string | null } | undefined;
      return checkpointBlock(row?.checkpoint);
    }).catch(() => undefined);
  }

  /** {@inheritDoc IndexStore.setCaughtUp} */
  async setCaughtUp(block: number | undefined, chains: Record<string, number> = {}): Promise<void> {
    await this.with(10_000, false, (db) => {
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${CAUGHT_UP_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), block INTEGER NOT NULL, at INTEGER NOT NULL, chains TEXT NOT NULL)`,
      );
      if (block === undefined) db.exec(`DELETE FROM ${CAUGHT_UP_TABLE}`);
      else {
        db.prepare(`INSERT OR REPLACE INTO ${CAUGHT_UP_TABLE} (id, block, at, chains) VALUES (1, ?, ?, ?)`).run(block, Date.now(), JSON.stringify(chains));
      }
    });
  }

  /** {@inheritDoc IndexStore.writeSyncHealth} */
  async writeSyncHealth(network: string, health: SyncHealth): Promise<void> {
    await this.with(1_000, false, (db) => {
      db.exec(`CREATE TABLE IF NOT EXISTS ${SYNC_HEALTH_TABLE} (network TEXT PRIMARY KEY, value TEXT NOT NULL)`);
      db.prepare(`INSERT OR REPLACE INTO ${SYNC_HEALTH_TABLE} (network, value) VALUES (?, ?)`).run(network, JSON.stringify(health));
    }).catch(() => undefined);
  }

  /** {@inheritDoc IndexStore.releasePonderLock}: safe, the supervisor holds the folder's lock. */
  async releasePonderLock(): Promise<void> {
    await this.with(5_000, false, (db) => {
      const changed = db
        .prepare(
          `UPDATE ${PONDER_META_TABLE} SET value = json_set(value, '$.is_locked', 0) WHERE key = '${PONDER_META_KEY.app}' AND json_extract(value, '$.is_locked') = 1`,
        )
        .run().changes;
      if (changed > 0) log("released the lock left by a Ponder process that did not shut down");
    }).catch(() => undefined);
  }

  /** Runs `body` on the database (opened for it, closed after), or does nothing before Ponder has created it. */
  private async with<T>(timeout: number, readonly: boolean, body: (db: Database.Database) => T): Promise<T | undefined> {
    if (!(await this.exists())) return undefined;
    const db = new Database(this.settings.databasePath, { readonly, fileMustExist: true, timeout });
    try {
      return body(db);
    } finally {
      db.close();
    }
  }
}
