import type { Chain } from "./chain";

/**
 * The chain head, cached for `ttlMs` with concurrent callers sharing one request, so that list
 * routes can compute confirmations without one RPC call per request.
 */
export function headCache(chain: Chain, ttlMs = 1000, now: () => number = Date.now): () => Promise<number> {
  let value: number | null = null;
  let at = 0;
  let inflight: Promise<number> | null = null;
  return async () => {
    if (value !== null && now() - at < ttlMs) return value;
    if (!inflight) {
      inflight = chain
        .blockNumber()
        .then((n) => {
          value = n;
          at = now();
          return n;
        })
        .finally(() => {
          inflight = null;
        });
    }
    return inflight;
  };
}
