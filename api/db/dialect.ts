import { type Kysely, PostgresAdapter, type RawBuilder, sql } from "kysely";

/** The app database's engine: SQLite (embedded, the default) or PostgreSQL (APP_DATABASE_URL). */
export type AppDialect = "sqlite" | "postgres";

/** Which engine `db` (or a transaction on it) runs on. */
export function dialectOf<DB>(db: Kysely<DB>): AppDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/**
 * SQL that is true when the JSON array in text column `column` holds `value` or `"*"` (a webhook endpoint's
 * event list): json_each on SQLite, jsonb_array_elements_text on PostgreSQL.
 */
export function jsonListMatches(dialect: AppDialect, column: RawBuilder<unknown>, value: RawBuilder<unknown>): RawBuilder<boolean> {
  return dialect === "postgres"
    ? sql<boolean>`EXISTS (SELECT 1 FROM jsonb_array_elements_text(${column}::jsonb) j(value) WHERE j.value = ${value} OR j.value = '*')`
    : sql<boolean>`EXISTS (SELECT 1 FROM json_each(${column}) j WHERE j.value = ${value} OR j.value = '*')`;
}

/** The larger of two numbers: max(a, b) on SQLite, GREATEST(a, b) on PostgreSQL. */
export function greatest(dialect: AppDialect, a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number> {
  return dialect === "postgres" ? sql<number>`GREATEST(${a}, ${b})` : sql<number>`max(${a}, ${b})`;
}

/** Error codes that mean the database is unreachable or busy right now, not that the request is wrong. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, recovering)
  "53300", // too_many_connections
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
]);

/**
 * True when `error` says the app database cannot answer now (down, restarting, unreachable, locked): the API answers
 * 503 for it, never 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const failure = error as { code?: unknown; message?: unknown } | null;
  if (!failure || typeof failure !== "object") return false;
  if (typeof failure.code === "string" && (UNAVAILABLE_CODES.has(failure.code) || failure.code.startsWith("08"))) return true;
  const message = typeof failure.message === "string" ? failure.message : "";
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/.test(
    message,
  );
}
