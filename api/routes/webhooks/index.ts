import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from "../../db/types";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { idempotency } from "../../middleware/idempotency";
import { safeStatus } from "../../index/status";
import { requireAuth } from "../../middleware/session";
import { WEBHOOK_EVENT_TYPES, WebhookPayloadSchema } from "../../services/webhooks/events";
import { newWebhookSecret } from "../../services/webhooks/signature";
import { WebhookUrlError, checkWebhookUrl } from "../../services/webhooks/ssrf";
import { sessionSettings } from "../../middleware/auth";

const EndpointInputSchema = z
  .object({
    url: z.string().max(2048).openapi({ example: "https://shop.example/settle-webhooks" }),
    events: z
      .array(z.enum([...WEBHOOK_EVENT_TYPES, "*"]))
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length + 1)
      .refine((list) => new Set(list).size === list.length, "must not repeat an event type")
      .openapi({ example: ["invoice.paid", "invoice.released"], description: '"*" for every type' }),
    secret: z
      .string()
      .min(24)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
      .optional()
      .openapi({ description: "HMAC key of the signatures; generated (whsec_…) when absent" }),
    confirmations: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .openapi({ description: "Blocks an event needs before it is sent (default from WEBHOOK_CONFIRMATIONS)" }),
  })
  .strict()
  .openapi("WebhookEndpointInput");

const EndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    confirmations: z.number().int(),
    fromBlock: z.number().int().openapi({ description: "Events in later blocks are delivered" }),
    createdAt: z.string(),
  })
  .openapi("WebhookEndpoint");

const CreatedEndpointSchema = EndpointSchema.extend({ secret: z.string().openapi({ description: "Shown only here" }) }).openapi(
  "WebhookEndpointCreated",
);

const AttemptSchema = z.object({
  attempt: z.number().int(),
  startedAt: z.string(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  responseExcerpt: z.string().nullable(),
});

const DeliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string().openapi({ description: "The idempotency id of the event (the payload's id, header Settle-Event-Id)" }),
    type: z.string(),
    status: z.enum(["pending", "sending", "delivered", "failed", "cancelled"]),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    payload: z.unknown().openapi({ description: "The JSON body sent on every attempt" }),
    attemptLog: z.array(AttemptSchema),
  })
  .openapi("WebhookDelivery");

