import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { Interface, ZeroAddress } from "ethers";
import type { AppDb } from "../db";
import type { InvoiceDraftsTable, InvoiceLineItemsTable } from "../db/types";
import { type AppDeps, newRouter } from "../lib/context";
import { ApiError, errorResponses } from "../lib/errors";
import { encodeCall, maxUint } from "../lib/escrow-tx";
import { idempotency } from "../lib/idempotency";
import { type InvoiceDocument, computeTotals, invoiceReference, orNull, referenceMatches, termsMatch } from "../lib/invoice-hash";
import { INVOICE_STATUSES as ON_CHAIN_STATUSES, type InvoiceStatus } from "../../core/invoice/status";
import type { IndexReader } from "../index/reader";
import type { InvoiceRow } from "../index/rows";
import { safeStatus } from "../index/status";
import { AddressSchema, Uint256Schema } from "../lib/schemas";
import { TimeSchema } from "./transactions";
import { requireAuth } from "../lib/session";
import { sessionSettings } from "./auth";
import { fromNode, requireDeployment } from "./blockchain";

/** Longest dispute window a draft may ask for (90 days; the escrow enforces its own MAX_DISPUTE_WINDOW too). */
const MAX_DISPUTE_WINDOW = 90 * 24 * 3600;
/** PaymentEscrow stores amounts as uint96 (EscrowAmountTooLarge above it). */
export const MAX_INVOICE_AMOUNT = 2n ** 96n - 1n;

const description = z
  .string()
  .transform((v) => v.normalize("NFC").trim())
  .pipe(
    z
      .string()
      .min(1, "must not be empty")
      .max(500)
      .regex(/^[^\p{Cc}\p{Cs}]*$/u, "must not contain control characters"),
  );

const LineItemInputSchema = z
  .object({
    description,
    quantity: z.number().int("must be a whole number").min(1).max(1_000_000_000),
    unitPrice: Uint256Schema.openapi({ description: "Price of one unit in the token's smallest unit (decimal string)" }),
  })
  .strict();

const DraftInputSchema = z
  .object({
    token: AddressSchema.openapi({ description: "ERC-20 address, or 0x0000000000000000000000000000000000000000 for ETH" }),
    payer: AddressSchema.nullable().optional().openapi({ description: "Who must pay; absent or null: anyone" }),
    arbiter: AddressSchema.nullable().optional(),
    dueDate: z.iso.datetime({ offset: true }).openapi({ example: "2030-01-31T23:59:59Z" }),
    disputeWindowSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_DISPUTE_WINDOW)
      .default(7 * 24 * 3600),
    lineItems: z.array(LineItemInputSchema).min(1).max(100),
    notes: z
      .string()
      .transform((v) => v.normalize("NFC"))
      .pipe(
        z
          .string()
          .max(2000)
          .regex(/^[^\p{Cs}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/u, "must not contain control characters"),
      )
      .nullable()
      .optional(),
  })
  .strict()
  .openapi("InvoiceDraftInput");

const UnsignedTxSchema = z
  .object({ action: z.string(), to: z.string(), data: z.string(), value: z.string(), chainId: z.number().int() })
  .openapi("UnsignedTransaction");

const LineItemSchema = z.object({ description: z.string(), quantity: z.string(), unitPrice: z.string(), amount: z.string() });

const DraftSchema = z
  .object({
    id: z.string().openapi({ description: "Draft id (UUID)" }),
    reference: z.string().openapi({ description: "keccak256 of `canonical`: the invoice's on-chain reference" }),
    canonical: z.string().openapi({ description: "The canonical JSON text that was hashed (settle.invoice.v1)" }),
    merchant: z.string(),
    payer: z.string().nullable(),
    arbiter: z.string().nullable(),
    token: z.string(),
    chainId: z.number().int(),
    escrow: z.string(),
    dueDate: z.string(),
    notes: z.string().nullable(),
    lineItems: z.array(LineItemSchema),
    total: z.string(),
    onchainId: z.string().nullable().openapi({ description: "On-chain invoice id once the index has seen the reference" }),
    detailsMatch: z.boolean().openapi({ description: "The stored details still hash to the reference" }),
    createdAt: z.string(),
  })
  .openapi("InvoiceDraft");

const CreatedSchema = DraftSchema.extend({ transaction: UnsignedTxSchema }).openapi("InvoiceDraftCreated");

