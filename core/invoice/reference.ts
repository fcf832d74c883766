/**
 * The invoice reference: the off-chain invoice document whose hash is the on-chain `reference` (bytes32).
 *
 * Two versions: drafts made before taxes keep `settle.invoice.v1`; every new draft is `settle.invoice.v2`, which
 * covers every figure and mention on the document (see {@link InvoiceDocumentV2}). The invoice number is not in the
 * hash: it is assigned after the invoice exists on chain (see api/jobs/draft-linker).
 *
 * Canonical form, version `settle.invoice.v1` (reproducible by anyone, e.g. the invoice renderer):
 * - a JSON object with exactly these keys; object keys sorted by UTF-16 code unit order at every level (as
 *   JavaScript's default sort does), no whitespace, strings escaped as JSON.stringify does;
 * - addresses EIP-55 checksummed; `token` is 0x0000000000000000000000000000000000000000 for ETH; `payer` /
 *   `arbiter` are null when absent;
 * - amounts (`unitPrice`, `amount`, `total`) and `quantity` are base-10 integer strings without leading zeros, in
 *   the token's smallest unit; `amount` = quantity × unitPrice; `total` = Σ amount;
 * - `dueDate` is unix seconds (a JSON integer), `chainId` a JSON integer;
 * - text (`description`, `notes`) is Unicode NFC; `notes` is null when absent;
 * - `draftId` (a UUID) makes two otherwise equal invoices different.
 *
 * `reference = keccak256(utf8(canonicalJson(document)))`, see {@link invoiceReference}.
 */

/** A version 1 document (drafts made before taxes and discounts). */
export interface InvoiceDocumentV1 {
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

/**
 * A version 2 document: v1's parties, token and dates, and per line a fixed `discount`, the `net` amount
 * (quantity × unitPrice − discount), a `taxRate` (percent, normalized: "20", "5.5") and a `taxMention`
 * (exempt / reverse_charge, or null); `subtotal` = Σ net, `taxes` one entry per rate by increasing rate with its
 * `base` and `amount`, `total` = subtotal + Σ tax (the on-chain amount), as core/invoice/totals computes them.
 * Amounts are base-10 integer strings in base units.
 */
export interface InvoiceDocumentV2 extends Omit<InvoiceDocumentV1, "schema" | "lineItems"> {
  schema: "settle.invoice.v2";
  lineItems: Array<{
    description: string;
    quantity: string;
    unitPrice: string;
    discount: string;
    net: string;
    taxRate: string;
    taxMention: string | null;
  }>;
  subtotal: string;
  taxes: Array<{ rate: string; base: string; amount: string }>;
  /** The merchant's legal details when the draft was made (legal name, address, VAT and company numbers, terms, footer), or null. */
  seller: { [key: string]: CanonicalValue } | null;
  /** The language the document is written in (en, fr). */
  language: string;
  /** The customer's details (name, address, VAT and company numbers, email), or null. */
  customer: { [key: string]: CanonicalValue } | null;
  /**
   * Only on a draft priced in a currency: its ISO 4217 code ("USD"). Every amount of the document is then in
   * hundredths of it (core/invoice/currency) and `total` is the on-chain price; `token` is the one token accepted for
   * it, or the zero address for any token with a feed. Absent (not null) otherwise, so older references still hash.
   */
  currency?: string;
  /** Only when given: the delivery place ({ name?, address }) that differs from the customer's billing address. */
  delivery?: { [key: string]: CanonicalValue };
  /** Only when given: what the invoice covers (core/invoice/mentions SupplyKind: goods, services, both). */
  supply?: string;
}

/** The document a reference is the hash of, in either version. */
export type InvoiceDocument = InvoiceDocumentV1 | InvoiceDocumentV2;

/** A JSON value as the canonical encoder accepts it (no floats, no undefined). */
export type CanonicalValue = string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

/** keccak256 of a string's UTF-8 bytes, as 0x-prefixed hex (ethers' `keccak256(toUtf8Bytes(text))`, viem's `keccak256(stringToBytes(text))`). */
export type Keccak256Utf8 = (text: string) => string;

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

/** The canonical text and its keccak256 (the on-chain reference) of `doc`. */
export function invoiceReference(doc: InvoiceDocument, keccak256Utf8: Keccak256Utf8): { canonical: string; reference: string } {
  const lineItems: Array<{ description: string }> = doc.lineItems;
  const normalized = {
    ...doc,
    notes: doc.notes === null ? null : doc.notes.normalize("NFC"),
    lineItems: lineItems.map((i) => ({ ...i, description: i.description.normalize("NFC") })),
  };
  const canonical = canonicalJson(normalized as unknown as CanonicalValue);
  return { canonical, reference: keccak256Utf8(canonical) };
}

/** True when `canonical` still hashes to `reference` (the stored details were not altered). */
export function referenceMatches(canonical: string, reference: string, keccak256Utf8: Keccak256Utf8): boolean {
  return keccak256Utf8(canonical).toLowerCase() === reference.toLowerCase();
}
