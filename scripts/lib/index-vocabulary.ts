/**
 * The index's closed vocabularies, in one place for the indexer's schema (Ponder enums) and handlers
 * and the API's read module. Kept outside indexer/ (an ES-module package) and free of imports so
 * that both the indexer and the CommonJS code at the root can load it.
 */

/** What a History row records. */
export const HISTORY_KINDS = [
  "transfer_in",
  "transfer_out",
  "staked",
  "withdrawn",
  "reward_claimed",
  "recovered",
  "invoice_created",
  "invoice_paid",
  "released",
  "claimed",
  "refunded",
  "reclaimed",
  "cancelled",
  "disputed",
  "resolved",
  "settlement_proposed",
  "settled",
  "fee_credited",
  "credited",
  "credit_withdrawn",
] as const;

/** A kind of History row. */
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** An invoice's status: PaymentEscrow's Status without None, in snake case. */
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

/** An invoice's status, as PaymentEscrow's `status()` returns it. */
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
