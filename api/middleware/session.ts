import { randomUUID } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { sign, verify } from "hono/jwt";
import type { AppDb } from "../db";
import { dialectOf } from "../db/dialect";
import { ApiError } from "../lib/errors";
import { type Scope, parseScopeString } from "./scopes";

/** Name of the httpOnly session cookie. */
export const SESSION_COOKIE = "settle_session";
/** The only algorithm tokens are signed and accepted with. */
export const JWT_ALG = "HS256" as const;

/** The signed-in caller, set on the context by {@link requireAuth}. */
export interface AuthInfo {
  /** EIP-55 address (for an OAuth2 client: its owner's, the client acts as it). */
  address: string;
  /** Session id (the token's jti). */
  jti: string;
  /** Expiry, unix seconds. */
  exp: number;
  /** Set for a client-credentials access token: the client and the scopes the token carries. A session has every scope. */
  client?: { id: string; scopes: Scope[] };
}

/** Everything session code needs to sign and check tokens. */
export interface SessionSettings {
  db: AppDb;
  secret: string;
  /** Issuer and audience: the public origin. */
  origin: string;
  ttlSeconds: number;
}

/** Creates a session row and its HS256 JWT ({ sub, jti, iat, exp, iss, aud }). */
export async function createSession(
  settings: SessionSettings,
  address: string,
  nowMs: number,
  userAgent: string | null,
): Promise<{ token: string; jti: string; expiresAt: number }> {
  const jti = randomUUID();
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + settings.ttlSeconds;
  await settings.db
    .insertInto("sessions")
    .values({ jti, address, issued_at: nowMs, expires_at: exp * 1000, revoked_at: null, user_agent: userAgent?.slice(0, 300) ?? null })
    .execute();
  const token = await sign({ sub: address, jti, iat, exp, iss: settings.origin, aud: settings.origin }, settings.secret, JWT_ALG);
  return { token, jti, expiresAt: exp };
}

/**
 * Issues an OAuth2 client-credentials access token: an HS256 JWT ({ sub: owner, cid, scope, jti,
 * iat, exp, iss, aud }) that {@link authenticate} accepts while the client is not revoked.
 */
export async function createClientToken(
  settings: SessionSettings,
  client: { id: string; owner: string },
  scopes: readonly Scope[],
  nowMs: number,
  ttlSeconds: number,
): Promise<{ token: string; expiresIn: number }> {
  const iat = Math.floor(nowMs / 1000);
  const payload = {
    sub: client.owner,
    cid: client.id,
    scope: scopes.join(" "),
    jti: randomUUID(),
    iat,
    exp: iat + ttlSeconds,
    iss: settings.origin,
    aud: settings.origin,
  };
  return { token: await sign(payload, settings.secret, JWT_ALG), expiresIn: ttlSeconds };
}

/** The token of a request: `Authorization: Bearer <jwt>` first, else the session cookie. */
export function tokenOf(c: Context): string | null {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const match = /^Bearer\s+([A-Za-z0-9_\-.]+)$/i.exec(header.trim());
    if (!match) throw new ApiError(401, "invalid_authorization", "Authorization must be `Bearer <token>`");
    return match[1]!;
  }
  return getCookie(c, SESSION_COOKIE) ?? null;
}

/** A token whose signature and claims were checked, and until when its session row need not be read again. */
interface Verified {
  auth: AuthInfo;
  /** The claims that name the session or client (the row to check again). */
  claims: { sub: string; jti: string; exp: number; cid: unknown; scope: unknown };
  until: number;
}

/**
 * Tokens verified recently, per database, so that hot routes skip the HMAC. On SQLite (one process) they also skip
 * the session lookup for {@link SESSION_CACHE_MS}, and logout drops the entry at once. On PostgreSQL, where several
 * replicas share the database, the session or client row is read on every request, so a revocation on any replica
 * is seen by all at once.
 */
const verified = new WeakMap<AppDb, Map<string, Verified>>();
/** How long a verified token is trusted without looking at its session row again. */
export const SESSION_CACHE_MS = 2000;
const MAX_CACHED = 10_000;

function cacheOf(db: AppDb): Map<string, Verified> {
  let cache = verified.get(db);
  if (!cache) verified.set(db, (cache = new Map()));
  return cache;
}

/**
 * Checks a token: HS256 only (the algorithm is pinned, never read from the token), issuer and
 * audience, expiry, and that its session exists and is not revoked.
 *
 * @throws ApiError 401 when any check fails
 */
