import { createRoute, z } from "@hono/zod-openapi";
import { getAddress } from "ethers";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { InvoiceIdParamSchema, ShareTokenSchema } from "../../lib/schemas";
import { EINVOICE_FORMATS } from "../../../core/einvoice";
import { documentSources } from "../../services/document-sources";
import { ChainIdQuerySchema, chainsOf } from "../../services/networks";
import { EinvoiceRefusal } from "../../../einvoice/refusal";
import { parseRemittanceReference } from "../../../einvoice/map";

const EinvoiceQuerySchema = ChainIdQuerySchema.extend({
  format: z.enum(EINVOICE_FORMATS).openapi({
    description: "facturx: the PDF/A-3 document carrying factur-x.xml (CII, EN 16931 profile); ubl: UBL 2.1; cii: UN/CEFACT CII",
  }),
  creditNote: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "The number of one of the invoice's credit notes (CN-…): that credit note's e-invoice" }),
  share: ShareTokenSchema.optional(),
});

const ReferenceQuerySchema = z.object({
  ref: z
    .string()
    .max(200)
    .refine((text) => parseRemittanceReference(text) !== undefined, "must be settle:<chainId>:<escrow address>:<on-chain invoice id>")
    .openapi({
      description: "The remittance reference an e-invoice's payment means carry",
      example: "settle:31337:0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512:12",
    }),
  share: ShareTokenSchema.optional(),
});

const ReferencedInvoiceSchema = z
  .object({
    id: z.string().openapi({ description: "On-chain invoice id" }),
    number: z.string().nullable().openapi({ description: "The merchant's invoice number" }),
    status: z.string(),
    document: z.string().openapi({ description: "Path of its HTML document" }),
    einvoice: z.string().openapi({ description: "Path of its Factur-X PDF (add &format=ubl or cii for the XML)" }),
  })
  .openapi("ReferencedInvoice");

const access =
  "Access as for the invoice's document: its merchant or payer (signed in), or anyone with `?share=<token>`. An invoice " +
  "that cannot be an e-invoice answers 422 with the reason's code: `not_a_currency` (its token is not declared a " +
  "stablecoin in config/stablecoins.json), `not_whole_cents`, `missing_detail` (not issued yet, or a legal detail the " +
  "standard requires is missing) or `invalid_text`.";

/**
 * /invoices/{id}/einvoice (an invoice's or credit note's e-invoice as Factur-X PDF, UBL or CII) and
 * /invoices/by-reference (an invoice found by the remittance reference an e-invoice's payment means carry).
 */
export function einvoiceRoutes(deps: AppDeps) {
  const { locate, authorizeDocument, einvoice } = documentSources(deps);

  return newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/by-reference",
        tags: ["documents"],
        summary: "The invoice an e-invoice's remittance reference (settle:<chainId>:<escrow>:<id>) names",
        description: "Access as for the invoice's document: its merchant or payer (signed in), or `?share=<token>`.",
        security: [{ bearer: [] }, {}] as Array<Record<string, string[]>>,
        request: { query: ReferenceQuerySchema },
        responses: {
          200: { description: "The invoice", content: { "application/json": { schema: ReferencedInvoiceSchema } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const { ref, share } = c.req.valid("query");
        const parsed = parseRemittanceReference(ref)!;
        // The reference names its chain and escrow: one of the served networks' deployments.
        const network = chainsOf(deps).find(parsed.chainId);
        const escrow = network?.current.contracts.PaymentEscrow.address;
        if (!escrow || getAddress(parsed.escrow) !== getAddress(escrow)) {
          const served = chainsOf(deps)
            .deployed()
            .map((n) => `escrow ${n.current.contracts.PaymentEscrow.address} on chain ${n.current.chainId}`)
            .join(", ");
          throw new ApiError(
            404,
            "reference_not_here",
            `This API serves ${served}; the reference names escrow ${parsed.escrow} on chain ${parsed.chainId}`,
          );
        }
        const record = await locate(parsed.onchainId, parsed.chainId);
        await authorizeDocument(c, record, share);
        const query = `?chainId=${parsed.chainId}${share === undefined ? "" : `&share=${share}`}`;
        const path = `/invoices/${parsed.onchainId}`;
        return c.json(
          {
            id: parsed.onchainId,
            number: record.loaded?.draft.number ?? null,
            status: record.row?.status ?? "draft",
            document: `${path}/document${query}`,
            einvoice: `${path}/einvoice${query}&format=facturx`,
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/einvoice",
        tags: ["documents"],
        summary: "The invoice (or one of its credit notes) as an EN 16931 e-invoice: Factur-X PDF, UBL 2.1 or CII",
        description: access,
        security: [{ bearer: [] }, {}] as Array<Record<string, string[]>>,
        request: { params: InvoiceIdParamSchema, query: EinvoiceQuerySchema },
        responses: {
          200: {
            description: "The e-invoice (Content-Disposition names the file)",
            content: {
              "application/pdf": { schema: z.string().openapi({ format: "binary", description: "format=facturx" }) },
              "application/xml": { schema: z.string().openapi({ description: "format=ubl or format=cii" }) },
            },
          },
          ...errorResponses(400, 401, 403, 404, 422, 503),
        },
      }),
      async (c) => {
        const { format, creditNote, share, chainId } = c.req.valid("query");
        const record = await locate(c.req.valid("param").id, chainId, share);
        await authorizeDocument(c, record, share);
        let file;
        try {
          file = await einvoice(record, format, creditNote);
        } catch (error) {
          if (error instanceof EinvoiceRefusal) throw new ApiError(422, error.code, error.message);
          throw error;
        }
        c.header("Cache-Control", "private, no-store");
        c.header("Content-Disposition", `attachment; filename="${file.fileName}"`);
        return c.body(new Uint8Array(file.bytes), 200, { "Content-Type": file.mediaType });
      },
    );
}
