import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ShareLinksTable } from "../../db/types";
import { type AppDeps, type AppEnv, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { DOCUMENT_CSP, renderInvoiceHtml } from "../../documents/html";
import { requireAuth } from "../../middleware/session";
import { sessionSettings } from "../../middleware/auth";
import { InvoiceIdParamSchema, NO_CONTROL_CHARACTERS, ShareTokenSchema } from "../../lib/schemas";
import { createShareLink, invoiceKey, linkActive, linkOpens, shareLinkUrl } from "../../services/share-links";
import { documentSources } from "../../services/document-sources";
import { ChainIdQuerySchema } from "../../services/networks";

const DocumentQuerySchema = ChainIdQuerySchema.extend({
  share: ShareTokenSchema.optional(),
  creditNote: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "The number of one of the invoice's credit notes (CN-…): that credit note instead of the invoice" }),
});

const ShareLinkSchema = z
  .object({
    id: z.string().openapi({ description: "Link id (UUID), for DELETE" }),
    label: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    active: z.boolean().openapi({ description: "Not revoked and not expired" }),
  })
  .openapi("ShareLink");

const ShareLinkCreatedSchema = ShareLinkSchema.extend({
  token: z.string().openapi({ description: "Shown once: only its SHA-256 is stored" }),
  url: z.string().openapi({ description: "The HTML document with the token" }),
  pdfUrl: z.string().openapi({ description: "The PDF with the token" }),
}).openapi("ShareLinkCreated");

const ShareLinkInputSchema = z
  .object({
    label: z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, "must not contain control characters").optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional().openapi({ description: "When the link stops working (default: never)" }),
  })
  .strict()
  .openapi("ShareLinkInput");