/** A draft row with its line items, as JSON. */
export function draftJson(draft: InvoiceDraftsTable, items: InvoiceLineItemsTable[]): z.infer<typeof DraftSchema> {
  return {
    id: draft.id,
    reference: draft.reference,
    canonical: draft.canonical,
    merchant: draft.merchant,
    payer: draft.payer,
    arbiter: draft.arbiter,
    token: draft.token,
    chainId: draft.chain_id,
    escrow: draft.escrow,
    dueDate: new Date(draft.due_date * 1000).toISOString(),
    notes: draft.notes,
    lineItems: items.map((i) => ({ description: i.description, quantity: i.quantity, unitPrice: i.unit_price, amount: i.amount })),
    total: draft.total,
    onchainId: draft.onchain_id,
    detailsMatch: referenceMatches(draft.canonical, draft.reference),
    createdAt: new Date(draft.created_at).toISOString(),
  };
}

/** A draft and its line items by draft id or by reference, or undefined. */
export async function loadDraft(db: AppDb, by: { id: string } | { reference: string } | { onchainId: string }) {
  let query = db.selectFrom("invoice_drafts").selectAll();
  if ("id" in by) query = query.where("id", "=", by.id);
  else if ("reference" in by) query = query.where("reference", "=", by.reference.toLowerCase());
  else query = query.where("onchain_id", "=", by.onchainId);
  const draft = await query.executeTakeFirst();
  if (!draft) return undefined;
  const items = await db.selectFrom("invoice_line_items").selectAll().where("draft_id", "=", draft.id).orderBy("position").execute();
  return { draft, items };
}

const OnchainSchema = z
  .object({
    id: z.string(),
    merchant: z.string(),
    payer: z.string().nullable(),
    arbiter: z.string().nullable(),
    token: z.string(),
    amount: z.string(),
    paid: z.string(),
    released: z.string(),
    refunded: z.string(),
    status: z.string(),
    dueDate: z.string(),
    reference: z.string(),
    createdAt: z.string(),
    createdBlock: z.number().int(),
    createdTxHash: z.string(),
    updatedBlock: z.number().int(),
  })
  .openapi("OnchainInvoice");

const InvoiceSchema = z
  .object({
    id: z.string().openapi({ description: "On-chain id, or the draft id while not on chain" }),
    onchain: OnchainSchema.nullable(),
    details: DraftSchema.nullable().openapi({ description: "Off-chain details (line items, notes) when this API holds them" }),
    detailsMatch: z
      .boolean()
      .nullable()
      .openapi({ description: "The details hash to the on-chain reference (null when either side is missing)" }),
  })
  .openapi("Invoice");

const InvoiceListSchema = z.object({ items: z.array(InvoiceSchema), nextCursor: z.string().nullable() }).openapi("InvoicePage");

const InvoiceEventSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    actor: z.string().nullable(),
    amount: z.string().nullable(),
    txHash: z.string(),
    logIndex: z.number().int(),
    blockNumber: z.number().int(),
    timestamp: z.string(),
  })
  .openapi("InvoiceEvent");

/** Invoice statuses (PaymentEscrow's Status in snake case), plus draft for drafts not on chain yet. */
const INVOICE_STATUSES = ["draft", ...ON_CHAIN_STATUSES] as const;

