/**
 * The one rule for waiting before a retry, every layer with its own figures: the server's Retry-After when it gave
 * one, else a capped doubling (optionally with "equal jitter"). Pure, no Node APIs: the web page imports it too.
 */

/** One layer's back-off figures. */
export interface BackoffSchedule {
  /** The first wait (ms); each further wait doubles. */
  firstMs: number;
  /** The longest doubled wait (ms). */
  capMs: number;
  /** A source of [0, 1) for "equal jitter" (each wait between half and all of its step); omitted: no jitter. */
  random?: () => number;
  /**
   * How a Retry-After counts: `"exact"` waits just what the server asked; `"atLeast"` waits the longer of that and
   * the doubled step (for a client that retries without end and must keep slowing down). Default `"exact"`.
   */
  retryAfter?: "exact" | "atLeast";
  /** The longest wait a Retry-After can impose (ms). Default {@link BackoffSchedule.capMs}. */
  retryAfterCapMs?: number;
}

/**
 * The wait (ms, a whole number, never negative) before retry `retry` (0 for the first retry) under `schedule`, after
 * a failure whose server asked for `retryAfterMs` (undefined, negative or not a number: it asked nothing).
 */
export function backoffDelayMs(schedule: BackoffSchedule, retry: number, retryAfterMs?: number): number {
  const doubled = Math.min(schedule.capMs, schedule.firstMs * 2 ** Math.min(Math.max(0, retry), 52));
  const step = schedule.random ? doubled / 2 + (schedule.random() * doubled) / 2 : doubled;
  if (retryAfterMs === undefined || !(retryAfterMs >= 0)) return Math.max(0, Math.round(step));
  const asked = Math.min(retryAfterMs, schedule.retryAfterCapMs ?? schedule.capMs);
  return Math.max(0, Math.round(schedule.retryAfter === "atLeast" ? Math.max(step, asked) : asked));
}
