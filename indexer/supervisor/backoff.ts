/**
 * Waiting without hammering: capped exponential back-off with jitter, and one log line per wait that says what the
 * supervisor waits for and since when.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelayMs } from "../../core/backoff";
import { log } from "./log";

/** Capped exponential back-off with "equal jitter": each delay is between half and all of the exponential step. */
export class Backoff {
  private attempt = 0;

  /** @param baseMs the first delay. @param capMs the largest delay. @param random a source of [0, 1) (tests pass their own). */
  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next delay in milliseconds (and counts an attempt). */
  next(): number {
    return backoffDelayMs({ firstMs: this.baseMs, capMs: this.capMs, random: this.random }, this.attempt++);
  }

  /** Back to the first delay (after a success). */
  reset(): void {
    this.attempt = 0;
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }
}

/** A condition waited for: what it is and since when, for the log and /health. */
export interface Waiting {
  /** What the supervisor waits for, in words ("the node to answer"). */
  what: string;
  /** Why it cannot go on (the last error). */
  reason: string;
  /** When the wait started (ms since the epoch). */
  since: number;
}

/**
 * Logs one line for a wait interval: what it waits for, since when, why, and when it checks again.
 *
 * @returns the same `waiting` (so a caller can keep it)
 */
export function logWait(waiting: Waiting, delayMs: number): Waiting {
  log(`waiting for ${waiting.what}`, {
    since: new Date(waiting.since).toISOString(),
    waitedS: Math.round((Date.now() - waiting.since) / 1000),
    reason: waiting.reason,
    nextCheckS: Number((delayMs / 1000).toFixed(1)),
  });
  return waiting;
}

/** Sleeps `ms`, or less when `stop` resolves first. */
export async function pause(ms: number, stop: Promise<void>): Promise<void> {
  await Promise.race([sleep(ms), stop]);
}
