import { keccak256, toUtf8Bytes } from "ethers";
import type { InvoiceDraftsTable } from "../db/types";
import type { InvoiceRow } from "../index/rows";
import type { Keccak256Utf8 } from "../../core/invoice/reference";

/**
 * The API's side of the invoice reference (core/invoice/reference holds the canonical form and the hash rule):
 * keccak256 through ethers, and whether a draft's terms are the ones on chain.
 */

/** keccak256 of a string's UTF-8 bytes, for core/invoice/reference's invoiceReference and referenceMatches. */
export const keccak256Utf8: Keccak256Utf8 = (text) => keccak256(toUtf8Bytes(text));

/** The on-chain fields {@link termsMatch} compares. */
export type InvoiceTerms = Pick<InvoiceRow, "merchant" | "payer" | "arbiter" | "token" | "amount" | "dueDate" | "reference" | "pricing">;

/** null for an absent or zero address. */
export const orNull = (address: string | null): string | null => (address === null || BigInt(address) === 0n ? null : address);
const same = (a: string | null, b: string | null) => (orNull(a)?.toLowerCase() ?? null) === (orNull(b)?.toLowerCase() ?? null);

/**
 * True when the on-chain terms are the draft's: merchant, payer, arbiter, token, amount, due date
 * and reference. A draft is linked only then, so that copying a reference into someone else's
 * invoice cannot attach a merchant's details to it. A draft open to anyone (payer null) matches
 * whichever payer its first payment bound on chain.
 */
export function termsMatch(draft: InvoiceDraftsTable, row: InvoiceTerms): boolean {
  return (
    same(draft.merchant, row.merchant) &&
    (draft.payer === null || same(draft.payer, row.payer)) &&
    same(draft.arbiter, row.arbiter) &&
    amountsMatch(draft, row) &&
    BigInt(draft.due_date) === row.dueDate &&
    draft.reference.toLowerCase() === row.reference.toLowerCase()
  );
}

/**
 * The token and amount part of {@link termsMatch}. A draft priced in a currency matches an invoice priced in the same
 * currency at its total: the invoice's amount is 0 until its payment converts the price, and a draft taking any token
 * (the zero address) matches whichever token paid it. A draft priced in its token matches an unpriced invoice only.
 */
function amountsMatch(draft: InvoiceDraftsTable, row: InvoiceTerms): boolean {
  const currency = draft.currency ?? null;
  if (currency === null) return row.pricing === null && same(draft.token, row.token) && BigInt(draft.total) === row.amount;
  return (
    row.pricing?.currency === currency &&
    row.pricing.price === BigInt(draft.total) &&
    (orNull(draft.token) === null || same(draft.token, row.token))
  );
}
