/**
 * An invoice's status: the one vocabulary of contracts/interfaces/IPaymentEscrow.sol's `Status` enum for every layer,
 * and its derivation from amounts and time (InvoiceLib's rule, checked against the contract's `status()` by
 * test/core/invoice-status.test.ts).
 */

/** PaymentEscrow's Status enum in on-chain order, without `None` (value 0), in snake case as the API spells it. */
export const INVOICE_STATUSES = [
  "open",
  "partially_paid",
  "paid",
  "disputed",
  "released",
  "refunded",
  "resolved",
  "cancelled",
  "expired",
] as const;

/** An on-chain invoice's status, as PaymentEscrow's `status()` returns it (`None` aside). */
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** The on-chain value of `status` (IPaymentEscrow.Status): `open` is 1, `expired` 9. */
export function statusValue(status: InvoiceStatus): number {
  return INVOICE_STATUSES.indexOf(status) + 1;
}

/** The status of on-chain value `value`, or undefined for `None` (0) and values out of range. */
export function statusFromValue(value: number | bigint): InvoiceStatus | undefined {
  return INVOICE_STATUSES[Number(value) - 1];
}

/** "partially_paid" → "PartiallyPaid". */
type Pascal<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Capitalize<Head>}${Pascal<Tail>}` : Capitalize<S>;

/** A member of IPaymentEscrow.Status as Solidity names it ("None", "Open", "PartiallyPaid", ...). */
export type SolidityStatusName = "None" | Pascal<InvoiceStatus>;

/** IPaymentEscrow.Status's member names indexed by on-chain value (the same vocabulary as {@link INVOICE_STATUSES}). */
export const SOLIDITY_STATUS: readonly SolidityStatusName[] = [
  "None",
  ...INVOICE_STATUSES.map(
    (status) => status.replace(/(^|_)([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase()) as SolidityStatusName,
  ),
];

/** The on-chain value of each Solidity member name, e.g. `SOLIDITY_STATUS_VALUE.Paid === 3`. */
export const SOLIDITY_STATUS_VALUE = Object.fromEntries(SOLIDITY_STATUS.map((name, value) => [name, value])) as Readonly<
  Record<SolidityStatusName, number>
>;

/** The state PaymentEscrow stores for an invoice: everything else about its status is derived. */
export type InvoiceState = "open" | "disputed" | "refunded" | "resolved" | "cancelled";

/** What the status derives from (amounts in the token's base units, times in unix seconds). */
export interface InvoiceStatusInputs {
  state: InvoiceState;
  amount: bigint;
  paid: bigint;
  released: bigint;
  held: bigint;
  dueDate: bigint;
}

/**
 * PaymentEscrow's `_status` at time `now`: the stored state when it is not `open`; else fully paid invoices are
 * paid (funds held), released (some went to the merchant) or refunded; else an invoice past its due date is expired
 * (the expiry rule: strictly after `dueDate`); else open (nothing paid) or partially paid.
 */
export function deriveInvoiceStatus(invoice: InvoiceStatusInputs, now: bigint): InvoiceStatus {
  if (invoice.state !== "open") return invoice.state;
  // An invoice priced in a currency has amount 0 until its payment converts the price (PaymentEscrow.payPriced).
  if (invoice.paid === invoice.amount && invoice.amount !== 0n) {
    if (invoice.held !== 0n) return "paid";
    return invoice.released !== 0n ? "released" : "refunded";
  }
  if (isPastDue(invoice.dueDate, now)) return "expired";
  return invoice.paid === 0n ? "open" : "partially_paid";
}

/** The statuses in which PaymentEscrow takes a payment (an open or partially paid invoice not past its due date). */
export const PAYABLE_STATUSES: readonly InvoiceStatus[] = ["open", "partially_paid"];

/** True when an invoice in `status` (as the API spells it) takes payments. */
export function isPayableStatus(status: string): boolean {
  return (PAYABLE_STATUSES as readonly string[]).includes(status);
}

/** The expiry rule alone: an unpaid or part-paid invoice expires once `now` is strictly after its due date. */
export function isPastDue(dueDate: bigint, now: bigint): boolean {
  return now > dueDate;
}

/** How a status reads at a glance, for badges on the page and in documents. */
export type StatusTone = "neutral" | "info" | "success" | "warning" | "danger";

/** The tone of each status (and of a draft, which is not on chain yet). */
export const STATUS_TONE: Readonly<Record<InvoiceStatus | "draft", StatusTone>> = {
  draft: "neutral",
  open: "info",
  partially_paid: "info",
  paid: "success",
  disputed: "warning",
  released: "success",
  refunded: "neutral",
  resolved: "neutral",
  cancelled: "neutral",
  expired: "danger",
};