const LinkParamSchema = InvoiceIdParamSchema.extend({
  linkId: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a share link id")
    .openapi({ param: { name: "linkId", in: "path" } }),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function linkJson(link: ShareLinksTable, now: number): z.infer<typeof ShareLinkSchema> {
  return {
    id: link.id,
    label: link.label,
    createdAt: iso(link.created_at)!,
    expiresAt: iso(link.expires_at),
    revokedAt: iso(link.revoked_at),
    lastUsedAt: iso(link.last_used_at),
    active: linkActive(link, now),
  };
}

/**
 * /invoices/:id/document (HTML), /invoices/:id/document.pdf and /invoices/:id/share-links: the
 * invoice as a printable document for its merchant, its payer, or whoever holds a share link.
 */
export function documentRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const auth = requireAuth(sessionSettings(deps), now);
  const { locate, authorizeDocument, assertMerchant, documents, firstChainId } = documentSources(deps);

  const documentHeaders = (c: Context<AppEnv>) => {
    c.header("Content-Security-Policy", DOCUMENT_CSP);
    c.header("Cache-Control", "private, no-store");
    c.header("X-Robots-Tag", "noindex");
  };

  const documentAccess =
    "The invoice's merchant or payer (signed in: bearer token or session cookie), or anyone with `?share=<token>` from POST /invoices/{id}/share-links.";

  return newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/document",
        tags: ["documents"],
        summary: "The invoice as a printable, self-contained HTML page, with whether its details match the on-chain reference",
        description: documentAccess,
        security: [{ bearer: [] }, {}] as Array<Record<string, string[]>>,
        request: { params: InvoiceIdParamSchema, query: DocumentQuerySchema },
        responses: {
          200: { description: "HTML (no external resources; prints on A4)", content: { "text/html": { schema: z.string() } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const { chainId, share } = c.req.valid("query");
        const record = await locate(c.req.valid("param").id, chainId, share);
        await authorizeDocument(c, record, share);
        const html = renderInvoiceHtml(await documents.model(record, c.req.valid("query").creditNote));
        documentHeaders(c);
        return c.html(html, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/document.pdf",
        tags: ["documents"],
        summary: "The same invoice document as a PDF (A4, embedded font)",
        description: documentAccess,
        security: [{ bearer: [] }, {}] as Array<Record<string, string[]>>,
        request: { params: InvoiceIdParamSchema, query: DocumentQuerySchema },
        responses: {
          200: { description: "PDF", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const { chainId, share } = c.req.valid("query");
        const record = await locate(c.req.valid("param").id, chainId, share);
        await authorizeDocument(c, record, share);
        const model = await documents.model(record, c.req.valid("query").creditNote);
        const pdf = await documents.pdf(model);
        documentHeaders(c);
        c.header("Content-Disposition", `inline; filename="${documents.fileName(model)}"`);
        return c.body(new Uint8Array(pdf), 200, { "Content-Type": "application/pdf" });
      },
    )
    .openapi(
      createRoute({
        method: "post",
        path: "/{id}/share-links",
        tags: ["documents"],
        summary: "Create a share link to the invoice's documents (merchant only); the token is shown once",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        request: {
          params: InvoiceIdParamSchema,
          query: ChainIdQuerySchema,
          body: { required: false, content: { "application/json": { schema: ShareLinkInputSchema } } },
        },
        responses: {
          201: { description: "Link created", content: { "application/json": { schema: ShareLinkCreatedSchema } } },
          ...errorResponses(400, 401, 403, 404, 413, 415, 503),
        },
      }),
      async (c) => {
        const record = await locate(c.req.valid("param").id, c.req.valid("query").chainId);
        const me = c.get("auth").address;
        assertMerchant(record, me);
        const input = c.req.valid("json") ?? {};
        const time = now();
        const expiresAt = input.expiresAt === undefined ? null : Date.parse(input.expiresAt);
        if (expiresAt !== null && expiresAt <= time) {
          throw new ApiError(400, "validation_failed", "The request is invalid", [
            { in: "json", path: "expiresAt", message: "must be in the future" },
          ]);
        }
        const { link, token } = await createShareLink(deps.db, record, me, { label: input.label ?? null, expiresAt }, time);
        return c.json(
          {
            ...linkJson(link, time),
            token,
            url: shareLinkUrl(deps.config.publicOrigin, record, token, ""),
            pdfUrl: shareLinkUrl(deps.config.publicOrigin, record, token, ".pdf"),
          },
          201,
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/share-links",
        tags: ["documents"],
        summary: "The invoice's share links, newest first (merchant only; tokens are never shown again)",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        request: { params: InvoiceIdParamSchema, query: ChainIdQuerySchema },
        responses: {
          200: { description: "Links", content: { "application/json": { schema: z.object({ items: z.array(ShareLinkSchema) }) } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const record = await locate(c.req.valid("param").id, c.req.valid("query").chainId);
        assertMerchant(record, c.get("auth").address);
        const links = await deps.db
          .selectFrom("share_links")
          .selectAll()
          .where("invoice_key", "=", invoiceKey(record))
          .orderBy("created_at", "desc")
          .orderBy("id", "desc")
          .execute();
        const time = now();
        const first = firstChainId();
        const mine = links.filter((link) => linkOpens(link, record, first));
        return c.json({ items: mine.map((link) => linkJson(link, time)) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "delete",
        path: "/{id}/share-links/{linkId}",
        tags: ["documents"],
        summary: "Revoke a share link (merchant only): its token stops working at once",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        request: { params: LinkParamSchema, query: ChainIdQuerySchema },
        responses: { 204: { description: "Revoked (or already revoked)" }, ...errorResponses(400, 401, 403, 404, 503) },
      }),
      async (c) => {
        const { id, linkId } = c.req.valid("param");
        const record = await locate(id, c.req.valid("query").chainId);
        assertMerchant(record, c.get("auth").address);
        const link = await deps.db
          .selectFrom("share_links")
          .selectAll()
          .where("id", "=", linkId)
          .where("invoice_key", "=", invoiceKey(record))
          .executeTakeFirst();
        if (!link || !linkOpens(link, record, firstChainId()))
          throw new ApiError(404, "share_link_not_found", "This invoice has no share link with this id");
        await deps.db
          .updateTable("share_links")
          .set({ revoked_at: now() })
          .where("id", "=", linkId)
          .where("revoked_at", "is", null)
          .execute();
        return c.body(null, 204);
      },
    );
}
