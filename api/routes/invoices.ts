import { randomUUID } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { ZeroAddress } from "ethers";
import type { AppDb } from "../db";
import type { InvoiceDraftsTable, InvoiceLineItemsTable } from "../db/types";
import { type AppDeps, newRouter } from "../lib/context";
import { ApiError, errorResponses } from "../lib/errors";
import { encodeCall, maxUint } from "../lib/escrow-tx";
import { idempotency } from "../lib/idempotency";
import { type InvoiceDocument, computeTotals, invoiceReference, referenceMatches } from "../lib/invoice-hash";
import { AddressSchema, Uint256Schema } from "../lib/schemas";
import { requireAuth } from "../lib/session";
import { sessionSettings } from "./auth";
import { requireDeployment } from "./blockchain";

/** Longest dispute window a draft may ask for (90 days). */
const MAX_DISPUTE_WINDOW = 90 * 24 * 3600;

const description = z
  .string()
  .transform((v) => v.normalize("NFC").trim())
  .pipe(z.string().min(1, "must not be empty").max(500).regex(/^[^\p{Cc}\p{Cs}]*$/u, "must not contain control characters"));

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
    disputeWindowSeconds: z.number().int().min(0).max(MAX_DISPUTE_WINDOW).default(7 * 24 * 3600),
    lineItems: z.array(LineItemInputSchema).min(1).max(100),
    notes: z
      .string()
      .transform((v) => v.normalize("NFC"))
      .pipe(z.string().max(2000).regex(/^[^\p{Cs}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/u, "must not contain control characters"))
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

/** /invoices: drafts with line items, their canonical hash and the unsigned createInvoice transaction. */
export function invoiceRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const auth = requireAuth(sessionSettings(deps), now);

  return newRouter().openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["invoices"],
      summary: "Create an invoice draft; returns its canonical hash and the unsigned createInvoice transaction",
      description:
        "The API computes each line's amount (quantity × unitPrice) and the total, builds the canonical document (settle.invoice.v1: sorted-key JSON, see api/lib/invoice-hash.ts), hashes it with keccak256 into the on-chain reference, and encodes PaymentEscrow.createInvoice for the signed-in merchant to send. Accepts an Idempotency-Key header.",
      middleware: [auth, idempotency(deps.db, now)] as const,
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
      const fieldError = (path: string, message: string) => new ApiError(400, "validation_failed", "The request is invalid", [{ in: "json", path, message }]);
      if (dueDate * 1000 <= time) throw fieldError("dueDate", "must be in the future");
      const payer = input.payer ?? null;
      const arbiter = input.arbiter ?? null;
      if (payer === merchant) throw fieldError("payer", "must not be the merchant");
      if (arbiter !== null && (arbiter === merchant || arbiter === payer)) throw fieldError("arbiter", "must be neither the merchant nor the payer");
      if (payer === ZeroAddress) throw fieldError("payer", "use null for an invoice anyone may pay");

      const items = input.lineItems.map((i) => ({ ...i, quantity: BigInt(i.quantity), unitPrice: BigInt(i.unitPrice) }));
      const { amounts, total } = computeTotals(items);
      if (total === 0n) throw fieldError("lineItems", "the total must be greater than zero");
      if (total > maxUint(abi, "createInvoice", "amount")) throw fieldError("lineItems", "the total is larger than the escrow accepts");

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
  );
}
