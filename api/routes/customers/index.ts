import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { CustomerInputSchema } from "../../lib/legal-schemas";
import { requireAuth } from "../../middleware/session";
import { sessionSettings } from "../../middleware/auth";
import { customerJson, findCustomer } from "../../services/customers";

const CustomerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    address: z.record(z.string(), z.unknown()).nullable().optional(),
    vatNumber: z.string().nullable().optional(),
    companyNumber: z.string().nullable().optional(),
    email: z.string().nullable().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Customer");

const IdParamSchema = z.object({
  id: z.uuid("must be a customer id").openapi({ param: { name: "id", in: "path" } }),
});

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

/** /customers: the signed-in merchant's saved customers (legal details to pick on a draft), create, list, read, replace, delete. */
export function customerRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const read = requireAuth(sessionSettings(deps), now, "invoices:read");
  const write = requireAuth(sessionSettings(deps), now, "invoices:write");
  const notFound = () => new ApiError(404, "customer_not_found", "You have no saved customer with this id");

  return newRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags: ["customers"],
        summary: "Save a customer (VAT number shape per EU country, SIRET/SIREN Luhn check for a French address, email)",
        middleware: [write] as const,
        security: [{ bearer: [] }],
        request: { body: { required: true, ...json(CustomerInputSchema) } },
        responses: { 201: { description: "Saved", ...json(CustomerSchema) }, ...errorResponses(400, 401, 413, 415) },
      }),
      async (c) => {
        const time = now();
        const row = {
          id: randomUUID(),
          merchant: c.get("auth").address,
          details: JSON.stringify(c.req.valid("json")),
          created_at: time,
          updated_at: time,
        };
        await deps.db.insertInto("customers").values(row).execute();
        c.header("Location", `/customers/${row.id}`);
        return c.json(customerJson(row), 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["customers"],
        summary: "The signed-in merchant's saved customers, newest first",
        middleware: [read] as const,
        security: [{ bearer: [] }],
        responses: { 200: { description: "Customers", ...json(z.object({ items: z.array(CustomerSchema) })) }, ...errorResponses(401) },
      }),
      async (c) => {
        const rows = await deps.db
          .selectFrom("customers")
          .selectAll()
          .where("merchant", "=", c.get("auth").address)
          .orderBy("created_at", "desc")
          .limit(1000)
          .execute();
        return c.json({ items: rows.map(customerJson) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags: ["customers"],
        summary: "One saved customer",
        middleware: [read] as const,
        security: [{ bearer: [] }],
        request: { params: IdParamSchema },
        responses: { 200: { description: "Customer", ...json(CustomerSchema) }, ...errorResponses(400, 401, 404) },
      }),
      async (c) => {
        const row = await findCustomer(deps.db, c.get("auth").address, c.req.valid("param").id);
        if (!row) throw notFound();
        return c.json(customerJson(row), 200);
      },
    )
    .openapi(
      createRoute({
        method: "put",
        path: "/{id}",
        tags: ["customers"],
        summary: "Replace a saved customer's details (drafts already made keep the details they were made with)",
        middleware: [write] as const,
        security: [{ bearer: [] }],
        request: { params: IdParamSchema, body: { required: true, ...json(CustomerInputSchema) } },
        responses: { 200: { description: "Replaced", ...json(CustomerSchema) }, ...errorResponses(400, 401, 404, 413, 415) },
      }),
      async (c) => {
        const merchant = c.get("auth").address;
        const row = await findCustomer(deps.db, merchant, c.req.valid("param").id);
        if (!row) throw notFound();
        const updated = { ...row, details: JSON.stringify(c.req.valid("json")), updated_at: now() };
        await deps.db.updateTable("customers").set(updated).where("id", "=", row.id).execute();
        return c.json(customerJson(updated), 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}",
        tags: ["customers"],
        summary: "Delete a saved customer (drafts keep their copy of its details)",
        middleware: [write] as const,
        security: [{ bearer: [] }],
        request: { params: IdParamSchema },
        responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 404) },
      }),
      async (c) => {
        const merchant = c.get("auth").address;
        const result = await deps.db
          .deleteFrom("customers")
          .where("id", "=", c.req.valid("param").id)
          .where("merchant", "=", merchant)
          .executeTakeFirst();
        if (result.numDeletedRows === 0n) throw notFound();
        return c.body(null, 204);
      },
    );
}
