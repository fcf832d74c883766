import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Interface, getAddress, isError } from "ethers";
import type { ShareLinksTable, UsersTable } from "../../db/types";
import { type AppDeps, type AppEnv, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { IndexNotReadyError } from "../../index/errors";
import { safeStatus } from "../../index/status";
import { type DocumentInputs, type InvoiceDocumentModel, type TokenInfo, buildInvoiceDocument } from "../../documents/model";
import { buildCreditNoteDocument } from "../../documents/credit-note";
import { issueCreditNotes } from "../../services/credit-notes";
import { DOCUMENT_CSP, renderInvoiceHtml } from "../../documents/html";
import { renderInvoicePdf } from "../../documents/pdf";
import { type AuthInfo, assertScope, authenticate, requireAuth, tokenOf } from "../../middleware/session";
import { TtlCache } from "../../lib/ttl-cache";
import { sessionSettings } from "../../middleware/auth";
import { requireDeployment } from "../../services/node";
import { InvoiceIdParamSchema, NO_CONTROL_CHARACTERS } from "../../lib/schemas";
import { locateInvoice } from "../../services/drafts";
import type { InvoiceRecord } from "../../services/drafts";

/** Bytes of randomness in a share token (256 bits), sent as 43 base64url characters. */
const SHARE_TOKEN_BYTES = 32;

const ShareTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "must be a share token (43 base64url characters)")
  .openapi({ description: "A share link's token", example: "q3v1b2Jm6cJ2m3Xo0n0Zr2b0eYwq8yA9mTQ1d1G4K7s" });