const InvoiceListQuerySchema = z.object({
  role: z.enum(["merchant", "payer", "any"]).default("any"),
  status: z
    .string()
    .max(200)
    .transform((v, ctx) => {
      const list = v.split(",").map((x) => x.trim().toLowerCase());
      const bad = list.filter((x) => !(INVOICE_STATUSES as readonly string[]).includes(x));
      if (bad.length > 0) {
        ctx.addIssue({ code: "custom", message: `unknown status(es); one of ${INVOICE_STATUSES.join(", ")}` });
        return z.NEVER;
      }
      return list;
    })
    .optional()
    .openapi({ type: "string", example: "created,paid" }),
  token: AddressSchema.optional(),
  from: TimeSchema.optional(),
  to: TimeSchema.optional(),
  cursor: z
    .string()
    .max(200)
    .regex(/^[\w:.-]+$/, "must be a nextCursor from a previous page")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** { id } path parameter: an on-chain invoice id or a draft id. */
export const InvoiceIdParamSchema = z.object({
  id: z
    .string()
    .regex(
      /^(0|[1-9]\d{0,77})$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      "must be an on-chain invoice id or a draft id",
    )
    .openapi({ param: { name: "id", in: "path" }, example: "1" }),
});

/** Escrow actions POST /invoices/:id/transactions can prepare. */
export const INVOICE_ACTIONS = [
  "pay",
  "release",
  "claim",
  "refund",
  "reclaim",
  "cancel",
  "dispute",
  "resolve",
  "proposeSettlement",
  "acceptSettlement",
  "withdraw",
] as const;

const ActionBodySchema = z
  .object({
    action: z.enum(INVOICE_ACTIONS),
    amount: Uint256Schema.optional().openapi({
      description: "pay: defaults to what is still due; release/refund: defaults to everything held",
    }),
    toMerchant: Uint256Schema.optional().openapi({
      description: "resolve, proposeSettlement, acceptSettlement: the merchant's gross share",
    }),
    toPayer: Uint256Schema.optional().openapi({ description: "resolve: the payer's share (defaults to held − toMerchant)" }),
  })
  .strict()
  .openapi("InvoiceAction");

const ERC20 = new Interface([
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
]);

/** On-chain invoice row as JSON. */
export function onchainJson(row: InvoiceRow): z.infer<typeof OnchainSchema> {
  return {
    id: row.id.toString(),
    merchant: row.merchant,
    payer: orNull(row.payer),
    arbiter: orNull(row.arbiter),
    token: row.token,
    amount: row.amount.toString(),
    paid: row.paid.toString(),
    released: row.released.toString(),
    refunded: row.refunded.toString(),
    status: row.status,
    dueDate: new Date(Number(row.dueDate) * 1000).toISOString(),
    reference: row.reference,
    createdAt: new Date(Number(row.createdTimestamp) * 1000).toISOString(),
    createdBlock: Number(row.createdBlock),
    createdTxHash: row.createdTxHash,
    updatedBlock: Number(row.updatedBlock),
  };
}

/** Records that the draft with `row.reference` became on-chain invoice `row.id`. */
export async function linkDraft(db: AppDb, row: InvoiceRow, now: number): Promise<void> {
  await db
    .updateTable("invoice_drafts")
    .set({ onchain_id: row.id.toString(), linked_at: now })
    .where("reference", "=", row.reference.toLowerCase())
    .where("onchain_id", "is", null)
    .execute();
}

/**
 * Links drafts whose reference the index has seen created on chain (run periodically by main.ts,
 * and on reads). Returns how many were linked.
 */
export async function linkPendingDrafts(db: AppDb, index: IndexReader, now: number, max = 200): Promise<number> {
  if (!safeStatus(index).ready) return 0;
  const pending = await db
    .selectFrom("invoice_drafts")
    .select("reference")
    .where("onchain_id", "is", null)
    .orderBy("created_at", "desc")
    .limit(max)
    .execute();
  let linked = 0;
  for (const { reference } of pending) {
    const row = index.invoiceByReference(reference);
    const loaded = row ? await loadDraft(db, { reference }) : undefined;
    if (row && loaded && termsMatch(loaded.draft, row)) {
      await linkDraft(db, row, now);
      linked += 1;
    }
  }
  return linked;
}

/** A draft and its line items, as {@link loadDraft} returns them. */
export type LoadedDraft = NonNullable<Awaited<ReturnType<typeof loadDraft>>>;

/** An invoice as the API knows it: its on-chain row (absent while a draft), its details (absent when not held here). */
export interface InvoiceRecord {
  row: InvoiceRow | undefined;
  loaded: LoadedDraft | undefined;
}

/** The draft holding the details of on-chain invoice `row` (linking it when its terms match), or undefined. */
async function draftOf(deps: AppDeps, row: InvoiceRow, now: number): Promise<LoadedDraft | undefined> {
  const linked = await loadDraft(deps.db, { onchainId: row.id.toString() });
  if (linked) return linked;
  const candidate = await loadDraft(deps.db, { reference: row.reference });
  if (!candidate || !termsMatch(candidate.draft, row)) return undefined;
  await linkDraft(deps.db, row, now);
  candidate.draft.onchain_id = row.id.toString();
  return candidate;
}

/**
 * Finds an invoice by on-chain id (the index, with the draft that holds its details) or by draft id
 * (app.sqlite, with its on-chain row once created with the same terms).
 *
 * @throws ApiError 404 when neither exists
 */
export async function locateInvoice(deps: AppDeps, id: string, now: number): Promise<InvoiceRecord> {
  if (/^\d+$/.test(id)) {
    const row = deps.index.invoice(BigInt(id));
    if (!row) throw new ApiError(404, "invoice_not_found", `No invoice ${id} on chain`);
    return { row, loaded: await draftOf(deps, row, now) };
  }
  const loaded = await loadDraft(deps.db, { id });
  if (!loaded) throw new ApiError(404, "invoice_not_found", "No invoice draft with this id");
  const onchain = safeStatus(deps.index).ready
    ? loaded.draft.onchain_id !== null
      ? deps.index.invoice(BigInt(loaded.draft.onchain_id))
      : deps.index.invoiceByReference(loaded.draft.reference)
    : undefined;
  if (onchain && (loaded.draft.onchain_id !== null || termsMatch(loaded.draft, onchain))) {
    return { row: onchain, loaded: await draftOf(deps, onchain, now) };
  }
  return { row: undefined, loaded };
}

/** An {@link InvoiceRecord} as the API's Invoice JSON. */
function invoiceJson({ row, loaded }: InvoiceRecord): z.infer<typeof InvoiceSchema> {
  const details = loaded ? draftJson(loaded.draft, loaded.items) : null;
  if (!row) return { id: loaded!.draft.id, onchain: null, details, detailsMatch: null };
  return {
    id: row.id.toString(),
    onchain: onchainJson(row),
    details,
    detailsMatch: loaded ? referenceMatches(loaded.draft.canonical, row.reference) && termsMatch(loaded.draft, row) : null,
  };
}

/** /invoices: drafts with line items, their canonical hash and the unsigned createInvoice transaction. */
export function invoiceRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const read = requireAuth(sessionSettings(deps), now, "invoices:read");
  const write = requireAuth(sessionSettings(deps), now, "invoices:write");

  return newRouter()
    .openapi(
      createRoute({
        method: "post",
        path: "/",
        tags: ["invoices"],
        summary: "Create an invoice draft; returns its canonical hash and the unsigned createInvoice transaction",
        description:
          "The API computes each line's amount (quantity × unitPrice) and the total, builds the canonical document (settle.invoice.v1: sorted-key JSON, see api/lib/invoice-hash.ts), hashes it with keccak256 into the on-chain reference, and encodes PaymentEscrow.createInvoice for the signed-in merchant to send. Accepts an Idempotency-Key header.",
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
        const input = c.req.valid("json");
        const merchant = c.get("auth").address;
        const deployment = requireDeployment(deps);
        const abi = deps.abis.PaymentEscrow;
        if (!abi) throw new ApiError(503, "escrow_abi_missing", "PaymentEscrow's ABI is not available: compile the contracts");
        const escrow = deployment.contracts.PaymentEscrow.address;
        const time = now();
        const dueDate = Math.floor(Date.parse(input.dueDate) / 1000);
        const fieldError = (path: string, message: string) =>
          new ApiError(400, "validation_failed", "The request is invalid", [{ in: "json", path, message }]);
        if (dueDate * 1000 <= time) throw fieldError("dueDate", "must be in the future");
        const payer = input.payer ?? null;
        const arbiter = input.arbiter ?? null;
        if (payer === merchant) throw fieldError("payer", "must not be the merchant");
        if (arbiter !== null && (arbiter === merchant || arbiter === payer))
          throw fieldError("arbiter", "must be neither the merchant nor the payer");
        if (payer === ZeroAddress) throw fieldError("payer", "use null for an invoice anyone may pay");

        const items = input.lineItems.map((i) => ({ ...i, quantity: BigInt(i.quantity), unitPrice: BigInt(i.unitPrice) }));
        const { amounts, total } = computeTotals(items);
        if (total === 0n) throw fieldError("lineItems", "the total must be greater than zero");
        const max = maxUint(abi, "createInvoice", "amount");
        if (total > (max < MAX_INVOICE_AMOUNT ? max : MAX_INVOICE_AMOUNT))
          throw fieldError("lineItems", "the total is larger than the escrow accepts");

        const id = randomUUID();
        const doc: InvoiceDocument = {
          schema: "settle.invoice.v1",
          draftId: id,
          chainId: deployment.chainId,
          escrow,
          merchant,
          payer,
          arbiter,
          token: input.token,
          dueDate,
          lineItems: items.map((i, n) => ({
            description: i.description,
            quantity: i.quantity.toString(),
            unitPrice: i.unitPrice.toString(),
            amount: amounts[n]!.toString(),
          })),
          total: total.toString(),
          notes: input.notes ?? null,
        };
        const { canonical, reference } = invoiceReference(doc);
        const transaction = encodeCall(abi, "createInvoice", escrow, deployment.chainId, {
          merchant,
          payer: payer ?? ZeroAddress,
          token: input.token,
          amount: total,
          dueDate: BigInt(dueDate),
          disputeWindow: BigInt(input.disputeWindowSeconds),
          arbiter: arbiter ?? ZeroAddress,
          reference,
        });

        const draft: InvoiceDraftsTable = {
          id,
          merchant,
          payer,
          arbiter,
          token: input.token,
          chain_id: deployment.chainId,
          escrow,
          due_date: dueDate,
          notes: doc.notes,
          total: doc.total,
          reference,
          canonical,
          onchain_id: null,
          linked_at: null,
          created_at: time,
        };
        const rows: InvoiceLineItemsTable[] = doc.lineItems.map((i, position) => ({
          draft_id: id,
          position,
          description: i.description,
          quantity: i.quantity,
          unit_price: i.unitPrice,
          amount: i.amount,
        }));
        await deps.db.transaction().execute(async (trx) => {
          await trx.insertInto("invoice_drafts").values(draft).execute();
          await trx.insertInto("invoice_line_items").values(rows).execute();
        });
        c.header("Location", `/invoices/${id}`);
        return c.json({ ...draftJson(draft, rows), transaction }, 201);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["invoices"],
        summary: "Invoices where the signed-in account is merchant or payer (from the index); status=draft lists drafts not yet on chain",
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
        if (q.status?.includes("draft")) {
          if (q.status.length > 1)
            throw new ApiError(400, "validation_failed", "The request is invalid", [
              { in: "query", path: "status", message: "draft cannot be combined with other statuses" },
            ]);
          let query = deps.db.selectFrom("invoice_drafts").selectAll().where("merchant", "=", me).where("onchain_id", "is", null);
          if (q.token) query = query.where("token", "=", q.token);
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
            items.push({ id: d.id, onchain: null, details: draftJson(loaded.draft, loaded.items), detailsMatch: null });
          }
          const last = page[page.length - 1];
          return c.json({ items, nextCursor: drafts.length > q.limit && last ? `${last.created_at}:${last.id}` : null }, 200);
        }
        const page = deps.index.invoicesByAccount(me.toLowerCase(), {
          role: q.role,
          status: q.status as InvoiceStatus[] | undefined,
          token: q.token?.toLowerCase(),
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
        summary: "An invoice: on-chain state from the index merged with the off-chain details, and whether they still match the reference",
        middleware: [read] as const,
        security: [{ bearer: [] }],
        request: { params: InvoiceIdParamSchema },
        responses: {
          200: { description: "Invoice", content: { "application/json": { schema: InvoiceSchema } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const invoice = await findInvoice(c.req.valid("param").id);
        assertParty(invoice, c.get("auth").address);
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
        request: { params: InvoiceIdParamSchema },
        responses: {
          200: { description: "Events", content: { "application/json": { schema: z.object({ items: z.array(InvoiceEventSchema) }) } } },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      }),
      async (c) => {
        const invoice = await findInvoice(c.req.valid("param").id);
        assertParty(invoice, c.get("auth").address);
        if (!invoice.onchain) return c.json({ items: [] }, 200);
        const items = deps.index.invoiceEvents(BigInt(invoice.onchain.id)).map((e) => ({
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
        method: "post",
        path: "/{id}/transactions",
        tags: ["invoices"],
        summary:
          "The unsigned escrow transaction(s) for the caller: pay (with approve first when the allowance is short), release, refund, ...",
        middleware: [write] as const,
        security: [{ bearer: [] }],
        request: { params: InvoiceIdParamSchema, body: { required: true, content: { "application/json": { schema: ActionBodySchema } } } },
        responses: {
          200: {
            description: "Transactions to send in order",
            content: {
              "application/json": { schema: z.object({ transactions: z.array(UnsignedTxSchema) }).openapi("InvoiceTransactions") },
            },
          },
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503),
        },
      }),
      async (c) => {
        const body = c.req.valid("json");
        const me = c.get("auth").address;
        const invoice = await findInvoice(c.req.valid("param").id);
        const onchain = invoice.onchain;
        if (!onchain)
          throw new ApiError(409, "invoice_not_onchain", "This draft is not on chain yet: send its createInvoice transaction first");
        const deployment = requireDeployment(deps);
        const abi = deps.abis.PaymentEscrow;
        if (!abi) throw new ApiError(503, "escrow_abi_missing", "PaymentEscrow's ABI is not available: compile the contracts");
        const escrow = deployment.contracts.PaymentEscrow.address;
        const id = BigInt(onchain.id);
        const lower = me.toLowerCase();
        const is = (who: string | null) => who !== null && who.toLowerCase() === lower;
        const transactions = [];

        if (body.action === "pay") {
          if (onchain.payer !== null && !is(onchain.payer))
            throw new ApiError(403, "not_invoice_payer", "Only the invoice's payer can pay it");
          const owed = BigInt(onchain.amount) - BigInt(onchain.paid);
          if (owed <= 0n) throw new ApiError(409, "invoice_already_paid", "Nothing is left to pay on this invoice");
          const amount = body.amount === undefined ? owed : BigInt(body.amount);
          if (amount === 0n || amount > owed)
            throw new ApiError(400, "validation_failed", "The request is invalid", [
              { in: "json", path: "amount", message: `must be between 1 and ${owed}` },
            ]);
          if (BigInt(onchain.token) === 0n) {
            transactions.push(encodeCall(abi, "payNative", escrow, deployment.chainId, { invoiceId: id, amount }, amount));
          } else {
            const raw = await fromNode(deps.chain.call(onchain.token, ERC20.encodeFunctionData("allowance", [me, escrow])));
            let allowance: bigint;
            try {
              allowance = ERC20.decodeFunctionResult("allowance", raw)[0] as bigint;
            } catch {
              throw new ApiError(
                409,
                "token_unreadable",
                "The invoice's token does not answer allowance(): it is not an ERC-20 on this chain",
              );
            }
            if (allowance < amount) {
              transactions.push({
                action: "approve",
                to: onchain.token,
                data: ERC20.encodeFunctionData("approve", [escrow, amount]),
                value: "0",
                chainId: deployment.chainId,
              });
            }
            transactions.push(encodeCall(abi, "pay", escrow, deployment.chainId, { invoiceId: id, amount }));
          }
        } else {
          const roles: Record<Exclude<(typeof INVOICE_ACTIONS)[number], "pay">, Array<string | null>> = {
            release: [onchain.payer],
            claim: [onchain.merchant],
            refund: [onchain.merchant],
            reclaim: [onchain.payer],
            cancel: [onchain.merchant],
            dispute: [onchain.payer],
            resolve: [onchain.arbiter],
            proposeSettlement: [onchain.merchant, onchain.payer],
            acceptSettlement: [onchain.merchant, onchain.payer],
            withdraw: [onchain.merchant, onchain.payer, onchain.arbiter],
          };
          if (!roles[body.action].some(is))
            throw new ApiError(403, "not_allowed_for_invoice", `The signed-in account cannot ${body.action} this invoice`);
          const held = BigInt(onchain.paid) - BigInt(onchain.released) - BigInt(onchain.refunded);
          const amount = body.amount === undefined ? held : BigInt(body.amount);
          const needsSplit = body.action === "resolve" || body.action === "proposeSettlement" || body.action === "acceptSettlement";
          if (needsSplit && body.toMerchant === undefined) {
            throw new ApiError(400, "validation_failed", "The request is invalid", [
              { in: "json", path: "toMerchant", message: `is required to ${body.action}` },
            ]);
          }
          const toMerchant = body.toMerchant === undefined ? 0n : BigInt(body.toMerchant);
          const toPayer = body.toPayer === undefined ? held - toMerchant : BigInt(body.toPayer);
          if (needsSplit && (toMerchant > held || toPayer < 0n)) {
            throw new ApiError(400, "validation_failed", "The request is invalid", [
              { in: "json", path: "toMerchant", message: `must be at most ${held} (held)` },
            ]);
          }
          transactions.push(
            encodeCall(abi, body.action, escrow, deployment.chainId, { invoiceId: id, amount, toMerchant, toPayer, token: onchain.token }),
          );
        }
        return c.json({ transactions }, 200);
      },
    );

  /** On-chain row merged with the draft holding its details (linking the draft on the way). */
  async function merged(row: InvoiceRow): Promise<z.infer<typeof InvoiceSchema>> {
    return invoiceJson({ row, loaded: await draftOf(deps, row, now()) });
  }

  /** By on-chain id (index) or draft id (app.sqlite, merged with the chain once linked); 404 otherwise. */
  async function findInvoice(id: string): Promise<z.infer<typeof InvoiceSchema>> {
    return invoiceJson(await locateInvoice(deps, id, now()));
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
