/**
 * The document model of a credit note: the invoice's model (parties, token, chain, verification of the invoice's
 * details) with a credit note's title, number, one line referring to the invoice, the net and tax credited per
 * rate, and the refund's transaction as its only activity.
 */
import type { CreditNotesTable } from "../db/types";
import { fill } from "../../core/labels";
import { CREDIT_NOTE_MENTIONS } from "../../core/invoice/mentions";
import { type DocumentInputs, type InvoiceDocumentModel, buildInvoiceDocument, formatAmount, formatDate } from "./model";

/** Builds the model of `note`, a credit note of the invoice `inputs` describe. */
export function buildCreditNoteDocument(inputs: DocumentInputs, note: CreditNotesTable): InvoiceDocumentModel {
  const invoice = buildInvoiceDocument(inputs);
  const l = invoice.labels;
  const fmt = (value: string) => formatAmount(BigInt(value), inputs.token, invoice.lang);
  const taxes = JSON.parse(note.taxes) as Array<{ rate: string; base: string; amount: string }>;
  const taxed = taxes.some((t) => t.amount !== "0");
  return {
    ...invoice,
    title: fill(l.creditNoteNumbered, { number: note.number }),
    number: note.number,
    status: { code: "credit_note", label: l.creditNote, tone: "neutral" },
    issued: formatDate(note.issued_at, invoice.lang),
    due: formatDate(note.issued_at, invoice.lang),
    lineItems: [
      {
        description: fill(l.refundOf, { number: invoice.number ?? `#${note.invoice_id}`, date: invoice.issued }),
        quantity: "1",
        unitPrice: fmt(note.net),
        discount: null,
        tax: null,
        amount: fmt(note.net),
      },
    ],
    columns: { discount: false, tax: false },
    totals: [
      { label: l.netCredited, value: fmt(note.net) },
      ...(taxed ? taxes.map((t) => ({ label: fill(l.taxCredited, { rate: t.rate }), value: fmt(t.amount) })) : []),
      { label: l.totalCredited, value: fmt(note.amount), emphasis: true },
    ],
    taxMentions: [],
    legalMentions: invoice.legalMentions.filter((t) => CREDIT_NOTE_MENTIONS.has(t.kind)),
    activity: invoice.activity.filter((a) => a.txHash === note.tx_hash),
    facts: [...invoice.facts, { label: l.refersTo, value: `${invoice.number ?? "—"} (on-chain #${note.invoice_id})` }],
  };
}
