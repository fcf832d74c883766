/**
 * A small in-process cache: entries expire after `ttlMs`; when `maxEntries` is reached the oldest
 * entry is dropped (Map keeps insertion order).
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  /**
   * @param ttlMs how long an entry is served
   * @param maxEntries bound on memory
   */
  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
  ) {}

  /** The live value of `key`, or undefined. */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` under `key` until now + ttlMs. */
  set(key: string, value: V, now: number): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: now + this.ttlMs });
  }
}
