/** What a row of the index's History table records: one vocabulary for the indexer's schema, the API and the page. */
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
  "fees_collected",
  "swept",
  "credited",
  "credit_withdrawn",
] as const;

/** A kind of History row. */
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** PaymentEscrow's invoice events, as the index's InvoiceEvent table names them (`kind`). */
export const INVOICE_EVENTS = [
  "InvoiceCreated",
  "InvoicePaid",
  "InvoiceReleased",
  "InvoiceClaimed",
  "InvoiceRefunded",
  "InvoiceReclaimed",
  "InvoiceCancelled",
  "InvoiceDisputed",
  "SettlementProposed",
  "InvoiceResolved",
  "InvoiceSettled",
  "PayoutCredited",
  "Withdrawn",
  "FeesCollected",
  "Swept",
  "RelayedPaymentSubmitted",
  "RelayNonceCancelled",
  "InvoiceCurrencySet",
  "InvoicePriced",
] as const;

/** One of {@link INVOICE_EVENTS}. */
export type InvoiceEventKind = (typeof INVOICE_EVENTS)[number];

/** Which way a History row's amount moves for its account: in (+), out (-), or neither (a record of an invoice step). */
export const HISTORY_DIRECTION: Readonly<Record<HistoryKind, "+" | "-" | "">> = {
  transfer_in: "+",
  transfer_out: "-",
  staked: "-",
  withdrawn: "+",
  reward_claimed: "+",
  recovered: "+",
  invoice_created: "",
  invoice_paid: "",
  released: "",
  claimed: "",
  refunded: "",
  reclaimed: "",
  cancelled: "",
  disputed: "",
  resolved: "",
  settlement_proposed: "",
  settled: "",
  fees_collected: "+",
  swept: "+",
  credited: "+",
  credit_withdrawn: "+",
};
