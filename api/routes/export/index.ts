import { createRoute, z } from "@hono/zod-openapi";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { TimeSchema } from "../../lib/schemas";
import { requireAuth } from "../../middleware/session";
import { sessionSettings } from "../../middleware/auth";
import { linkPendingDrafts } from "../../jobs/draft-linker";
import { issuePendingCreditNotes } from "../../jobs/credit-notes";
import { EXPORT_FORMATS, exportFile } from "../../services/accounting-export";

const ExportQuerySchema = z.object({
  from: TimeSchema.openapi({ description: "Start (inclusive): ISO 8601 or unix seconds" }),
  to: TimeSchema.openapi({ description: "End (exclusive)" }),
  format: z.enum(EXPORT_FORMATS).default("csv").openapi({
    description:
      "csv: the CSV alone; facturx, ubl or cii: a ZIP of the CSV (with an einvoice column) and each document's e-invoice in that format",
  }),
});

/** GET /invoices/export: the signed-in merchant's invoices and credit notes of a period for an accountant: CSV, or a ZIP with their e-invoices. */
export function exportRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const read = requireAuth(sessionSettings(deps), now, "invoices:read");
  return newRouter().openapi(
    createRoute({
      method: "get",
      path: "/export",
      tags: ["invoices"],
      summary:
        "The merchant's numbered invoices (created on chain in [from, to)) and credit notes (issued then): CSV, or a ZIP with their e-invoices",
      description:
        "One row per invoice and per credit note: kind, number, the invoice a credit note refers to, dates, customer and VAT number, token, net, one tax_<rate> column per rate, gross, paid, released, refunded, fees, status, the chain (chain_id and chain_name: invoice ids repeat across chains), on-chain id, transaction hashes and payments (`<amount>@<tx hash>` per payment). Amounts are in the token's base units (they reconcile with the index to the unit); a credit note's amounts are what it credits. With format facturx, ubl or cii the answer is a ZIP holding the CSV, with an einvoice column (the file name in the ZIP, or the refusal code: not_a_currency, not_whole_cents, missing_detail, invalid_text), and each document's e-invoice, the same file GET /invoices/{id}/einvoice serves.",
      middleware: [read] as const,
      security: [{ bearer: [] }],
      request: { query: ExportQuerySchema },
      responses: {
        200: {
          description: "The CSV (RFC 4180, UTF-8), or the ZIP (Content-Disposition names the file)",
          content: {
            "text/csv": { schema: z.string().openapi({ description: "format=csv" }) },
            "application/zip": { schema: z.string().openapi({ format: "binary", description: "format=facturx, ubl or cii" }) },
          },
        },
        ...errorResponses(400, 401, 503),
      },
    }),
    async (c) => {
      const { from, to, format } = c.req.valid("query");
      if (to <= from)
        throw new ApiError(400, "validation_failed", "The request is invalid", [
          { in: "query", path: "to", message: "must be after from" },
        ]);
      const time = now();
      await linkPendingDrafts(deps.db, deps.index, time);
      await issuePendingCreditNotes(deps.db, deps.index, time);
      const file = await exportFile(deps, c.get("auth").address, from, to, format);
      c.header("Content-Disposition", `attachment; filename="${file.fileName}"`);
      return c.body(new Uint8Array(file.bytes), 200, { "Content-Type": file.mediaType });
    },
  );
}
