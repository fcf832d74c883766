import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { verifyClientSecret } from "../../services/client-secret";
import { type AppDeps, newRouter } from "../../middleware/context";
import { type Scope, parseScopeString } from "../../middleware/scopes";
import { createClientToken } from "../../middleware/session";
import { sessionSettings } from "../../middleware/auth";

/** RFC 6749 §5.2 error codes this endpoint answers. */
type OAuthErrorCode = "invalid_request" | "invalid_client" | "unsupported_grant_type" | "invalid_scope";

/** A token request refused, answered as RFC 6749 §5.2 JSON. */
class OAuthError extends Error {
  /**
   * @param code the RFC 6749 error code
   * @param description one sentence for the developer (error_description)
   * @param basic the client tried HTTP Basic: a 401 carries WWW-Authenticate
   */
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly basic = false,
  ) {
    super(description);
  }
}

const TokenRequestSchema = z
  .object({
    grant_type: z.literal("client_credentials"),
    scope: z.string().optional().openapi({ description: "Space-separated subset of the client's scopes; default all of them" }),
    client_id: z.string().optional().openapi({ description: "With client_secret, when not using HTTP Basic" }),
    client_secret: z.string().optional(),
  })
  .openapi("TokenRequest");

const TokenResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    scope: z.string(),
  })
  .openapi("TokenResponse");

const OAuthErrorSchema = z
  .object({
    error: z.enum(["invalid_request", "invalid_client", "unsupported_grant_type", "invalid_scope"]),
    error_description: z.string(),
  })
  .openapi("OAuthError");

const PARAMETERS = ["grant_type", "scope", "client_id", "client_secret"] as const;
type Parameters = Partial<Record<(typeof PARAMETERS)[number], string>>;

/** The request's parameters from a form or JSON body; a repeated or non-string parameter is invalid_request. */
async function readParameters(c: Context): Promise<Parameters> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const text = await c.req.text();
  const out: Parameters = {};
  if (type === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams(text);
    for (const name of PARAMETERS) {
      const values = form.getAll(name);
      if (values.length > 1) throw new OAuthError("invalid_request", `The parameter ${name} is repeated`);
      if (values.length === 1) out[name] = values[0];
    }
    return out;
  }
  if (type === "application/json") {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new OAuthError("invalid_request", "The body is not valid JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new OAuthError("invalid_request", "The body must be a JSON object");
    for (const name of PARAMETERS) {
      const value = (body as Record<string, unknown>)[name];
      if (value === undefined) continue;
      if (typeof value !== "string") throw new OAuthError("invalid_request", `The parameter ${name} must be a string`);
      out[name] = value;
    }
    return out;
  }
  throw new OAuthError("invalid_request", "Send the parameters as application/x-www-form-urlencoded or application/json");
}

/** The client's id and secret from HTTP Basic (RFC 6749 §2.3.1: each form-urlencoded) or from the body, never both. */
function clientCredentials(c: Context, params: Parameters): { id: string; secret: string; basic: boolean } {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    if (!match) throw new OAuthError("invalid_client", "The Authorization header must be HTTP Basic with the client's id and secret", true);
    const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new OAuthError("invalid_client", "The Basic credentials must be client_id:client_secret", true);
    if (params.client_id !== undefined || params.client_secret !== undefined) {
      throw new OAuthError("invalid_request", "Send the client credentials either with HTTP Basic or in the body, not both");
    }
    try {
      const unescape = (v: string) => decodeURIComponent(v.replace(/\+/g, " "));
      return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)), basic: true };
    } catch {
      throw new OAuthError("invalid_client", "The Basic credentials are not form-urlencoded", true);
    }
  }
  if (params.client_id === undefined || params.client_secret === undefined) {
    throw new OAuthError("invalid_client", "Client authentication is required: HTTP Basic, or client_id and client_secret in the body");
  }
  return { id: params.client_id, secret: params.client_secret, basic: false };
}

