/**
 * The details of an invoice as stored in app.sqlite, as their canonical document (its version: settle.invoice.v1
 * or v2), and their verification against the chain.
 */
import type { InvoiceDraftsTable, InvoiceLineItemsTable } from "../db/types";
import type { InvoiceRow } from "../index/rows";
import { type CanonicalValue, type InvoiceDocument, invoiceReference } from "../../core/invoice/reference";
import { type InvoiceTerms, keccak256Utf8, termsMatch } from "./hash";
import type { DocumentInputs, VerificationModel } from "./model";
import { CATALOGUES, type VerificationLabels, fill } from "../../core/labels";

/** The canonical document (its stored version) of the details exactly as they are stored, hence shown. */
export function storedDocument(draft: InvoiceDraftsTable, items: InvoiceLineItemsTable[]): InvoiceDocument {
  const common = {
    draftId: draft.id,
    chainId: draft.chain_id,
    escrow: draft.escrow,
    merchant: draft.merchant,
    payer: draft.payer,
    arbiter: draft.arbiter,
    token: draft.token,
    dueDate: draft.due_date,
    total: draft.total,
    notes: draft.notes,
  };
  if (draft.schema === "settle.invoice.v1") {
    return {
      schema: "settle.invoice.v1",
      ...common,
      lineItems: items.map((i) => ({ description: i.description, quantity: i.quantity, unitPrice: i.unit_price, amount: i.amount })),
    };
  }
  return {
    schema: "settle.invoice.v2",
    ...common,
    lineItems: items.map((i) => ({
      description: i.description,
      quantity: i.quantity,
      unitPrice: i.unit_price,
      discount: i.discount ?? "0",
      net: i.amount,
      taxRate: i.tax_rate ?? "0",
      taxMention: i.tax_mention,
    })),
    subtotal: draft.subtotal ?? draft.total,
    taxes: storedTaxes(draft),
    language: draft.language ?? "en",
    seller: draft.seller === null ? null : (JSON.parse(draft.seller) as { [key: string]: CanonicalValue }),
    customer: draft.customer === null ? null : (JSON.parse(draft.customer) as { [key: string]: CanonicalValue }),
    ...(draft.currency === null ? {} : { currency: draft.currency }),
    ...(draft.delivery ? { delivery: JSON.parse(draft.delivery) as { [key: string]: CanonicalValue } } : {}),
    ...(draft.supply ? { supply: draft.supply } : {}),
  };
}

/** The taxes per rate a draft stored (none for v1). */
export function storedTaxes(draft: InvoiceDraftsTable): Array<{ rate: string; base: string; amount: string }> {
  return draft.taxes === null ? [] : (JSON.parse(draft.taxes) as Array<{ rate: string; base: string; amount: string }>);
}

/**
 * Compares the details as stored (and shown) with the chain: their canonical hash must equal the
 * on-chain reference, their terms (merchant, payer, arbiter, token, amount, due date) the on-chain
 * invoice's, and they must name this deployment's chain and escrow. Anything else is not verified.
 */
export function verifyDocument(
  inputs: {
    draft: DocumentInputs["draft"];
    row: (InvoiceTerms & Pick<InvoiceRow, "id">) | undefined;
    chainId: number;
    escrow: string;
  },
  labels: VerificationLabels = CATALOGUES.en.document.verification,
): VerificationModel {
  const { draft, row, chainId, escrow } = inputs;
  const say = (template: string, values: Record<string, string | number>) => fill(template, { chain: chainId, escrow, ...values });
  const onchainReference = row?.reference ?? null;
  if (!draft) {
    return {
      state: "no_details",
      verified: false,
      headline: labels.noDetailsHeadline,
      detail: say(labels.noDetails, { id: row?.id.toString() ?? "?" }),
      computedReference: null,
      onchainReference,
    };
  }
  const computedReference = invoiceReference(storedDocument(draft.draft, draft.items), keccak256Utf8).reference;
  if (!row) {
    return {
      state: "not_on_chain",
      verified: false,
      headline: say(labels.notOnChainHeadline, {}),
      detail: say(labels.notOnChain, { reference: computedReference }),
      computedReference,
      onchainReference,
    };
  }
  const matches =
    computedReference.toLowerCase() === row.reference.toLowerCase() &&
    termsMatch(draft.draft, row) &&
    draft.draft.chain_id === chainId &&
    draft.draft.escrow.toLowerCase() === escrow.toLowerCase();
  if (!matches) {
    return {
      state: "mismatch",
      verified: false,
      headline: labels.mismatchHeadline,
      detail: say(labels.mismatch, { id: row.id.toString(), onchain: row.reference, reference: computedReference }),
      computedReference,
      onchainReference,
    };
  }
  return {
    state: "verified",
    verified: true,
    headline: say(labels.verifiedHeadline, { id: row.id.toString() }),
    detail: say(labels.verified, { schema: storedDocument(draft.draft, draft.items).schema, reference: row.reference }),
    computedReference,
    onchainReference,
  };
}
