import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, type Migration, type MigrationProvider, Migrator, SqliteDialect, type SqliteDatabase } from "kysely";
import * as m0001 from "./migrations/0001_init";
import * as m0002 from "./migrations/0002_share_links";
import * as m0003 from "./migrations/0003_merchant";
import * as m0004 from "./migrations/0004_drop_api_keys";
import * as m0005 from "./migrations/0005_taxes";
import * as m0006 from "./migrations/0006_numbering";
import * as m0007 from "./migrations/0007_credit_notes";
import * as m0008 from "./migrations/0008_legal";
import * as m0009 from "./migrations/0009_language";
import type { AppDatabase } from "./types";

/** Kysely handle on app.sqlite. */
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
};

/** Serves MIGRATIONS to Kysely's Migrator (no file-system scanning, works under ts-node and compiled). */
const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

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
  sqlite.pragma("busy_timeout = 5000");
  return new Kysely<AppDatabase>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
}

/**
 * Runs every pending migration.
 *
 * @throws Error naming the failed migration
 */
export async function migrateToLatest(db: AppDb): Promise<string[]> {
  // Migrations written on parallel branches (0002, 0003) are independent: a database that ran a later
  // one first still gets the earlier one, instead of refusing to start.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`app.sqlite migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
