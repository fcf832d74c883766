import pino, { type Logger } from "pino";
import type { Config } from "../env";

/** Bytes of log lines gathered before one write (one write per request costs more than the request). */
export const LOG_BATCH_BYTES = 4096;

/**
 * The API's logger: pino JSON lines (service settle-api) to `dest` (default stdout), written in
 * batches of {@link LOG_BATCH_BYTES} by a background writer and flushed when the process exits.
 */
export function createLogger(level: Config["logLevel"], dest: number | string = 1): Logger {
  return pino({ level, base: { service: "settle-api" } }, pino.destination({ dest, sync: false, minLength: LOG_BATCH_BYTES }));
}
