import { Kysely, PostgresDialect, sql } from "kysely";
import { Pool, types } from "pg";
import { serverProblem } from "../../core/postgres-check";
import type { AppDatabase } from "./types";

/** OID of PostgreSQL's int8 (bigint), the type of every unix-millisecond column and of count(*). */
const INT8_OID = 20;

/** The parsers of a pool: int8 as a JavaScript number (the app's bigint columns are unix ms and counters, far below 2^53). */
const parsers = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === INT8_OID ? (value: string) => Number(value) : types.getTypeParser(oid, format ?? "text"),
};

/**
 * A pool on `url` behind Kysely's Postgres dialect. An idle connection that the server drops (a restart, a crash)
 * is logged through `onIdleError` and replaced on the next query instead of crashing the process.
 */
export function openPostgresDb(url: string, onIdleError: (err: Error) => void = () => undefined): Kysely<AppDatabase> {
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000, types: parsers });
  pool.on("error", onIdleError);
  return new Kysely<AppDatabase>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Checks that `url` reaches a PostgreSQL server: one query for its version.
 *
 * @throws Error with one line that names the fix (core/postgres-check): a server that cannot be reached, refuses the
 *   login or the database, or is not PostgreSQL
 */
export async function checkPostgres(db: Kysely<AppDatabase>, url: string): Promise<void> {
  const problem = await serverProblem("APP_DATABASE_URL", url, async () => {
    const { rows } = await sql<{ version: string }>`SELECT version() AS version`.execute(db);
    return rows[0]?.version;
  });
  if (problem) throw new Error(problem.message);
}
