import { Kysely, PostgresDialect, sql } from "kysely";
import { Pool, types } from "pg";
import type { AppDatabase } from "./types";

/** OID of PostgreSQL's int8 (bigint), the type of every unix-millisecond column and of count(*). */
const INT8_OID = 20;

/** The parsers of a pool: int8 as a JavaScript number (the app's bigint columns are unix ms and counters, far below 2^53). */
const parsers = {
  getTypeParser: (oid: number, format?: "text" | "binary") =>
    oid === INT8_OID ? (value: string) => Number(value) : types.getTypeParser(oid, format ?? "text"),
};

/** Where a URL points, without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "the configured server";
  }
}

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
 * @throws Error with one line that names the fix: a server that cannot be reached, refuses the login or the
 *   database, or is not PostgreSQL
 */
export async function checkPostgres(db: Kysely<AppDatabase>, url: string): Promise<void> {
  const where = describeUrl(url);
  let version: string;
  try {
    const { rows } = await sql<{ version: string }>`SELECT version() AS version`.execute(db);
    version = rows[0]?.version ?? "";
  } catch (error) {
    const failure = error as { code?: string; message?: string };
    const reason = failure.code ? `${failure.code}: ${failure.message ?? ""}` : (failure.message ?? String(error));
    if (failure.code === "3D000")
      throw new Error(`APP_DATABASE_URL: database ${where} does not exist: create it (createdb) or fix the URL`);
    if (failure.code === "28P01" || failure.code === "28000")
      throw new Error(`APP_DATABASE_URL: ${where} refused the login (${reason}): fix the user or password in the URL`);
    if (failure.code === "ECONNREFUSED" || failure.code === "ENOTFOUND" || failure.code === "EHOSTUNREACH" || /timeout/i.test(reason))
      throw new Error(`APP_DATABASE_URL: cannot connect to ${where} (${reason}): start PostgreSQL there or fix the URL`);
    throw new Error(
      `APP_DATABASE_URL: ${where} is not a PostgreSQL server that answers (${reason.split("\n")[0]}): point the URL at PostgreSQL`,
    );
  }
  if (!version.startsWith("PostgreSQL")) {
    throw new Error(`APP_DATABASE_URL: ${where} is not PostgreSQL (it says "${version.slice(0, 60)}"): point the URL at PostgreSQL`);
  }
}
