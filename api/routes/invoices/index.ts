import { createRoute, z } from "@hono/zod-openapi";
import { ZeroAddress } from "ethers";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { createInvoiceTx } from "../../services/escrow-tx";
import { idempotency } from "../../middleware/idempotency";
import { buildDraft, fieldError, sellerDetails } from "../../services/draft-builder";
import { findCustomer } from "../../services/customers";
import type { CustomerDetails } from "../../lib/legal-schemas";
import type { InvoiceRow } from "../../index/rows";
import type { InvoiceStatus } from "../../../core/invoice/status";
import { draftOf, loadDraft, locateInvoice, recordChainId } from "../../services/drafts";
import { creditNoteJson, draftJson, findInvoiceJson, invoiceJson } from "./json";
import { invoiceEmailsJson } from "./emails";
import { issueCreditNotes } from "../../services/credit-notes";
import {
  CreditNoteListSchema,
  CreatedSchema,
  DraftInputSchema,
  InvoiceEventSchema,
  InvoiceListQuerySchema,
  InvoiceListSchema,
  InvoiceSchema,
} from "./schemas";
import { InvoiceIdParamSchema } from "../../lib/schemas";
import { requireAuth } from "../../middleware/session";
import { sessionSettings } from "../../middleware/auth";
import { checkEscrowTerms } from "../../services/escrow-terms";
import { ChainIdQuerySchema, chainsOf } from "../../services/networks";
import { NO_CURRENCY, currencyToBytes3 } from "../../../core/invoice/currency";
import { checkDraftFeed } from "../../services/price-quote";
import { invoiceDocuments } from "../../services/invoice-document";
import { invoiceTaxUnit, stablecoinCurrency } from "../../../core/invoice/stablecoins";