export async function authenticate(settings: SessionSettings, token: string, nowMs: number): Promise<AuthInfo> {
  const cache = cacheOf(settings.db);
  let hit = cache.get(token);
  if (hit && hit.auth.exp * 1000 <= nowMs) {
    cache.delete(token);
    hit = undefined;
  }
  if (hit && hit.until > nowMs) return hit.auth;
  const claims = hit?.claims ?? (await verifiedClaims(settings, token));
  const { sub, jti, exp, cid, scope } = claims;
  let auth: AuthInfo;
  try {
    auth = cid === undefined ? await sessionAuth(settings, sub, jti, exp, nowMs) : await clientAuth(settings, sub, jti, exp, cid, scope);
  } catch (error) {
    cache.delete(token);
    throw error;
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(token, { auth, claims, until: dialectOf(settings.db) === "postgres" ? 0 : nowMs + SESSION_CACHE_MS });
  return auth;
}

/**
 * The claims of a token whose HS256 signature, issuer, audience and expiry check out.
 *
 * @throws ApiError 401 otherwise
 */
async function verifiedClaims(settings: SessionSettings, token: string): Promise<Verified["claims"]> {
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, settings.secret, { alg: JWT_ALG, iss: settings.origin, aud: settings.origin });
  } catch {
    throw new ApiError(401, "invalid_token", "The session token is invalid or expired");
  }
  const { sub, jti, exp, cid, scope } = payload;
  if (typeof sub !== "string" || typeof jti !== "string" || typeof exp !== "number") {
    throw new ApiError(401, "invalid_token", "The session token is invalid or expired");
  }
  return { sub, jti, exp, cid, scope };
}

/** A session token's caller: its session row must exist, match and not be revoked. */
async function sessionAuth(settings: SessionSettings, sub: string, jti: string, exp: number, nowMs: number): Promise<AuthInfo> {
  const session = await settings.db
    .selectFrom("sessions")
    .select(["address", "revoked_at", "expires_at"])
    .where("jti", "=", jti)
    .executeTakeFirst();
  if (!session || session.address !== sub || session.expires_at <= nowMs) {
    throw new ApiError(401, "invalid_token", "The session token is invalid or expired");
  }
  if (session.revoked_at !== null) throw new ApiError(401, "session_revoked", "This session was signed out");
  return { address: sub, jti, exp };
}

/** A client-credentials token's caller: its client must exist, belong to `sub` and not be revoked. */
async function clientAuth(
  settings: SessionSettings,
  sub: string,
  jti: string,
  exp: number,
  cid: unknown,
  scope: unknown,
): Promise<AuthInfo> {
  const parsed = typeof scope === "string" ? parseScopeString(scope) : undefined;
  if (typeof cid !== "string" || !parsed || !("scopes" in parsed)) {
    throw new ApiError(401, "invalid_token", "The access token is invalid or expired");
  }
  const client = await settings.db.selectFrom("api_clients").select(["owner", "revoked_at"]).where("id", "=", cid).executeTakeFirst();
  if (!client || client.owner !== sub) throw new ApiError(401, "invalid_token", "The access token is invalid or expired");
  if (client.revoked_at !== null) throw new ApiError(401, "client_revoked", "The API client of this token was revoked");
  return { address: sub, jti, exp, client: { id: cid, scopes: parsed.scopes } };
}

/** Forgets cached verifications of tokens issued to client `clientId` (it was revoked). */
export function forgetClientTokens(db: AppDb, clientId: string): void {
  const cache = cacheOf(db);
  for (const [token, entry] of cache) if (entry.auth.client?.id === clientId) cache.delete(token);
}

/**
 * Lets a session through, and a client token only when it carries `scope`: 403 `insufficient_scope`
 * naming it (with the RFC 6750 `WWW-Authenticate: Bearer error="insufficient_scope"` header), or
 * 403 `session_required` where no scope is given. For routes that authenticate by themselves.
 */
export function assertScope(c: Context, auth: AuthInfo, scope?: Scope): void {
  if (!auth.client) return;
  if (scope === undefined) {
    throw new ApiError(403, "session_required", "This route needs a signed-in user's session, not an API client's token");
  }
  if (!auth.client.scopes.includes(scope)) {
    c.header("WWW-Authenticate", `Bearer error="insufficient_scope", scope="${scope}"`);
    throw new ApiError(403, "insufficient_scope", `This token lacks the scope ${scope}`, { requiredScope: scope });
  }
}

/**
 * Middleware: answers 401 unless the request carries a valid session or client access token; sets
 * `c.var.auth`. A client token must carry `scope` (see {@link assertScope}); on a route without a
 * scope only sessions are accepted.
 */
export function requireAuth(
  settings: SessionSettings,
  now: () => number,
  scope?: Scope,
): MiddlewareHandler<{ Variables: { auth: AuthInfo } }> {
  return async (c, next) => {
    const token = tokenOf(c);
    if (!token) throw new ApiError(401, "unauthenticated", "Sign in first (POST /auth/verify)");
    const auth = await authenticate(settings, token, now());
    assertScope(c, auth, scope);
    c.set("auth", auth);
    await next();
  };
}

/** Marks a session revoked (logout). */
export async function revokeSession(db: AppDb, jti: string, nowMs: number): Promise<void> {
  const cache = cacheOf(db);
  for (const [token, entry] of cache) if (entry.auth.jti === jti) cache.delete(token);
  await db.updateTable("sessions").set({ revoked_at: nowMs }).where("jti", "=", jti).where("revoked_at", "is", null).execute();
}
