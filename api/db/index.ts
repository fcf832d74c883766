import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect, type SqliteDatabase, sql } from "kysely";
import * as m0001 from "./migrations/0001_init";
import * as m0002 from "./migrations/0002_share_links";
import * as m0003 from "./migrations/0003_merchant";
import * as m0004 from "./migrations/0004_drop_api_keys";
import * as m0005 from "./migrations/0005_taxes";
import * as m0006 from "./migrations/0006_numbering";
import * as m0007 from "./migrations/0007_credit_notes";
import * as m0008 from "./migrations/0008_legal";
import * as m0009 from "./migrations/0009_language";
import * as m0010 from "./migrations/0010_email";
import * as m0011 from "./migrations/0011_priced_drafts";
import * as m0012 from "./migrations/0012_invoice_mentions";
import * as m0013 from "./migrations/0013_share_link_chain";
import * as m0014 from "./migrations/0014_credit_note_chain";
import * as m0015 from "./migrations/0015_webhook_chain_marks";
import type { AppDatabase } from "./types";
import { dialectOf } from "./dialect";
import { checkPostgres, openPostgresDb } from "./postgres";

/** Kysely handle on the app database: app.sqlite, or PostgreSQL when APP_DATABASE_URL is set. */
export type AppDb = Kysely<AppDatabase>;

/** The versioned migrations, in order. Add a file under migrations/ and list it here. */
export const MIGRATIONS: Record<string, Migration> = {
  "0001_init": m0001,
  "0002_share_links": m0002,
  "0003_merchant": m0003,
  "0004_drop_api_keys": m0004,
  "0005_taxes": m0005,
  "0006_numbering": m0006,
  "0007_credit_notes": m0007,
  "0008_legal": m0008,
  "0009_language": m0009,
  "0010_email": m0010,
  "0011_priced_drafts": m0011,
  "0012_invoice_mentions": m0012,
  "0013_share_link_chain": m0013,
  "0014_credit_note_chain": m0014,
  "0015_webhook_chain_marks": m0015,
};

/** Serves MIGRATIONS to Kysely's Migrator (no file-system scanning, works under ts-node and compiled). */
const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** How long a SQLite statement waits for another process's write lock. */
const BUSY_TIMEOUT_MS = 5000;

/** Prepared statements kept per connection (distinct SQL texts; IN lists of other lengths are other texts). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * `sqlite` as Kysely's SQLite dialect sees it, except that each SQL text is prepared once and the
 * statement reused (Kysely prepares on every query otherwise; preparing costs more than running
 * the small queries of a request). Statements are only run to completion (all/run), never left
 * iterating, so one statement per text is safe on this single connection.
 */
export function cachingStatements(sqlite: Database.Database, max = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= max) statements.delete(statements.keys().next().value!);
        statement = sqlite.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Opens app.sqlite (creating its folder), in WAL mode with foreign keys on, with its prepared
 * statements cached. SQLite is one dialect behind Kysely: a Postgres dialect can replace it
 * without rewriting queries.
 */
export function openAppDb(path: string): AppDb {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return new Kysely<AppDatabase>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
}

/**
 * Opens the app database the configuration names: PostgreSQL at `appDatabaseUrl` (checked: it must answer and be
 * PostgreSQL), else app.sqlite at `appDbPath`.
 *
 * @throws Error with one line naming the fix when the PostgreSQL URL is unusable
 */
export async function openAppDatabase(
  config: { appDbPath: string; appDatabaseUrl: string | undefined },
  onIdleError?: (err: Error) => void,
): Promise<AppDb> {
  if (config.appDatabaseUrl === undefined) return openAppDb(config.appDbPath);
  const db = openPostgresDb(config.appDatabaseUrl, onIdleError);
  try {
    await checkPostgres(db, config.appDatabaseUrl);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
  return db;
}

/** How long a SQLite replica waits for another one's migration before giving up. */
const SQLITE_MIGRATION_WAIT_MS = 30_000;

/**
 * Runs every pending migration, once even when several replicas start together. PostgreSQL: Kysely's migrator holds
 * a session-level advisory lock (pg_advisory_lock) around the run, so the others wait, then find nothing to do.
 * SQLite: the whole run is one `BEGIN IMMEDIATE` transaction, the file's write lock, tried without blocking the
 * event loop until the replica holding it has finished.
 *
 * @throws Error naming the failed migration
 */
export async function migrateToLatest(db: AppDb): Promise<string[]> {
  // Migrations written on parallel branches (0002, 0003) are independent: a database that ran a later
  // one first still gets the earlier one, instead of refusing to start.
  const postgres = dialectOf(db) === "postgres";
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true, disableTransactions: !postgres });
  if (!postgres) await sqliteWriteLock(db);
  const { error, results } = await migrator.migrateToLatest();
  if (!postgres) await sql.raw(error ? "ROLLBACK" : "COMMIT").execute(db);
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`app database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/**
 * Opens a `BEGIN IMMEDIATE` transaction on SQLite's one connection: tries it with no busy wait (better-sqlite3
 * would block the whole process while waiting) and sleeps between tries.
 *
 * @throws Error when another process has held the write lock for {@link SQLITE_MIGRATION_WAIT_MS}
 */
async function sqliteWriteLock(db: AppDb): Promise<void> {
  const giveUp = Date.now() + SQLITE_MIGRATION_WAIT_MS;
  await sql`PRAGMA busy_timeout = 0`.execute(db);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await sql`BEGIN IMMEDIATE`.execute(db);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > giveUp) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(20 * attempt, 250)));
      }
    }
  } finally {
    await sql`PRAGMA busy_timeout = ${sql.lit(BUSY_TIMEOUT_MS)}`.execute(db);
  }
}
