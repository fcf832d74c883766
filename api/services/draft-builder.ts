import { randomUUID } from "node:crypto";
import { ZeroAddress } from "ethers";
import type { InvoiceDraftsTable, InvoiceLineItemsTable, UsersTable } from "../db/types";
import type { CustomerDetails } from "../lib/legal-schemas";
import { ApiError } from "../lib/errors";
import { type CanonicalValue, type InvoiceDocumentV2, canonicalJson, invoiceReference } from "../../core/invoice/reference";
import { computeInvoiceTotals } from "../../core/invoice/totals";
import { MAX_INVOICE_AMOUNT } from "../../core/invoice/limits";
import { keccak256Utf8 } from "../documents/hash";
import type { TaxMention } from "../../core/invoice/totals";
import type { Locale } from "../../core/labels";
import type { SupplyKind } from "../../core/invoice/mentions";
import type { DeliveryDetails } from "../routes/invoices/mention-schemas";

/** A draft ready to store: its row, its line rows and the canonical document with its hash. */
export interface BuiltDraft {
  draft: InvoiceDraftsTable;
  items: InvoiceLineItemsTable[];
  total: bigint;
}

/** A draft request as the route's zod schema leaves it (text normalized, defaults applied, rates normalized). */
export interface DraftInput {
  token: string;
  payer?: string | null;
  arbiter?: string | null;
  /** ISO 8601. */
  dueDate: string;
  customer?: CustomerDetails | null;
  /** The language of the documents (the customer's). */
  language: Locale;
  lineItems: Array<{
    description: string;
    quantity: number;
    unitPrice: string;
    discount: string;
    taxRate: string;
    taxMention?: TaxMention | null;
  }>;
  notes?: string | null;
  /** The delivery place; dropped when its address is the customer's billing address. */
  delivery?: DeliveryDetails | null;
  /** What the invoice covers. */
  supply?: SupplyKind | null;
  /**
   * An ISO 4217 code when the draft is priced in that currency: `unitPrice` and `discount` are then in hundredths of
   * it and the total is the on-chain price (core/invoice/currency); `token` may be the zero address for any token.
   */
  currency?: string;
}

/** Where the draft will be created (this API's chain and escrow) and the parties' legal details it snapshots. */
export interface DraftTarget {
  chainId: number;
  escrow: string;
  /** The merchant's legal details now ({@link sellerDetails}). */
  seller: SellerDetails | null;
  /** The customer: entered on the draft or chosen from the saved list. */
  customer: CustomerDetails | null;
  /** The base units each rate's tax is rounded to (core/invoice/stablecoins invoiceTaxUnit). */
  taxUnit: bigint;
}

/** The merchant's legal details as a document shows them. */
export interface SellerDetails {
  /** Display name (a person), shown above the legal name like a profile. */
  name: string | null;
  legalName: string | null;
  address: CustomerDetails["address"];
  vatNumber: string | null;
  /** The profile's free-form tax id (outside the EU VAT rules). */
  taxId: string | null;
  companyNumber: string | null;
  email: string | null;
  paymentTerms: string | null;
  footer: string | null;
  /** The late-payment penalty rate in words; absent: the legal minimum (core/invoice/mentions). */
  latePenalty?: string;
  /** Present (true) when the merchant opted to pay VAT on debits. */
  vatOnDebits?: true;
}

/** The legal details of merchant `user` (null when it has given none). */
export function sellerDetails(user: UsersTable | undefined): SellerDetails | null {
  if (!user) return null;
  const details: SellerDetails = {
    name: user.display_name,
    legalName: user.company,
    address: user.billing_address === null ? null : (JSON.parse(user.billing_address) as CustomerDetails["address"]),
    vatNumber: user.vat_number,
    taxId: user.tax_id,
    companyNumber: user.company_number,
    email: user.email,
    paymentTerms: user.payment_terms,
    footer: user.invoice_footer,
    ...(user.late_penalty ? { latePenalty: user.late_penalty } : {}),
    ...(user.vat_on_debits ? { vatOnDebits: true as const } : {}),
  };
  return Object.values(details).some((v) => v !== null) ? details : null;
}

/** A JSON object as canonical JSON takes it (absent optional keys dropped). */
const plain = (value: object | null) => (value === null ? null : (JSON.parse(JSON.stringify(value)) as { [key: string]: CanonicalValue }));

