/**
 * Patience with a provider's trouble, below Ponder: a transport wrapper that retries a request that failed for a
 * transient reason (connection refused or reset, timeout, truncated answer, HTTP 408, 429 and 5xx) with capped
 * exponential back-off and jitter (honouring Retry-After), for up to `patienceMs`. Ponder's own queue backs off up to
 * 64 s between its attempts, so after a long outage it would wait that long to notice the RPC is back; retried here,
 * a request succeeds within `maxDelayMs` of the RPC's return. Errors the node answers with (a JSON-RPC error, a
 * range refusal) go up at once.
 */
import { HttpRequestError, RpcRequestError, TimeoutError, type Transport } from "viem";
import { backoffDelayMs } from "../../core/backoff";

/** How patient the transport is. */
export interface Patience {
  /** How long one request is retried before its error goes up to Ponder (ms). */
  patienceMs: number;
  /** The first retry delay (ms), doubled at each retry. */
  baseDelayMs: number;
  /** The largest retry delay (ms): the RPC's return is noticed within it. */
  maxDelayMs: number;
}

/** HTTP statuses worth another try: timeout, rate limit, server errors. */
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** True for a failure of the connection or of the provider, not an answer of the node. */
export function isTransient(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  if (error instanceof HttpRequestError) return error.status === undefined || TRANSIENT_STATUS.has(error.status);
  // A 429 or 5xx whose body is a JSON-RPC error (many providers answer so).
  if (error instanceof RpcRequestError) return error.code === 429 || (error.status !== undefined && TRANSIENT_STATUS.has(error.status));
  return /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|terminated|other side closed/i.test(String((error as Error)?.message));
}

/** The longest wait a Retry-After can impose (ms). */
const RETRY_AFTER_CAP_MS = 30_000;

/** The delay a 429 or 503 asks for (Retry-After, in seconds), in ms. */
function retryAfterMs(error: unknown): number | undefined {
  const header = error instanceof HttpRequestError || error instanceof RpcRequestError ? error.headers?.get("retry-after") : null;
  const seconds = header ? Number(header) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Wraps `inner` so that transient failures are retried for up to `patience.patienceMs`. */
export function patientTransport(inner: Transport, patience: Patience): Transport {
  return (params) => {
    const transport = inner(params);
    const request = transport.request as (args: unknown, options?: unknown) => Promise<unknown>;
    return {
      ...transport,
      request: (async (args: unknown, options?: unknown) => {
        const started = Date.now();
        const schedule = {
          firstMs: patience.baseDelayMs,
          capMs: patience.maxDelayMs,
          random: Math.random,
          retryAfter: "atLeast" as const,
          retryAfterCapMs: RETRY_AFTER_CAP_MS,
        };
        for (let attempt = 0; ; attempt++) {
          try {
            return await request(args, options);
          } catch (error) {
            const elapsed = Date.now() - started;
            if (!isTransient(error) || elapsed >= patience.patienceMs) throw error;
            const delay = Math.min(backoffDelayMs(schedule, attempt, retryAfterMs(error)), patience.patienceMs - elapsed);
            await new Promise((resolve) => setTimeout(resolve, delay));
          }
        }
      }) as typeof transport.request,
    };
  };
}
