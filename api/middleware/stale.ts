/**
 * Marks answers served from an index that is not current (the RPC is down or the indexer is behind): a header
 * `X-Index-Stale-Seconds` (how long since the index was last current) and, in JSON object bodies, a field
 * `indexStale: { seconds, blocks }`. The index is still served: stale data with its age beats an error. Answers from
 * a current index are untouched (one cached read a second).
 */
import type { MiddlewareHandler } from "hono";
import type { IndexReader } from "../index/reader";
import type { AppEnv } from "./context";

/** The header that carries the index's staleness, in seconds. */
export const STALE_HEADER = "X-Index-Stale-Seconds";

/**
 * Answers that never come from the index, left as they are: the OpenAPI document (it must stay a valid one) and a
 * token's metadata (read from the token's contract through the node, cached an hour by clients).
 */
const NOT_FROM_THE_INDEX = [/^\/openapi\.json$/, /^\/blockchain\/tokens\//];

/** The middleware, over `index`; `now` is the app's clock (ms since the epoch). */
export function markStale(index: IndexReader, now: () => number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method !== "GET" || c.res.status !== 200 || NOT_FROM_THE_INDEX.some((path) => path.test(c.req.path))) return;
    let stale: Awaited<ReturnType<IndexReader["staleness"]>>;
    try {
      stale = await index.staleness(now());
    } catch {
      return;
    }
    if (!stale) return;
    c.res.headers.set(STALE_HEADER, String(stale.seconds));
    if (!c.res.headers.get("content-type")?.startsWith("application/json")) return;
    // Routes write compact JSON: an object body ends with its closing brace, before which the field goes (no parse
    // and re-serialise of a page that may be large).
    const text = (await c.res.clone().text()).trim();
    if (!text.startsWith("{") || !text.endsWith("}")) return;
    const field = `"indexStale":${JSON.stringify(stale)}`;
    const body = text === "{}" ? `{${field}}` : `${text.slice(0, -1)},${field}}`;
    const headers = new Headers(c.res.headers);
    headers.delete("content-length");
    c.res = new Response(body, { status: c.res.status, headers });
  };
}