/** A 400 validation_failed naming one field of the JSON body. */
export function fieldError(path: string, message: string): ApiError {
  return new ApiError(400, "validation_failed", "The request is invalid", [{ in: "json", path, message }]);
}

/**
 * Checks a draft's parties, dates and figures, computes its net, taxes per rate and gross (core/invoice/totals) and
 * builds its canonical settle.invoice.v2 document and reference.
 *
 * @throws ApiError 400 for a past due date, clashing parties, a discount above its line, a zero or too large total
 */
export function buildDraft(input: DraftInput, merchant: string, target: DraftTarget, now: number): BuiltDraft {
  const dueDate = Math.floor(Date.parse(input.dueDate) / 1000);
  if (dueDate * 1000 <= now) throw fieldError("dueDate", "must be in the future");
  const payer = input.payer ?? null;
  const arbiter = input.arbiter ?? null;
  if (payer === merchant) throw fieldError("payer", "must not be the merchant");
  if (arbiter !== null && (arbiter === merchant || arbiter === payer))
    throw fieldError("arbiter", "must be neither the merchant nor the payer");
  if (payer === ZeroAddress) throw fieldError("payer", "use null for an invoice anyone may pay");

  const lines = input.lineItems.map((i) => ({
    ...i,
    quantity: BigInt(i.quantity),
    unitPrice: BigInt(i.unitPrice),
    discount: BigInt(i.discount),
  }));
  lines.forEach((line, n) => {
    if (line.discount > line.quantity * line.unitPrice) throw fieldError(`lineItems.${n}.discount`, "must not exceed quantity × unitPrice");
  });
  const totals = computeInvoiceTotals(lines, target.taxUnit);
  if (totals.total === 0n) throw fieldError("lineItems", "the total must be greater than zero");
  if (totals.total > MAX_INVOICE_AMOUNT) throw fieldError("lineItems", "the total is larger than the escrow accepts");

  const billing = target.customer?.address;
  const delivery =
    input.delivery && canonicalJson(plain(input.delivery.address)!) !== canonicalJson(plain(billing ?? null)) ? input.delivery : null;
  const id = randomUUID();
  const doc: InvoiceDocumentV2 = {
    schema: "settle.invoice.v2",
    draftId: id,
    chainId: target.chainId,
    escrow: target.escrow,
    merchant,
    payer,
    arbiter,
    token: input.token,
    dueDate,
    lineItems: lines.map((line, n) => ({
      description: line.description,
      quantity: line.quantity.toString(),
      unitPrice: line.unitPrice.toString(),
      discount: line.discount.toString(),
      net: totals.nets[n]!.toString(),
      taxRate: line.taxRate,
      taxMention: line.taxMention ?? null,
    })),
    subtotal: totals.subtotal.toString(),
    taxes: totals.taxes.map((t) => ({ rate: t.rate, base: t.base.toString(), amount: t.amount.toString() })),
    total: totals.total.toString(),
    notes: input.notes ?? null,
    language: input.language,
    seller: plain(target.seller),
    customer: plain(target.customer),
    ...(input.currency === undefined ? {} : { currency: input.currency }),
    ...(delivery === null ? {} : { delivery: plain(delivery)! }),
    ...(input.supply ? { supply: input.supply } : {}),
  };
  const { canonical, reference } = invoiceReference(doc, keccak256Utf8);
  const draft: InvoiceDraftsTable = {
    id,
    merchant,
    payer,
    arbiter,
    token: input.token,
    chain_id: target.chainId,
    escrow: target.escrow,
    due_date: dueDate,
    notes: doc.notes,
    total: doc.total,
    reference,
    canonical,
    onchain_id: null,
    linked_at: null,
    created_at: now,
    schema: doc.schema,
    subtotal: doc.subtotal,
    taxes: JSON.stringify(doc.taxes),
    number: null,
    seller: doc.seller === null ? null : JSON.stringify(doc.seller),
    customer: doc.customer === null ? null : JSON.stringify(doc.customer),
    language: doc.language,
    currency: doc.currency ?? null,
    delivery: doc.delivery ? JSON.stringify(doc.delivery) : null,
    supply: doc.supply ?? null,
  };
  const items: InvoiceLineItemsTable[] = doc.lineItems.map((i, position) => ({
    draft_id: id,
    position,
    description: i.description,
    quantity: i.quantity,
    unit_price: i.unitPrice,
    amount: i.net,
    discount: i.discount,
    tax_rate: i.taxRate,
    tax_mention: i.taxMention,
  }));
  return { draft, items, total: totals.total };
}
