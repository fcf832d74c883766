import { randomBytes } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { ApiClientsTable } from "../../db/types";
import { hashClientSecret, newClientSecret } from "../../services/client-secret";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { NO_CONTROL_CHARACTERS } from "../../lib/schemas";
import { idempotency } from "../../middleware/idempotency";
import { SCOPES } from "../../middleware/scopes";
import { forgetClientTokens, requireAuth } from "../../middleware/session";
import { sessionSettings } from "../../middleware/auth";

const CreateClientSchema = z
  .object({
    name: z
      .string()
      .transform((v) => v.normalize("NFC").trim())
      .pipe(z.string().min(1, "must not be empty").max(100).regex(NO_CONTROL_CHARACTERS, "must not contain control characters"))
      .openapi({ example: "Shop back office" }),
    scopes: z
      .array(z.enum(SCOPES))
      .min(1)
      .max(SCOPES.length)
      .refine((list) => new Set(list).size === list.length, "must not repeat a scope")
      .openapi({ example: ["invoices:read", "invoices:write", "webhooks:manage"] }),
  })
  .strict()
  .openapi("ApiClientInput");

const ClientSchema = z
  .object({
    clientId: z.string().openapi({ example: "sc_4f1c2b9e0d8a7c6b5a4f3e2d" }),
    name: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiClient");

const CreatedClientSchema = ClientSchema.extend({
  clientSecret: z.string().nullable().openapi({
    description:
      "Shown once. A replay of the same Idempotency-Key returns null here (the secret is never stored): revoke and create another client if it was lost.",
  }),
}).openapi("ApiClientCreated");

const ClientIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^sc_[0-9a-f]{24}$/, "must be a client id (sc_ and 24 hex digits)")
    .openapi({ param: { name: "id", in: "path" }, example: "sc_4f1c2b9e0d8a7c6b5a4f3e2d" }),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An api_clients row as JSON (never the secret or its hash). */
function clientJson(row: Omit<ApiClientsTable, "secret_hash">): z.infer<typeof ClientSchema> {
  return {
    clientId: row.id,
    name: row.name,
    scopes: row.scopes.split(" ") as z.infer<typeof ClientSchema>["scopes"],
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

/** Replaces the one-time secret of a stored creation response with null. */
function withoutSecret(body: string): string {
  return JSON.stringify({ ...(JSON.parse(body) as object), clientSecret: null });
}

/** /api-clients: a signed-in user's OAuth2 clients (client credentials) for merchant servers. */
export function apiClientRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const auth = requireAuth(sessionSettings(deps), now);

  return newRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags: ["api-clients"],
        summary: "Create an OAuth2 client for a server: returns its client_id and a client_secret shown only this once",
        description:
          "Needs a signed-in user's session (not a client token). The secret is stored as a salted scrypt hash. Exchange the credentials at POST /oauth/token (grant_type=client_credentials). Accepts an Idempotency-Key header (a replay returns clientSecret: null).",
        middleware: [auth, idempotency(deps.db, now, withoutSecret)] as const,
        security: [{ bearer: [] }],
        request: {
          headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
          body: { required: true, content: { "application/json": { schema: CreateClientSchema } } },
        },
        responses: {
          201: { description: "Created", content: { "application/json": { schema: CreatedClientSchema } } },
          ...errorResponses(400, 401, 403, 409, 413, 415),
        },
      }),
      async (c) => {
        const { name, scopes } = c.req.valid("json");
        const secret = newClientSecret();
        const row: ApiClientsTable = {
          id: `sc_${randomBytes(12).toString("hex")}`,
          owner: c.get("auth").address,
          name,
          scopes: SCOPES.filter((s) => scopes.includes(s)).join(" "),
          secret_hash: await hashClientSecret(secret),
          created_at: now(),
          last_used_at: null,
          revoked_at: null,
        };
        await deps.db.insertInto("api_clients").values(row).execute();
        c.get("log").info({ clientId: row.id, owner: row.owner, scopes: row.scopes }, "api client created");
        c.header("Location", `/api-clients/${row.id}`);
        return c.json({ ...clientJson(row), clientSecret: secret }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["api-clients"],
        summary: "The signed-in user's API clients, newest first (revoked ones included; never a secret)",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        responses: {
          200: { description: "Clients", content: { "application/json": { schema: z.object({ items: z.array(ClientSchema) }) } } },
          ...errorResponses(401, 403),
        },
      }),
      async (c) => {
        const rows = await deps.db
          .selectFrom("api_clients")
          .select(["id", "owner", "name", "scopes", "created_at", "last_used_at", "revoked_at"])
          .where("owner", "=", c.get("auth").address)
          .orderBy("created_at", "desc")
          .orderBy("id")
          .limit(500)
          .execute();
        return c.json({ items: rows.map(clientJson) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags: ["api-clients"],
        summary: "Revoke an API client: it can get no new token and the tokens it already has stop working",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        request: { params: ClientIdParamSchema },
        responses: { 204: { description: "Revoked" }, ...errorResponses(400, 401, 403, 404) },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        const result = await deps.db
          .updateTable("api_clients")
          .set({ revoked_at: now() })
          .where("id", "=", id)
          .where("owner", "=", c.get("auth").address)
          .where("revoked_at", "is", null)
          .executeTakeFirst();
        if (result.numUpdatedRows !== 1n) throw new ApiError(404, "api_client_not_found", "No active API client with this id");
        forgetClientTokens(deps.db, id);
        c.get("log").info({ clientId: id }, "api client revoked");
        return c.body(null, 204);
      },
    );
}
