/**
 * The invoice reference: the off-chain invoice document whose hash is the on-chain `reference` (bytes32).
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

/** The document a reference is the hash of. */
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

/** Line amounts and total of raw line items (quantity × unitPrice, summed) as bigint. */
export function computeTotals(items: ReadonlyArray<{ quantity: bigint; unitPrice: bigint }>): { amounts: bigint[]; total: bigint } {
  const amounts = items.map((i) => i.quantity * i.unitPrice);
  return { amounts, total: amounts.reduce((a, b) => a + b, 0n) };
}

/** The canonical text and its keccak256 (the on-chain reference) of `doc`. */
export function invoiceReference(doc: InvoiceDocument, keccak256Utf8: Keccak256Utf8): { canonical: string; reference: string } {
  const normalized: InvoiceDocument = {
    ...doc,
    notes: doc.notes === null ? null : doc.notes.normalize("NFC"),
    lineItems: doc.lineItems.map((i) => ({ ...i, description: i.description.normalize("NFC") })),
  };
  const canonical = canonicalJson(normalized as unknown as CanonicalValue);
  return { canonical, reference: keccak256Utf8(canonical) };
}

/** True when `canonical` still hashes to `reference` (the stored details were not altered). */
export function referenceMatches(canonical: string, reference: string, keccak256Utf8: Keccak256Utf8): boolean {
  return keccak256Utf8(canonical).toLowerCase() === reference.toLowerCase();
}
