import { createHash } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { AppDb } from "../db";
import { ApiError } from "../lib/errors";
import type { AuthInfo } from "./session";

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/**
 * Middleware for POSTs that create something (after requireAuth). With an `Idempotency-Key`
 * header: the first 2xx result is stored per caller, path and key; the same key with the same body
 * replays it (header `Idempotent-Replayed: true`); the same key with another body is 409
 * `idempotency_key_reused`; a key whose first request is still running is 409
 * `idempotency_in_progress`. Failed first attempts are forgotten so they can be retried. Keys live in the app
 * database, so every replica honours them.
 * `redact` rewrites the body before it is stored (and so what a replay returns), for responses
 * that show a secret once.
 */
export function idempotency(
  db: AppDb,
  now: () => number,
  redact: (body: string) => string = (body) => body,
): MiddlewareHandler<{ Variables: { auth: AuthInfo } }> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (key === undefined) return next();
    if (!KEY_RE.test(key))
      throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 printable ASCII characters");
    const scope = `${c.get("auth").address} ${c.req.method} ${c.req.path}`;
    const requestHash = createHash("sha256")
      .update(await c.req.text())
      .digest("hex");
    const time = now();

    const claimed = await db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom("idempotency_keys")
        .where("created_at", "<", time - IDEMPOTENCY_TTL_MS)
        .execute();
      // Insert first: of two requests with one key (on any replica), exactly one inserts; the other reads its row.
      const inserted = await trx
        .insertInto("idempotency_keys")
        .values({ scope, key, request_hash: requestHash, status: null, response_body: null, created_at: time })
        .onConflict((oc) => oc.columns(["scope", "key"]).doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 1n) return null;
      return trx.selectFrom("idempotency_keys").selectAll().where("scope", "=", scope).where("key", "=", key).executeTakeFirstOrThrow();
    });
    if (claimed) {
      if (claimed.request_hash !== requestHash) {
        throw new ApiError(409, "idempotency_key_reused", "This Idempotency-Key was used with a different request body");
      }
      if (claimed.status === null || claimed.response_body === null) {
        throw new ApiError(409, "idempotency_in_progress", "A request with this Idempotency-Key is still being processed");
      }
      c.header("Idempotent-Replayed", "true");
      return c.body(claimed.response_body, claimed.status as 200, { "Content-Type": "application/json" });
    }

    try {
      await next();
    } finally {
      const res = c.res;
      if (res.status >= 200 && res.status < 300) {
        const body = redact(await res.clone().text());
        await db
          .updateTable("idempotency_keys")
          .set({ status: res.status, response_body: body })
          .where("scope", "=", scope)
          .where("key", "=", key)
          .execute();
      } else {
        await db.deleteFrom("idempotency_keys").where("scope", "=", scope).where("key", "=", key).execute();
      }
    }
  };
}
