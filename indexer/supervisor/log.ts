/** Values a log line can carry after its message. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/**
 * Prints one line of the supervisor's own, prefixed `[indexer]` (`npm start` and the tests look for these lines): the
 * message, then `key=value` fields (logfmt: values with spaces or quotes are JSON-quoted, undefined ones left out).
 */
export function log(message: string, fields: LogFields = {}): void {
  const pairs = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === "string" && /[\s"=]/.test(value) ? JSON.stringify(value) : String(value)}`);
  console.log(`[indexer] ${message}${pairs.length > 0 ? " " + pairs.join(" ") : ""}`);
}
