import { createRoute, z } from "@hono/zod-openapi";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { type AppDeps, newRouter } from "../../middleware/context";
import { sessionSettings } from "../../middleware/auth";
import { ApiError, errorResponses } from "../../lib/errors";
import type { Chain } from "../../services/chain";
import { chainsOf } from "../../services/networks";
import { NONCE_COOKIE, NONCE_TTL_MS, issueNonce, nonceBinding, verifySignIn } from "../../services/siwe";
import { SESSION_COOKIE, createSession, requireAuth, revokeSession } from "../../middleware/session";

const NonceSchema = z
  .object({
    nonce: z.string().openapi({ example: "3f9c0d3a8b7e4c1d9a2b6e5f4c3d2e1f" }),
    expiresAt: z.string().openapi({ description: "ISO 8601; the nonce is single-use" }),
    domain: z.string().openapi({ description: "The `domain` the message must carry", example: "localhost:8000" }),
    uri: z.string().openapi({ description: "The `URI` the message must carry", example: "http://localhost:8000" }),
    chainId: z.number().int().openapi({ description: "The first network's chain id: the `Chain ID` a client uses by default" }),
    chainIds: z
      .array(z.number().int())
      .openapi({ description: "Every chain id the message may carry: signing in on any of them signs in the same account" }),
    version: z.literal("1"),
  })
  .openapi("SiweNonce");

const VerifyBodySchema = z
  .object({
    message: z.string().min(1).max(4096).openapi({ description: "The EIP-4361 message exactly as signed" }),
    signature: z.string().min(1).max(10_000).openapi({ description: "0x hex personal_sign signature (EOA) or EIP-1271 signature" }),
  })
  .strict()
  .openapi("SiweVerify");

const SessionSchema = z
  .object({
    token: z.string().openapi({ description: "HS256 JWT; send as `Authorization: Bearer <token>` (also set as an httpOnly cookie)" }),
    tokenType: z.literal("Bearer"),
    address: z.string(),
    expiresAt: z.string(),
  })
  .openapi("Session");

const MeSchema = z.object({ address: z.string(), sessionId: z.string(), expiresAt: z.string() }).openapi("AuthMe");

/**
 * The chains a sign-in message may name, each with its node: every served network's deployment chain id, the first
 * network's first (503 while none is deployed).
 */
export function signInChains(deps: AppDeps): Map<number, Chain> {
  const deployed = chainsOf(deps).deployed();
  if (deployed.length === 0) throw new ApiError(503, "deployment_missing", "No deployment yet: deploy the contracts first");
  return new Map(deployed.map((network) => [network.current.chainId, network.chain]));
}

/** /auth: SIWE nonce, verify (sign-in), logout, me. */
export function authRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const settings = sessionSettings(deps);
  const auth = requireAuth(settings, now);
  const secureCookie = deps.config.publicOrigin.startsWith("https://");

  return newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/nonce",
        tags: ["auth"],
        summary: "A fresh single-use SIWE nonce (expires in 5 minutes) and the fields the message must carry",
        description: `Also sets the HttpOnly cookie \`${NONCE_COOKIE}\` (Path=/auth) that binds the nonce to this client: send it back with POST /auth/verify. A new nonce replaces the previous one's cookie.`,
        responses: {
          200: { description: "Nonce", content: { "application/json": { schema: NonceSchema } } },
          ...errorResponses(429, 503),
        },
      }),
      async (c) => {
        const chainIds = [...signInChains(deps).keys()];
        const { nonce, expiresAt } = await issueNonce(deps.db, now());
        setCookie(c, NONCE_COOKIE, nonceBinding(deps.jwtSecret, nonce), {
          httpOnly: true,
          secure: secureCookie,
          sameSite: "Strict",
          path: "/auth",
          maxAge: NONCE_TTL_MS / 1000,
        });
        const origin = new URL(deps.config.publicOrigin);
        return c.json(
          {
            nonce,
            expiresAt: new Date(expiresAt).toISOString(),
            domain: origin.host,
            uri: origin.origin,
            chainId: chainIds[0]!,
            chainIds,
            version: "1" as const,
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/verify",
        tags: ["auth"],
        summary: "Sign in with Ethereum: verify an EIP-4361 message and its signature, start a session",
        description: `Needs the \`${NONCE_COOKIE}\` cookie from GET /auth/nonce (401 \`nonce_not_bound\` without it). The nonce is burned by any attempt, refused or not.`,
        request: { body: { required: true, content: { "application/json": { schema: VerifyBodySchema } } } },
        responses: {
          200: { description: "Signed in", content: { "application/json": { schema: SessionSchema } } },
          ...errorResponses(400, 401, 413, 415, 429, 503),
        },
      }),
      async (c) => {
        const { message, signature } = c.req.valid("json");
        const time = now();
        const binding = getCookie(c, NONCE_COOKIE);
        deleteCookie(c, NONCE_COOKIE, { path: "/auth", secure: secureCookie, httpOnly: true, sameSite: "Strict" });
        const address = await verifySignIn(
          deps.db,
          { origin: deps.config.publicOrigin, chains: signInChains(deps), bindingKey: deps.jwtSecret },
          { message, signature, binding },
          time,
        );
        await deps.db
          .insertInto("users")
          .values({
            address,
            display_name: null,
            email: null,
            company: null,
            billing_address: null,
            tax_id: null,
            created_at: time,
            updated_at: time,
            last_sign_in_at: time,
          })
          .onConflict((oc) => oc.column("address").doUpdateSet({ last_sign_in_at: time }))
          .execute();
        const session = await createSession(settings, address, time, c.req.header("user-agent") ?? null);
        setCookie(c, SESSION_COOKIE, session.token, {
          httpOnly: true,
          secure: secureCookie,
          sameSite: "Strict",
          path: "/",
          maxAge: deps.config.jwtTtlSeconds,
        });
        c.get("log").info({ address, jti: session.jti }, "signed in");
        return c.json(
          { token: session.token, tokenType: "Bearer" as const, address, expiresAt: new Date(session.expiresAt * 1000).toISOString() },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/logout",
        tags: ["auth"],
        summary: "Revoke the current session token and clear the cookie",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        responses: { 204: { description: "Signed out" }, ...errorResponses(401, 429) },
      }),
      async (c) => {
        await revokeSession(deps.db, c.get("auth").jti, now());
        deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secureCookie, httpOnly: true, sameSite: "Strict" });
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/me",
        tags: ["auth"],
        summary: "The signed-in address and its session",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        responses: { 200: { description: "Session", content: { "application/json": { schema: MeSchema } } }, ...errorResponses(401, 429) },
      }),
      (c) => {
        const { address, jti, exp } = c.get("auth");
        return c.json({ address, sessionId: jti, expiresAt: new Date(exp * 1000).toISOString() }, 200);
      },
    );
}