/** /invoices: drafts with line items, their canonical hash and the unsigned createInvoice transaction. */
export function invoiceRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const read = requireAuth(sessionSettings(deps), now, "invoices:read");
  const write = requireAuth(sessionSettings(deps), now, "invoices:write");
  const documents = invoiceDocuments(deps, now);

  return newRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags: ["invoices"],
        summary: "Create an invoice draft; returns its canonical hash and the unsigned createInvoice transaction",
        description:
          "A draft priced in a currency (`currency`, amounts in hundredths of it) creates an invoice whose total is the price, paid in the token (or, with token 0x000…000, any token with a feed) converted at payment time. The API computes each line's net (quantity × unitPrice − discount), the tax of each rate on the sum of the nets at that rate (rounded half-up to a base unit, or to the cent when the amounts are in a currency: priced in one, or in a token config/stablecoins.json declares a stablecoin) and the gross (the on-chain amount), builds the canonical document (settle.invoice.v2: sorted-key JSON, see core/invoice/reference.ts), hashes it with keccak256 into the on-chain reference, and encodes PaymentEscrow.createInvoice for the signed-in merchant to send. Accepts an Idempotency-Key header.",
        middleware: [write, idempotency(deps.db, now)] as const,
        security: [{ bearer: [] }],
        request: {
          headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
          body: { required: true, content: { "application/json": { schema: DraftInputSchema } } },
        },
        responses: {
          201: { description: "Draft created", content: { "application/json": { schema: CreatedSchema } } },
          ...errorResponses(400, 401, 409, 413, 415, 503),
        },
      }),
      async (c) => {
        const merchant = c.get("auth").address;
        const input = c.req.valid("json");
        // The chain the invoice will be created on: its escrow and its node (400 unknown_chain for one not served).
        const { current: deployment, chain } = chainsOf(deps).require(input.chainId);
        const escrow = deployment.contracts.PaymentEscrow.address;
        const user = await deps.db.selectFrom("users").selectAll().where("address", "=", merchant).executeTakeFirst();
        const saved = input.customerId === undefined ? undefined : await findCustomer(deps.db, merchant, input.customerId);
        if (input.customerId !== undefined && !saved) throw fieldError("customerId", "is not one of your saved customers");
        const customer = saved ? (JSON.parse(saved.details) as CustomerDetails) : (input.customer ?? null);
        const { chainId, tokens: deployedTokens } = deployment;
        // The token's decimals matter only for a declared stablecoin: its taxes are rounded to the currency's cent.
        const declared = input.currency === undefined && stablecoinCurrency(chainId, input.token, deployedTokens) !== null;
        const token = declared ? await documents.tokenInfo(input.token, chainId) : { address: input.token, decimals: 0 };
        const taxUnit = invoiceTaxUnit({ chainId, token, pricedIn: input.currency, deployedTokens });
        const target = { chainId, escrow, seller: sellerDetails(user), customer, taxUnit };
        const { draft, items: rows, total } = buildDraft(input, merchant, target, now());
        const terms = await checkEscrowTerms(chain, escrow, input.token);
        if (terms.tokenProblem) throw fieldError("token", terms.tokenProblem);
        const maxFeeBps = input.maxFeeBps ?? terms.feeBps;
        if (maxFeeBps < terms.feeBps)
          throw fieldError("maxFeeBps", `is below the escrow's fee of ${terms.feeBps} bps now: the escrow would refuse the invoice`);
        if (input.currency !== undefined) await checkDraftFeed(chain, escrow, input.currency, input.token, total);
        const transaction = createInvoiceTx(
          {
            payer: draft.payer ?? ZeroAddress,
            token: input.token,
            amount: total,
            dueDate: BigInt(draft.due_date),
            disputeWindow: BigInt(input.disputeWindowSeconds),
            arbiter: draft.arbiter ?? ZeroAddress,
            maxFeeBps: BigInt(maxFeeBps),
            referenceHash: draft.reference,
            currency: input.currency === undefined ? NO_CURRENCY : currencyToBytes3(input.currency),
          },
          { to: escrow, chainId: deployment.chainId },
        );
        await deps.db.transaction().execute(async (trx) => {
          await trx.insertInto("invoice_drafts").values(draft).execute();
          await trx.insertInto("invoice_line_items").values(rows).execute();
        });
        c.header("Location", `/invoices/${draft.id}`);
        return c.json({ ...draftJson(draft, rows), transaction }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["invoices"],
        summary:
          "Invoices where the signed-in account is merchant or payer (from the index), of every chain or of `chainId`; status=draft lists drafts not yet on chain",
        middleware: [read] as const,
        security: [{ bearer: [] }],
        request: { query: InvoiceListQuerySchema },
        responses: {
          200: { description: "A page", content: { "application/json": { schema: InvoiceListSchema } } },
          ...errorResponses(400, 401, 503),
        },
      }),
      async (c) => {
        const q = c.req.valid("query");
        const me = c.get("auth").address;
        if (q.chainId !== undefined) chainsOf(deps).require(q.chainId);
        if (q.status?.includes("draft")) {
          if (q.status.length > 1)
            throw new ApiError(400, "validation_failed", "The request is invalid", [
              { in: "query", path: "status", message: "draft cannot be combined with other statuses" },
            ]);
          let query = deps.db.selectFrom("invoice_drafts").selectAll().where("merchant", "=", me).where("onchain_id", "is", null);
          if (q.token) query = query.where("token", "=", q.token);
          if (q.chainId !== undefined) query = query.where("chain_id", "=", q.chainId);
          if (q.from !== undefined) query = query.where("created_at", ">=", Number(q.from) * 1000);
          if (q.to !== undefined) query = query.where("created_at", "<", Number(q.to) * 1000);
          if (q.cursor !== undefined) {
            const [at, id] = q.cursor.split(":");
            if (!at || !id || !/^\d+$/.test(at)) throw new ApiError(400, "invalid_cursor", "Unknown cursor");
            query = query.where((eb) =>
              eb.or([eb("created_at", "<", Number(at)), eb.and([eb("created_at", "=", Number(at)), eb("id", "<", id)])]),
            );
          }
          const drafts = await query
            .orderBy("created_at", "desc")
            .orderBy("id", "desc")
            .limit(q.limit + 1)
            .execute();
          const page = drafts.slice(0, q.limit);
          const items = [];
          for (const d of page) {
            const loaded = (await loadDraft(deps.db, { id: d.id }))!;
            items.push(invoiceJson({ row: undefined, loaded }));
          }
          const last = page[page.length - 1];
          return c.json({ items, nextCursor: drafts.length > q.limit && last ? `${last.created_at}:${last.id}` : null }, 200);
        }
        const page = await deps.index.invoicesByAccount(me.toLowerCase(), {
          role: q.role,
          status: q.status as InvoiceStatus[] | undefined,
          token: q.token?.toLowerCase(),
          chainId: q.chainId,
          fromTimestamp: q.from,
          toTimestamp: q.to,
          cursor: q.cursor,
          limit: q.limit,
        });
        const items = [];
        for (const row of page.items) items.push(await merged(row));
        return c.json({ items, nextCursor: page.nextCursor }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags: ["invoices"],
        summary:
          "An invoice: on-chain state from the index merged with the off-chain details, whether they still match the reference, and (to its merchant) its emails",
        middleware: [read] as const,
        security: [{ bearer: [] }],
        request: { params: InvoiceIdParamSchema, query: ChainIdQuerySchema },
        responses: {
          200: { description: "Invoice", content: { "application/json": { schema: InvoiceSchema } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const invoice = await findInvoiceJson(deps, c.req.valid("param").id, now(), c.req.valid("query").chainId);
        const me = c.get("auth").address.toLowerCase();
        assertParty(invoice, me);
        const merchant = invoice.onchain?.merchant ?? invoice.details?.merchant;
        if (invoice.onchain && merchant?.toLowerCase() === me) {
          const first = chainsOf(deps).require(undefined).current.chainId;
          invoice.emails = await invoiceEmailsJson(deps.db, invoice.chainId, invoice.onchain.id, first);
        }
        return c.json(invoice, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/events",
        tags: ["invoices"],
        summary: "The invoice's on-chain events, oldest first",
        middleware: [read] as const,
        security: [{ bearer: [] }],
        request: { params: InvoiceIdParamSchema, query: ChainIdQuerySchema },
        responses: {
          200: { description: "Events", content: { "application/json": { schema: z.object({ items: z.array(InvoiceEventSchema) }) } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const invoice = await findInvoiceJson(deps, c.req.valid("param").id, now(), c.req.valid("query").chainId);
        assertParty(invoice, c.get("auth").address);
        if (!invoice.onchain) return c.json({ items: [] }, 200);
        const items = (await deps.index.invoiceEvents(BigInt(invoice.onchain.id), invoice.chainId)).map((e) => ({
          id: e.id,
          kind: e.kind,
          actor: e.actor,
          amount: e.amount === null ? null : e.amount.toString(),
          txHash: e.txHash,
          logIndex: e.logIndex,
          blockNumber: Number(e.blockNumber),
          timestamp: new Date(Number(e.timestamp) * 1000).toISOString(),
        }));
        return c.json({ items }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}/credit-notes",
        tags: ["invoices"],
        summary: "The invoice's credit notes: one per return of funds to the payer (refund, reclaim, payer's part of a split), numbered",
        middleware: [read] as const,
        security: [{ bearer: [] }],
        request: { params: InvoiceIdParamSchema, query: ChainIdQuerySchema },
        responses: {
          200: { description: "Credit notes, oldest first", content: { "application/json": { schema: CreditNoteListSchema } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const record = await locateInvoice(deps, c.req.valid("param").id, now(), c.req.valid("query").chainId);
        assertParty(invoiceJson(record), c.get("auth").address);
        const { row, loaded } = record;
        const events = row ? await deps.index.invoiceEvents(row.id, row.chainId) : [];
        const notes = row && loaded ? await issueCreditNotes(deps.db, row, loaded, events, now()) : [];
        return c.json({ items: notes.map((note) => creditNoteJson(note, recordChainId(record))) }, 200);
      },
    );

  /** On-chain row merged with the draft holding its details (linking the draft on the way). */
  async function merged(row: InvoiceRow): Promise<z.infer<typeof InvoiceSchema>> {
    return invoiceJson({ row, loaded: await draftOf(deps, row, now()) });
  }

  /** 403 unless the caller is the merchant, the payer or the arbiter (anyone signed in for an open invoice). */
  function assertParty(invoice: z.infer<typeof InvoiceSchema>, address: string): void {
    const a = address.toLowerCase();
    const parties = [
      invoice.onchain?.merchant,
      invoice.onchain?.payer,
      invoice.onchain?.arbiter,
      invoice.details?.merchant,
      invoice.details?.payer,
      invoice.details?.arbiter,
    ];
    if (parties.some((p) => p?.toLowerCase() === a)) return;
    const open = invoice.onchain ? invoice.onchain.payer === null : invoice.details?.payer === null;
    if (!open) throw new ApiError(403, "not_invoice_party", "Only the merchant, payer or arbiter can read this invoice");
  }
}
