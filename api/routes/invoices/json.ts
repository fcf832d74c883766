import type { z } from "@hono/zod-openapi";
import type { CreditNotesTable, InvoiceDraftsTable, InvoiceLineItemsTable } from "../../db/types";
import { referenceMatches } from "../../../core/invoice/reference";
import type { TaxMention } from "../../../core/invoice/totals";
import { keccak256Utf8, orNull, termsMatch } from "../../documents/hash";
import type { InvoiceRow } from "../../index/rows";
import type { AppDeps } from "../../middleware/context";
import { type InvoiceRecord, locateInvoice, recordChainId } from "../../services/drafts";
import { chainFieldsOf } from "../../services/networks";
import type { CreditNoteSchema, DraftSchema, InvoiceSchema, OnchainSchema } from "./schemas";
import type { PricingSchema } from "./priced-schemas";
import type { DeliveryDetails } from "./mention-schemas";
import type { SupplyKind } from "../../../core/invoice/mentions";
import { formatPrice, formatRate } from "../../../core/invoice/currency";

/** A draft row with its line items, as JSON. */
export function draftJson(draft: InvoiceDraftsTable, items: InvoiceLineItemsTable[]): z.infer<typeof DraftSchema> {
  return {
    id: draft.id,
    number: draft.number,
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
    lineItems: items.map((i) => ({
      description: i.description,
      quantity: i.quantity,
      unitPrice: i.unit_price,
      discount: i.discount ?? "0",
      taxRate: i.tax_rate ?? "0",
      taxMention: (i.tax_mention as TaxMention | null) ?? null,
      amount: i.amount,
    })),
    subtotal: draft.subtotal ?? draft.total,
    taxes: draft.taxes === null ? [] : (JSON.parse(draft.taxes) as Array<{ rate: string; base: string; amount: string }>),
    total: draft.total,
    seller: draft.seller === null ? null : (JSON.parse(draft.seller) as Record<string, unknown>),
    customer: draft.customer === null ? null : (JSON.parse(draft.customer) as Record<string, unknown>),
    language: draft.language ?? "en",
    currency: draft.currency,
    delivery: draft.delivery ? (JSON.parse(draft.delivery) as DeliveryDetails) : null,
    supply: (draft.supply as SupplyKind | null) ?? null,
    onchainId: draft.onchain_id,
    detailsMatch: referenceMatches(draft.canonical, draft.reference, keccak256Utf8),
    createdAt: new Date(draft.created_at).toISOString(),
  };
}

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
    pricing: pricingJson(row),
  };
}

/** The price of an invoice priced in a currency and its payment's conversion as JSON; null for one priced in its token. */
export function pricingJson(row: InvoiceRow): z.infer<typeof PricingSchema> | null {
  const { pricing } = row;
  if (!pricing) return null;
  const price = formatPrice(pricing.price);
  const { rate } = pricing;
  return {
    currency: pricing.currency,
    price,
    display: `${price} ${pricing.currency}`,
    payment: rate && {
      token: row.token,
      tokenAmount: row.amount.toString(),
      rate: formatRate(rate.answer, rate.decimals),
      answer: rate.answer.toString(),
      feedDecimals: rate.decimals,
      roundId: rate.roundId.toString(),
    },
  };
}

/** An {@link InvoiceRecord} as the API's Invoice JSON. */
export function invoiceJson(record: InvoiceRecord): z.infer<typeof InvoiceSchema> {
  const { row, loaded } = record;
  const chainId = recordChainId(record);
  const chain = chainFieldsOf(chainId);
  const details = loaded ? draftJson(loaded.draft, loaded.items) : null;
  if (!row) return { id: loaded!.draft.id, ...chain, onchain: null, details, detailsMatch: null };
  return {
    id: row.id.toString(),
    ...chain,
    onchain: onchainJson(row),
    details,
    detailsMatch: loaded ? referenceMatches(loaded.draft.canonical, row.reference, keccak256Utf8) && termsMatch(loaded.draft, row) : null,
  };
}

/**
 * An invoice by on-chain id (index) or draft id (app database, merged with the chain once linked), on chain `chainId`
 * or the one chain that has it, as JSON; 404, 409 `ambiguous_id` or 400 `unknown_chain` otherwise (locateInvoice).
 */
export async function findInvoiceJson(deps: AppDeps, id: string, now: number, chainId?: number): Promise<z.infer<typeof InvoiceSchema>> {
  return invoiceJson(await locateInvoice(deps, id, now, chainId));
}

/** A credit note of an invoice on chain `chainId` as JSON. */
export function creditNoteJson(note: CreditNotesTable, chainId: number): z.infer<typeof CreditNoteSchema> {
  return {
    number: note.number,
    invoiceId: note.invoice_id,
    amount: note.amount,
    net: note.net,
    taxes: JSON.parse(note.taxes) as Array<{ rate: string; base: string; amount: string }>,
    txHash: note.tx_hash,
    blockNumber: note.block_number,
    issuedAt: new Date(note.issued_at * 1000).toISOString(),
    documentPath: `/invoices/${note.invoice_id}/document?chainId=${chainId}&creditNote=${encodeURIComponent(note.number)}`,
  };
}