/** /oauth: the OAuth2 token endpoint (client credentials grant, RFC 6749 §4.4). */
export function oauthRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const settings = sessionSettings(deps);
  const router = newRouter();

  router.openAPIRegistry.registerPath({
    method: "post",
    path: "/token",
    tags: ["oauth"],
    summary: "OAuth2 client credentials grant: exchange an API client's id and secret for a short-lived bearer token",
    description:
      "RFC 6749 §4.4. Client credentials by HTTP Basic or as client_id/client_secret in the body (form or JSON). The token is an HS256 JWT carrying the client, its owner's address and the scopes; send it as `Authorization: Bearer <token>` to the invoice, transaction and webhook routes. Errors follow RFC 6749 §5.2: `{ error, error_description }`. Rate-limited like /auth/*.",
    security: [{ basic: [] }, {}],
    request: {
      body: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": { schema: TokenRequestSchema },
          "application/json": { schema: TokenRequestSchema },
        },
      },
    },
    responses: {
      200: { description: "Access token", content: { "application/json": { schema: TokenResponseSchema } } },
      400: {
        description: "invalid_request, unsupported_grant_type, invalid_scope",
        content: { "application/json": { schema: OAuthErrorSchema } },
      },
      401: {
        description: "invalid_client (WWW-Authenticate: Basic when Basic was tried)",
        content: { "application/json": { schema: OAuthErrorSchema } },
      },
    },
  });
  router.openAPIRegistry.registerComponent("securitySchemes", "basic", { type: "http", scheme: "basic" });

  router.post("/token", async (c) => {
    c.header("Cache-Control", "no-store");
    c.header("Pragma", "no-cache");
    try {
      const params = await readParameters(c);
      if (params.grant_type === undefined) throw new OAuthError("invalid_request", "grant_type is required");
      if (params.grant_type !== "client_credentials") {
        throw new OAuthError("unsupported_grant_type", "Only grant_type=client_credentials is supported");
      }
      const credentials = clientCredentials(c, params);
      const row = /^sc_[0-9a-f]{24}$/.test(credentials.id)
        ? await deps.db.selectFrom("api_clients").selectAll().where("id", "=", credentials.id).executeTakeFirst()
        : undefined;
      const valid = await verifyClientSecret(credentials.secret, row?.secret_hash);
      if (!row || !valid || row.revoked_at !== null) {
        throw new OAuthError("invalid_client", "Unknown client, wrong secret, or a revoked client", credentials.basic);
      }
      const granted = row.scopes.split(" ") as Scope[];
      let scopes = granted;
      if (params.scope !== undefined) {
        const parsed = parseScopeString(params.scope);
        if ("unknown" in parsed) throw new OAuthError("invalid_scope", `Unknown scope(s): ${parsed.unknown.join(" ").slice(0, 200)}`);
        if (parsed.scopes.length === 0) throw new OAuthError("invalid_scope", "scope must name at least one scope when given");
        const extra = parsed.scopes.filter((s) => !granted.includes(s));
        if (extra.length > 0) throw new OAuthError("invalid_scope", `This client was not granted: ${extra.join(" ")}`);
        scopes = parsed.scopes;
      }
      const time = now();
      const { token, expiresIn } = await createClientToken(settings, row, scopes, time, deps.config.oauthTokenTtlSeconds);
      await deps.db.updateTable("api_clients").set({ last_used_at: time }).where("id", "=", row.id).execute();
      c.get("log").info({ clientId: row.id, scope: scopes.join(" ") }, "client token issued");
      return c.json({ access_token: token, token_type: "Bearer" as const, expires_in: expiresIn, scope: scopes.join(" ") }, 200);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      const status = err.code === "invalid_client" ? 401 : 400;
      if (status === 401 && err.basic) c.header("WWW-Authenticate", 'Basic realm="settle", charset="UTF-8"');
      return c.json({ error: err.code, error_description: err.description }, status);
    }
  });
  return router;
}