const DocumentQuerySchema = z.object({
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

const ERC20_METADATA = new Interface(["function symbol() view returns (string)", "function decimals() view returns (uint8)"]);
const ETH: Omit<TokenInfo, "address"> = { symbol: "ETH", decimals: 18 };

/** SHA-256 (hex) of a share token: what share_links stores. */
function hashShareToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** What share links of an invoice are filed under: its draft id when the API holds its details, else its on-chain id. */
function invoiceKey(record: InvoiceRecord): string {
  return record.loaded ? record.loaded.draft.id : `onchain:${record.row!.id}`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function linkJson(link: ShareLinksTable, now: number): z.infer<typeof ShareLinkSchema> {
  return {
    id: link.id,
    label: link.label,
    createdAt: iso(link.created_at)!,
    expiresAt: iso(link.expires_at),
    revokedAt: iso(link.revoked_at),
    lastUsedAt: iso(link.last_used_at),
    active: link.revoked_at === null && (link.expires_at === null || link.expires_at > now),
  };
}

/**
 * /invoices/:id/document (HTML), /invoices/:id/document.pdf and /invoices/:id/share-links: the
 * invoice as a printable document for its merchant, its payer, or whoever holds a share link.
 */
export function documentRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const settings = sessionSettings(deps);
  const auth = requireAuth(settings, now);
  const tokens = new TtlCache<TokenInfo>(3600_000, 1000);

  /** The invoice, once the index can answer (a draft is never called "not on chain" while it is still building). */
  async function locate(id: string): Promise<InvoiceRecord> {
    if (!(await safeStatus(deps.index)).ready) throw new IndexNotReadyError("building", "the index is being built");
    return locateInvoice(deps, id, now());
  }

  const isParty = (record: InvoiceRecord, address: string, roles: Array<"merchant" | "payer">) => {
    const a = address.toLowerCase();
    const candidates = roles.flatMap((role) => [record.row?.[role], record.loaded?.draft[role]]);
    return candidates.some((p) => typeof p === "string" && p.toLowerCase() === a);
  };

  /** Lets the merchant or payer (signed in) or a valid share link through; 401/403 otherwise. */
  async function authorizeDocument(c: Context<AppEnv>, record: InvoiceRecord, share: string | undefined): Promise<void> {
    let caller: AuthInfo | undefined;
    try {
      const token = tokenOf(c);
      caller = token ? await authenticate(settings, token, now()) : undefined;
    } catch (err) {
      // A stale cookie must not get in the way of a share link; without one, the 401 stands.
      if (share === undefined) throw err;
    }
    if (caller && isParty(record, caller.address, ["merchant", "payer"])) {
      assertScope(c, caller, "invoices:read");
      return;
    }
    if (share !== undefined) {
      const time = now();
      const link = await deps.db.selectFrom("share_links").selectAll().where("token_hash", "=", hashShareToken(share)).executeTakeFirst();
      if (link && link.invoice_key === invoiceKey(record) && linkJson(link, time).active) {
        await deps.db.updateTable("share_links").set({ last_used_at: time }).where("id", "=", link.id).execute();
        return;
      }
      throw new ApiError(
        403,
        "share_link_invalid",
        "This share link is not valid for this invoice: it was revoked, has expired or never existed",
      );
    }
    if (!caller)
      throw new ApiError(401, "unauthenticated", "Sign in as the invoice's merchant or payer, or open it with a share link (?share=…)");
    throw new ApiError(403, "not_invoice_party", "Only the invoice's merchant or payer, or a share link, can open this document");
  }

  /** 403 unless the signed-in caller is the invoice's merchant. */
  function assertMerchant(record: InvoiceRecord, address: string): void {
    if (!isParty(record, address, ["merchant"]))
      throw new ApiError(403, "not_invoice_merchant", "Only the invoice's merchant can manage its share links");
  }

  /** Symbol and decimals of the invoice's token (ETH for the zero address), from the token contract. */
  async function tokenInfo(address: string, chainId: number): Promise<TokenInfo> {
    const checksummed = getAddress(address);
    if (BigInt(address) === 0n) return { address: checksummed, ...ETH };
    const key = `${chainId}:${checksummed}`;
    const cached = tokens.get(key, now());
    if (cached) return cached;
    // A revert or an empty answer means "no such function"; anything else means the node is not answering.
    const read = async (fn: "symbol" | "decimals"): Promise<unknown> => {
      try {
        return ERC20_METADATA.decodeFunctionResult(fn, await deps.chain.call(checksummed, ERC20_METADATA.encodeFunctionData(fn)))[0];
      } catch (err) {
        if (isError(err, "CALL_EXCEPTION") || isError(err, "BAD_DATA")) return undefined;
        throw new ApiError(503, "node_unreachable", "The node did not answer");
      }
    };
    const [symbolValue, decimalsValue] = await Promise.all([read("symbol"), read("decimals")]);
    const symbol = typeof symbolValue === "string" ? symbolValue.replace(/[^\p{L}\p{N}._-]/gu, "").slice(0, 16) : "";
    const decimals = typeof decimalsValue === "bigint" ? Number(decimalsValue) : undefined;
    // Without usable metadata, amounts stay in base units, named by the address.
    const info: TokenInfo =
      decimals === undefined || decimals > 36
        ? { address: checksummed, symbol: `units of ${checksummed.slice(0, 8)}…`, decimals: 0 }
        : { address: checksummed, symbol: symbol || `${checksummed.slice(0, 8)}…`, decimals };
    tokens.set(key, info, now());
    return info;
  }

  /** Gathers everything the model needs and builds it: the invoice's, or that of its credit note `creditNote`. */
  async function documentModel(record: InvoiceRecord, creditNote?: string): Promise<InvoiceDocumentModel> {
    const deployment = requireDeployment(deps);
    const { row, loaded } = record;
    const merchant = row?.merchant ?? loaded!.draft.merchant;
    const payer = row?.payer ?? loaded?.draft.payer ?? null;
    const profile = async (address: string | null): Promise<UsersTable | undefined> =>
      address === null ? undefined : deps.db.selectFrom("users").selectAll().where("address", "=", getAddress(address)).executeTakeFirst();
    const events = row ? await deps.index.invoiceEvents(row.id) : [];
    const inputs: DocumentInputs = {
      draft: loaded,
      row,
      events,
      profiles: { merchant: await profile(merchant), payer: await profile(payer) },
      token: await tokenInfo(row?.token ?? loaded!.draft.token, deployment.chainId),
      chainId: deployment.chainId,
      escrow: deployment.contracts.PaymentEscrow.address,
      generatedAt: now(),
    };
    if (creditNote === undefined) return buildInvoiceDocument(inputs);
    const notes = row && loaded ? await issueCreditNotes(deps.db, row, loaded, events, now()) : [];
    const note = notes.find((n) => n.number === creditNote);
    if (!note) throw new ApiError(404, "credit_note_not_found", `This invoice has no credit note ${creditNote}`);
    return buildCreditNoteDocument(inputs, note);
  }

  const documentHeaders = (c: Context<AppEnv>) => {
    c.header("Content-Security-Policy", DOCUMENT_CSP);
    c.header("Cache-Control", "private, no-store");
    c.header("X-Robots-Tag", "noindex");
  };

  const fileName = (m: InvoiceDocumentModel) =>
    m.status.code === "credit_note" ? `credit-note-${m.number}.pdf` : `invoice-${m.onchainId ?? m.draftId}.pdf`;

  const linkUrl = (record: InvoiceRecord, token: string, suffix: string) =>
    `${deps.config.publicOrigin}/invoices/${record.loaded?.draft.id ?? record.row!.id}/document${suffix}?share=${token}`;

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
        const record = await locate(c.req.valid("param").id);
        await authorizeDocument(c, record, c.req.valid("query").share);
        const html = renderInvoiceHtml(await documentModel(record, c.req.valid("query").creditNote));
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
        const record = await locate(c.req.valid("param").id);
        await authorizeDocument(c, record, c.req.valid("query").share);
        const model = await documentModel(record, c.req.valid("query").creditNote);
        const pdf = await renderInvoicePdf(model);
        documentHeaders(c);
        c.header("Content-Disposition", `inline; filename="${fileName(model)}"`);
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
          body: { required: false, content: { "application/json": { schema: ShareLinkInputSchema } } },
        },
        responses: {
          201: { description: "Link created", content: { "application/json": { schema: ShareLinkCreatedSchema } } },
          ...errorResponses(400, 401, 403, 404, 413, 415, 503),
        },
      }),
      async (c) => {
        const record = await locate(c.req.valid("param").id);
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
        const token = randomBytes(SHARE_TOKEN_BYTES).toString("base64url");
        const link: ShareLinksTable = {
          id: randomUUID(),
          invoice_key: invoiceKey(record),
          token_hash: hashShareToken(token),
          created_by: me,
          label: input.label ?? null,
          created_at: time,
          expires_at: expiresAt,
          revoked_at: null,
          last_used_at: null,
        };
        await deps.db.insertInto("share_links").values(link).execute();
        return c.json({ ...linkJson(link, time), token, url: linkUrl(record, token, ""), pdfUrl: linkUrl(record, token, ".pdf") }, 201);
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
        request: { params: InvoiceIdParamSchema },
        responses: {
          200: { description: "Links", content: { "application/json": { schema: z.object({ items: z.array(ShareLinkSchema) }) } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const record = await locate(c.req.valid("param").id);
        assertMerchant(record, c.get("auth").address);
        const links = await deps.db
          .selectFrom("share_links")
          .selectAll()
          .where("invoice_key", "=", invoiceKey(record))
          .orderBy("created_at", "desc")
          .orderBy("id", "desc")
          .execute();
        const time = now();
        return c.json({ items: links.map((link) => linkJson(link, time)) }, 200);
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
        request: { params: LinkParamSchema },
        responses: { 204: { description: "Revoked (or already revoked)" }, ...errorResponses(400, 401, 403, 404, 503) },
      }),
      async (c) => {
        const { id, linkId } = c.req.valid("param");
        const record = await locate(id);
        assertMerchant(record, c.get("auth").address);
        const link = await deps.db
          .selectFrom("share_links")
          .select("id")
          .where("id", "=", linkId)
          .where("invoice_key", "=", invoiceKey(record))
          .executeTakeFirst();
        if (!link) throw new ApiError(404, "share_link_not_found", "This invoice has no share link with this id");
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