const IdParamSchema = z.object({
  id: z
    .string()
    .regex(/^wh_[0-9a-f]{32}$/, "must be a webhook id")
    .openapi({ param: { name: "id", in: "path" } }),
});
const DeliveryParamSchema = IdParamSchema.extend({
  deliveryId: z
    .string()
    .regex(/^whd_[0-9a-f]{32}$/, "must be a delivery id")
    .openapi({ param: { name: "deliveryId", in: "path" } }),
});
const DeliveriesQuerySchema = z.object({
  cursor: z.coerce.number().int().min(0).optional().openapi({ description: "nextCursor of the previous page" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function endpointJson(row: WebhookEndpointsTable): z.infer<typeof EndpointSchema> {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    confirmations: row.confirmations,
    fromBlock: row.from_block,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** /webhooks: a merchant's endpoints, their delivery log and manual redelivery (scope webhooks:manage). */
export function webhookRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const auth = requireAuth(sessionSettings(deps), now, "webhooks:manage");

  /** The caller's live endpoint `id`, or 404. */
  async function ownEndpoint(id: string, owner: string): Promise<WebhookEndpointsTable> {
    const row = await deps.db
      .selectFrom("webhook_endpoints")
      .selectAll()
      .where("id", "=", id)
      .where("owner", "=", owner)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    if (!row) throw new ApiError(404, "webhook_not_found", "No webhook endpoint with this id");
    return row;
  }

  async function deliveryJson(row: WebhookDeliveriesTable): Promise<z.infer<typeof DeliverySchema>> {
    const attempts = await deps.db
      .selectFrom("webhook_attempts")
      .selectAll()
      .where("delivery_id", "=", row.id)
      .orderBy("attempt")
      .execute();
    return {
      id: row.id,
      eventId: row.event_id,
      type: row.type,
      status: row.status as z.infer<typeof DeliverySchema>["status"],
      attempts: row.attempts,
      nextAttemptAt: iso(row.next_attempt_at),
      lastStatusCode: row.last_status_code,
      lastError: row.last_error,
      createdAt: new Date(row.created_at).toISOString(),
      deliveredAt: iso(row.delivered_at),
      payload: JSON.parse(row.body) as unknown,
      attemptLog: attempts.map((a) => ({
        attempt: a.attempt,
        startedAt: new Date(a.started_at).toISOString(),
        durationMs: a.duration_ms,
        statusCode: a.status_code,
        error: a.error,
        responseExcerpt: a.response_excerpt,
      })),
    };
  }

  const router = newRouter();
  router.openAPIRegistry.registerWebhook({
    method: "post",
    path: "/event",
    tags: ["webhooks"],
    summary: "What Settle POSTs to a registered endpoint",
    description:
      "Verify `Settle-Signature: t=<unix>,v1=<hex>` (HMAC-SHA256 of `<t>.<raw body>` with the endpoint's secret) before trusting the body, and ignore ids already handled: delivery is at least once. Any 2xx acknowledges; anything else, a redirect or no answer within the time limit is retried on the back-off schedule.",
    request: {
      headers: z.object({
        "settle-signature": z
          .string()
          .openapi({ example: "t=1800000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd" }),
        "settle-event-id": z.string(),
        "settle-event-type": z.string(),
        "settle-delivery-id": z.string(),
        "settle-delivery-attempt": z.string(),
      }),
      body: { required: true, content: { "application/json": { schema: WebhookPayloadSchema } } },
    },
    responses: { 200: { description: "Any 2xx acknowledges the delivery" } },
  });

  return router
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags: ["webhooks"],
        summary: "Register a webhook endpoint for events on the caller's invoices; returns its signing secret once",
        description:
          "Only http(s) URLs; in production (SETTLE_ENV=production) the host must resolve to public addresses only. Events in blocks after the currently indexed head are delivered once they have `confirmations` blocks. Accepts an Idempotency-Key header.",
        middleware: [auth, idempotency(deps.db, now)] as const,
        security: [{ bearer: [] }],
        request: {
          headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
          body: { required: true, content: { "application/json": { schema: EndpointInputSchema } } },
        },
        responses: {
          201: { description: "Registered", content: { "application/json": { schema: CreatedEndpointSchema } } },
          ...errorResponses(400, 401, 403, 409, 413, 415),
        },
      }),
      async (c) => {
        const input = c.req.valid("json");
        let url: URL;
        try {
          url = await checkWebhookUrl(input.url, deps.config);
        } catch (err) {
          if (!(err instanceof WebhookUrlError)) throw err;
          throw new ApiError(400, "webhook_url_not_allowed", `The URL ${err.message}`, [{ in: "json", path: "url", message: err.message }]);
        }
        const cursor = await deps.db.selectFrom("webhook_cursor").select("block_number").executeTakeFirst();
        const fromBlock = Number((await safeStatus(deps.index)).block?.number ?? cursor?.block_number ?? 0);
        const row: WebhookEndpointsTable = {
          id: `wh_${randomUUID().replace(/-/g, "")}`,
          owner: c.get("auth").address,
          url: url.href,
          events: JSON.stringify(input.events),
          secret: input.secret ?? newWebhookSecret(),
          confirmations: input.confirmations ?? deps.config.webhookConfirmations,
          from_block: fromBlock,
          enqueued_through: fromBlock,
          created_at: now(),
          deleted_at: null,
        };
        await deps.db.insertInto("webhook_endpoints").values(row).execute();
        c.get("log").info({ webhookId: row.id, owner: row.owner, events: input.events }, "webhook endpoint registered");
        c.header("Location", `/webhooks/${row.id}`);
        return c.json({ ...endpointJson(row), secret: row.secret }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["webhooks"],
        summary: "The caller's webhook endpoints (never the secrets)",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        responses: {
          200: { description: "Endpoints", content: { "application/json": { schema: z.object({ items: z.array(EndpointSchema) }) } } },
          ...errorResponses(401, 403),
        },
      }),
      async (c) => {
        const rows = await deps.db
          .selectFrom("webhook_endpoints")
          .selectAll()
          .where("owner", "=", c.get("auth").address)
          .where("deleted_at", "is", null)
          .orderBy("created_at", "desc")
          .limit(500)
          .execute();
        return c.json({ items: rows.map(endpointJson) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags: ["webhooks"],
        summary: "Remove a webhook endpoint; its pending deliveries are cancelled",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        request: { params: IdParamSchema },
        responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404) },
      }),
      async (c) => {
        const endpoint = await ownEndpoint(c.req.valid("param").id, c.get("auth").address);
        await deps.db.transaction().execute(async (trx) => {
          await trx.updateTable("webhook_endpoints").set({ deleted_at: now() }).where("id", "=", endpoint.id).execute();
          await trx
            .updateTable("webhook_deliveries")
            .set({ status: "cancelled", next_attempt_at: null })
            .where("endpoint_id", "=", endpoint.id)
            .where("status", "=", "pending")
            .execute();
        });
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/deliveries",
        tags: ["webhooks"],
        summary: "The endpoint's delivery log, newest first: payload, state and every attempt",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        request: { params: IdParamSchema, query: DeliveriesQuerySchema },
        responses: {
          200: {
            description: "A page",
            content: { "application/json": { schema: z.object({ items: z.array(DeliverySchema), nextCursor: z.string().nullable() }) } },
          },
          ...errorResponses(400, 401, 403, 404),
        },
      }),
      async (c) => {
        const endpoint = await ownEndpoint(c.req.valid("param").id, c.get("auth").address);
        const q = c.req.valid("query");
        let query = deps.db.selectFrom("webhook_deliveries").selectAll().where("endpoint_id", "=", endpoint.id);
        if (q.cursor !== undefined) query = query.where("seq", "<", q.cursor);
        const rows = await query
          .orderBy("seq", "desc")
          .limit(q.limit + 1)
          .execute();
        const page = rows.slice(0, q.limit);
        const items = [];
        for (const row of page) items.push(await deliveryJson(row));
        const last = page[page.length - 1];
        return c.json({ items, nextCursor: rows.length > q.limit && last ? String(last.seq) : null }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/{id}/deliveries/{deliveryId}/redeliver",
        tags: ["webhooks"],
        summary: "Send a delivery again now (same payload and event id), whatever its state",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        request: { params: DeliveryParamSchema },
        responses: {
          202: { description: "Queued", content: { "application/json": { schema: DeliverySchema } } },
          ...errorResponses(400, 401, 403, 404, 409),
        },
      }),
      async (c) => {
        const params = c.req.valid("param");
        const endpoint = await ownEndpoint(params.id, c.get("auth").address);
        const updated = await deps.db
          .updateTable("webhook_deliveries")
          .set({ status: "pending", next_attempt_at: now() })
          .where("id", "=", params.deliveryId)
          .where("endpoint_id", "=", endpoint.id)
          .where("status", "!=", "sending")
          .executeTakeFirst();
        const row = await deps.db
          .selectFrom("webhook_deliveries")
          .selectAll()
          .where("id", "=", params.deliveryId)
          .where("endpoint_id", "=", endpoint.id)
          .executeTakeFirst();
        if (!row) throw new ApiError(404, "delivery_not_found", "No delivery with this id for this endpoint");
        if (updated.numUpdatedRows !== 1n) throw new ApiError(409, "delivery_in_flight", "This delivery is being sent right now");
        return c.json(await deliveryJson(row), 202);
      },
    );
}
