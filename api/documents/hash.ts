import { keccak256, toUtf8Bytes } from "ethers";
import type { InvoiceDraftsTable } from "../db/types";
import type { InvoiceRow } from "../index/rows";

/**
 * The off-chain invoice document whose hash is the on-chain `reference` (bytes32).
 *
 * Canonical form, version `settle.invoice.v1` (reproducible by anyone, e.g. the invoice renderer):
 * - a JSON object with exactly these keys; object keys sorted by UTF-16 code unit order at every
 *   level (as JavaScript's default sort does), no whitespace, strings escaped as JSON.stringify does;
 * - addresses EIP-55 checksummed; `token` is 0x0000000000000000000000000000000000000000 for ETH;
 *   `payer` / `arbiter` are null when absent;
 * - amounts (`unitPrice`, `amount`, `total`) and `quantity` are base-10 integer strings without
 *   leading zeros, in the token's smallest unit; `amount` = quantity × unitPrice; `total` = Σ amount;
 * - `dueDate` is unix seconds (a JSON integer), `chainId` a JSON integer;
 * - text (`description`, `notes`) is Unicode NFC; `notes` is null when absent;
 * - `draftId` (a UUID) makes two otherwise equal invoices different.
 *
 * `reference = keccak256(utf8(canonicalJson(document)))`, see {@link invoiceReference}.
 */
export interface InvoiceDocument {
  schema: "settle.invoice.v1";
  draftId: string;
  chainId: number;
  escrow: string;
  merchant: string;
  payer: string | null;
  arbiter: string | null;
  token: string;
  dueDate: number;
  lineItems: Array<{ description: string; quantity: string; unitPrice: string; amount: string }>;
  total: string;
  notes: string | null;
}

/** A JSON value as the canonical encoder accepts it (no floats, no undefined). */
export type CanonicalValue = string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

/**
 * Serializes `value` canonically: sorted keys, no whitespace, integers only.
 *
 * @throws Error for non-integer or unsafe numbers
 */
export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`canonical JSON allows safe integers only, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(",")}}`;
}

/** Line amounts and total of raw line items (quantity × unitPrice, summed) as bigint. */
export function computeTotals(items: ReadonlyArray<{ quantity: bigint; unitPrice: bigint }>): { amounts: bigint[]; total: bigint } {
  const amounts = items.map((i) => i.quantity * i.unitPrice);
  return { amounts, total: amounts.reduce((a, b) => a + b, 0n) };
}

/** The canonical text and its keccak256 (the on-chain reference) of `doc`. */
export function invoiceReference(doc: InvoiceDocument): { canonical: string; reference: string } {
  const normalized: InvoiceDocument = {
    ...doc,
    notes: doc.notes === null ? null : doc.notes.normalize("NFC"),
    lineItems: doc.lineItems.map((i) => ({ ...i, description: i.description.normalize("NFC") })),
  };
  const canonical = canonicalJson(normalized as unknown as CanonicalValue);
  return { canonical, reference: keccak256(toUtf8Bytes(canonical)) };
}

/** True when `canonical` still hashes to `reference` (the stored details were not altered). */
export function referenceMatches(canonical: string, reference: string): boolean {
  return keccak256(toUtf8Bytes(canonical)).toLowerCase() === reference.toLowerCase();
}

/** The on-chain fields {@link termsMatch} compares. */
export type InvoiceTerms = Pick<InvoiceRow, "merchant" | "payer" | "arbiter" | "token" | "amount" | "dueDate" | "reference">;

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
    same(draft.token, row.token) &&
    BigInt(draft.total) === row.amount &&
    BigInt(draft.due_date) === row.dueDate &&
    draft.reference.toLowerCase() === row.reference.toLowerCase()
  );
}
