/**
 * The supervisor's view of one network's sync, from its own checks of the node and Ponder's progress: ok, lagging
 * (how many blocks and seconds behind) or degraded (the node does not answer: since when, the last error). Written
 * into the index (core/index-schema's SYNC_HEALTH_TABLE) for the API's /health and stale marks.
 */
import type { SyncHealth } from "../../core/index-schema";
import type { TimedBlockRef } from "./rpc";

/** Blocks the index may be behind the head and still count as current (a block mined between two checks). */
export const LAG_TOLERANCE_BLOCKS = 2;

/** Follows one network's sync across the supervisor's checks. */
export class SyncHealthTracker {
  private head: TimedBlockRef | null = null;
  private indexed: { number: number; timestamp: number } | null = null;
  private currentAt: number | null = null;
  private unreachableSince: number | null = null;
  private lastError: string | null = null;

  /** The node answered with `head`; the index has reached `indexed` (undefined: unknown, keep the last one seen). */
  answered(head: TimedBlockRef, indexed: { number: number; timestamp: number } | undefined): void {
    this.head = head;
    if (indexed) this.indexed = indexed;
    this.unreachableSince = null;
    const lag = this.lagBlocks();
    if (lag !== null && lag <= LAG_TOLERANCE_BLOCKS) this.currentAt = Date.now();
  }

  /** The node did not answer (or answered with an error). */
  failed(error: Error): void {
    this.unreachableSince ??= Date.now();
    this.lastError = error.message;
  }

  /** Since when the node has not answered (ms since the epoch), or null while it answers. */
  get downSince(): number | null {
    return this.unreachableSince;
  }

  /** The record to write. */
  snapshot(): SyncHealth {
    const lagBlocks = this.lagBlocks();
    const lagSeconds = this.head && this.indexed ? Math.max(0, this.head.timestamp - this.indexed.timestamp) : null;
    const state = this.unreachableSince !== null ? "degraded" : lagBlocks !== null && lagBlocks <= LAG_TOLERANCE_BLOCKS ? "ok" : "lagging";
    return {
      state,
      headBlock: this.head?.number ?? null,
      indexedBlock: this.indexed?.number ?? null,
      lagBlocks,
      lagSeconds,
      currentAt: this.currentAt,
      unreachableSince: this.unreachableSince,
      lastError: this.lastError,
      checkedAt: Date.now(),
    };
  }

  private lagBlocks(): number | null {
    return this.head && this.indexed ? Math.max(0, this.head.number - this.indexed.number) : null;
  }
}
