import { createRoute, z } from "@hono/zod-openapi";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { TimeSchema } from "../../lib/schemas";
import { csvDocument } from "../../lib/csv";
import { requireAuth } from "../../middleware/session";
import { sessionSettings } from "../../middleware/auth";
import { linkPendingDrafts } from "../../jobs/draft-linker";
import { issuePendingCreditNotes } from "../../jobs/credit-notes";
import { exportRows } from "../../services/accounting-export";

const ExportQuerySchema = z.object({
  from: TimeSchema.openapi({ description: "Start (inclusive): ISO 8601 or unix seconds" }),
  to: TimeSchema.openapi({ description: "End (exclusive)" }),
  format: z.enum(["csv"]).default("csv"),
});

/** GET /invoices/export: the signed-in merchant's invoices and credit notes of a period, as CSV for an accountant. */
export function exportRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const read = requireAuth(sessionSettings(deps), now, "invoices:read");
  return newRouter().openapi(
    createRoute({
      method: "get",
      path: "/export",
      tags: ["invoices"],
      summary: "The merchant's numbered invoices (created on chain in [from, to)) and credit notes (issued then) as CSV",
      description:
        "One row per invoice and per credit note: kind, number, the invoice a credit note refers to, dates, customer and VAT number, token, net, one tax_<rate> column per rate, gross, paid, released, refunded, fees, status, on-chain id and transaction hashes. Amounts are in the token's base units (they reconcile with the index to the unit); a credit note's amounts are what it credits.",
      middleware: [read] as const,
      security: [{ bearer: [] }],
      request: { query: ExportQuerySchema },
      responses: {
        200: { description: "CSV (RFC 4180, UTF-8)", content: { "text/csv": { schema: z.string() } } },
        ...errorResponses(400, 401, 503),
      },
    }),
    async (c) => {
      const { from, to } = c.req.valid("query");
      if (to <= from)
        throw new ApiError(400, "validation_failed", "The request is invalid", [
          { in: "query", path: "to", message: "must be after from" },
        ]);
      const time = now();
      await linkPendingDrafts(deps.db, deps.index, time);
      await issuePendingCreditNotes(deps.db, deps.index, time);
      const { columns, rows } = await exportRows(deps.db, deps.index, c.get("auth").address, from, to);
      c.header("Content-Disposition", `attachment; filename="settle-invoices-${from}-${to}.csv"`);
      return c.body(csvDocument(columns, rows), 200, { "Content-Type": "text/csv; charset=utf-8" });
    },
  );
}
