/**
 * The one-line messages, naming the fix, for a PostgreSQL URL that cannot be used (APP_DATABASE_URL,
 * INDEX_DATABASE_URL): shared by the API and the indexer, which each run the check with their own driver. Plain
 * TypeScript with no import.
 */

/** Where a URL points, without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "the configured server";
  }
}

/** True when `error` (node-postgres's, or a socket's) says the server cannot be reached right now. */
export function isUnreachable(error: unknown): boolean {
  const failure = error as { code?: unknown; message?: unknown } | null;
  const code = typeof failure?.code === "string" ? failure.code : "";
  const message = typeof failure?.message === "string" ? failure.message : "";
  return (
    ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EHOSTUNREACH", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03"].includes(code) ||
    code.startsWith("08") ||
    /timeout|Connection terminated|connection error/i.test(message)
  );
}

/**
 * The one-line message for `error`, met while connecting to `url` (the value of `variable`) to ask its version.
 */
export function connectProblem(variable: string, url: string, error: unknown): string {
  const where = describeUrl(url);
  const failure = error as { code?: string; message?: string };
  const reason = failure.code ? `${failure.code}: ${failure.message ?? ""}` : (failure.message ?? String(error));
  if (failure.code === "3D000") return `${variable}: database ${where} does not exist: create it (createdb) or fix the URL`;
  if (failure.code === "28P01" || failure.code === "28000") {
    return `${variable}: ${where} refused the login (${reason}): fix the user or password in the URL`;
  }
  if (["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH"].includes(failure.code ?? "") || /timeout/i.test(reason)) {
    return `${variable}: cannot connect to ${where} (${reason}): start PostgreSQL there or fix the URL`;
  }
  return `${variable}: ${where} is not a PostgreSQL server that answers (${reason.split("\n")[0]}): point the URL at PostgreSQL`;
}

/** The one-line message when `url`'s server answered `SELECT version()` with `version`, or undefined for PostgreSQL. */
export function versionProblem(variable: string, url: string, version: string): string | undefined {
  if (version.startsWith("PostgreSQL")) return undefined;
  return `${variable}: ${describeUrl(url)} is not PostgreSQL (it says "${version.slice(0, 60)}"): point the URL at PostgreSQL`;
}

/** Why a PostgreSQL URL cannot be used: the one-line message, and whether the server is only unreachable for now. */
export interface ServerProblem {
  message: string;
  unreachable: boolean;
}

/**
 * The start-up check every user of a PostgreSQL URL runs: `askVersion` connects with the caller's driver and returns
 * the server's `SELECT version()`. Undefined when it is PostgreSQL; else the problem, naming the fix.
 */
export async function serverProblem(
  variable: string,
  url: string,
  askVersion: () => Promise<string | undefined>,
): Promise<ServerProblem | undefined> {
  let version: string;
  try {
    version = (await askVersion()) ?? "";
  } catch (error) {
    return { message: connectProblem(variable, url, error), unreachable: isUnreachable(error) };
  }
  const problem = versionProblem(variable, url, version);
  return problem === undefined ? undefined : { message: problem, unreachable: false };
}

/** As much of a node-postgres client as {@link clientVersion} uses (this module imports no driver). */
export interface VersionClient {
  connect(): Promise<unknown>;
  query(sql: string): Promise<{ rows: Array<{ version?: unknown }> }>;
}

/** Connects `client` and returns the server's `SELECT version()`. */
export async function clientVersion(client: VersionClient): Promise<string | undefined> {
  await client.connect();
  const version = (await client.query("SELECT version() AS version")).rows[0]?.version;
  return typeof version === "string" ? version : undefined;
}

/** Whether `raw` is a PostgreSQL URL (postgres:// or postgresql://, with a host). */
export function isPostgresUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
  } catch {
    return false;
  }
}
