/**
 * An invoice's or credit note's e-invoice from the same inputs as its human document: the draft's legal details and
 * lines (or the credit note's amounts per rate) read as einvoice/input's SettleInvoice, written as CII or UBL, or as a
 * Factur-X PDF (the document's own PDF, PDF/A-3, carrying the CII).
 */
import type { CreditNotesTable } from "../db/types";
import type { InvoiceLine, Party, PostalAddress, SettleInvoice } from "../../einvoice/input";
import { EinvoiceRefusal } from "../../einvoice/refusal";
import { EINVOICE_DOWNLOADS, type EinvoiceDownload } from "../../core/einvoice";
import { writeEinvoice } from "../../einvoice/write";
import type { TaxMention } from "../../core/invoice/totals";
import { type DocumentInputs, buildInvoiceDocument, documentLocale } from "./model";
import { buildCreditNoteDocument } from "./credit-note";
import { renderInvoicePdf } from "./pdf";
import { deliveryOf, draftMentions } from "./mentions";
import { CREDIT_NOTE_MENTIONS } from "../../core/invoice/mentions";

/** Legal details as a draft snapshots them (the seller's profile, the customer's details). */
interface LegalSnapshot {
  legalName?: string | null;
  name?: string;
  address?: PostalAddress | null;
  vatNumber?: string | null;
  companyNumber?: string | null;
  email?: string | null;
  paymentTerms?: string | null;
}

/** A party from a draft's JSON snapshot; `role` names it in the refusal when it is missing. */
function partyOf(json: string | null, role: "seller" | "buyer"): Party {
  if (json === null) {
    throw new EinvoiceRefusal("missing_detail", `the invoice has no ${role}'s legal details: give them when drafting the invoice`);
  }
  const details = JSON.parse(json) as LegalSnapshot;
  return {
    name: details.legalName ?? details.name ?? "",
    address: details.address ?? null,
    vatNumber: details.vatNumber ?? null,
    companyNumber: details.companyNumber ?? null,
    email: details.email ?? null,
  };
}

/**
 * The SettleInvoice of the invoice `inputs` describe, or of its credit note `note` (one line per VAT rate credited);
 * refused (`missing_detail`) before the invoice is numbered on chain or when its draft predates taxes and legal details,
 * and (`not_a_currency`) for a credit note of an invoice priced in a currency (its refund is in tokens).
 */
export function settleInvoiceOf(
  inputs: DocumentInputs,
  note?: CreditNotesTable,
  deployedTokens?: SettleInvoice["payment"]["deployedTokens"],
): SettleInvoice {
  const d = inputs.draft?.draft;
  const items = inputs.draft?.items ?? [];
  if (!d || !inputs.row || d.number === null) {
    throw new EinvoiceRefusal("missing_detail", "the invoice is not issued yet: an e-invoice exists once it is numbered on chain");
  }
  if (d.schema !== "settle.invoice.v2") {
    throw new EinvoiceRefusal("missing_detail", "the invoice was drafted without taxes and legal details (settle.invoice.v1)");
  }
  if (note && d.currency !== null) {
    throw new EinvoiceRefusal(
      "not_a_currency",
      `credit note ${note.number} is in the token refunded, not in ${d.currency}: a credit note of an invoice priced in a currency is not an e-invoice yet`,
    );
  }
  const seller = JSON.parse(d.seller ?? "{}") as LegalSnapshot;
  const mentions = draftMentions(d, documentLocale(d));
  const mentionOf = (rate: string) => (items.find((i) => i.tax_rate === rate && i.tax_mention)?.tax_mention ?? null) as TaxMention | null;
  const lines: InvoiceLine[] = note
    ? (JSON.parse(note.taxes) as Array<{ rate: string; base: string }>).map((t) => ({
        description: `Refund of invoice ${d.number}`,
        quantity: 1n,
        unitPrice: BigInt(t.base),
        discount: 0n,
        taxRate: t.rate,
        taxMention: mentionOf(t.rate),
      }))
    : items.map((i) => ({
        description: i.description,
        quantity: BigInt(i.quantity),
        unitPrice: BigInt(i.unit_price),
        discount: BigInt(i.discount ?? "0"),
        taxRate: i.tax_rate ?? "0",
        taxMention: i.tax_mention as TaxMention | null,
      }));
  return {
    kind: note ? "credit_note" : "invoice",
    number: note?.number ?? d.number,
    creditedInvoice: note ? d.number : null,
    issuedAt: note ? note.issued_at * 1000 : Number(inputs.row.createdTimestamp) * 1000,
    dueAt: note ? note.issued_at * 1000 : Number(inputs.row.dueDate) * 1000,
    seller: partyOf(d.seller, "seller"),
    buyer: partyOf(d.customer, "buyer"),
    lines,
    pricedIn: d.currency,
    paymentTerms: seller.paymentTerms ?? null,
    delivery: deliveryOf(d),
    mentions: note ? mentions.filter((m) => CREDIT_NOTE_MENTIONS.has(m.kind)) : mentions,
    notes: d.notes,
    payment: {
      chainId: inputs.chainId,
      escrow: inputs.escrow,
      onchainId: inputs.row.id.toString(),
      token: inputs.token,
      deployedTokens,
    },
  };
}

/** A written e-invoice: its bytes, media type and file name. */
export interface EinvoiceFile {
  readonly bytes: Uint8Array;
  readonly mediaType: string;
  readonly fileName: string;
}

/**
 * The e-invoice of the invoice `inputs` describe (or of its credit note `note`) in `format`; a Factur-X PDF is created at
 * `inputs.generatedAt`. Throws EinvoiceRefusal when the invoice does not qualify.
 */
export async function renderEinvoice(
  inputs: DocumentInputs,
  format: EinvoiceDownload,
  options: { note?: CreditNotesTable; deployedTokens?: SettleInvoice["payment"]["deployedTokens"] } = {},
): Promise<EinvoiceFile> {
  const invoice = settleInvoiceOf(inputs, options.note, options.deployedTokens);
  const lang = documentLocale(inputs.draft?.draft);
  const { mediaType, extension } = EINVOICE_DOWNLOADS[format];
  // A merchant's prefix may hold spaces or slashes: the file name (and a ZIP entry's) keeps letters, digits and -._
  const base = `${invoice.kind === "credit_note" ? "credit-note" : "invoice"}-${invoice.number.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  const fileName = `${base}${format === "facturx" ? "" : `.${format}`}.${extension}`;
  const xml = await writeEinvoice(invoice, format === "facturx" ? "cii" : format, lang);
  if (format !== "facturx") return { bytes: new TextEncoder().encode(xml), mediaType, fileName };
  const model = options.note ? buildCreditNoteDocument(inputs, options.note) : buildInvoiceDocument(inputs);
  const pdf = await renderInvoicePdf(model, { xml, createdAt: new Date(inputs.generatedAt) });
  return { bytes: new Uint8Array(pdf), mediaType, fileName };
}
