/** PaymentEscrow's Status enum, indexed by its on-chain value. */
export const INVOICE_STATUS = [
  "None",
  "Open",
  "PartiallyPaid",
  "Paid",
  "Disputed",
  "Released",
  "Refunded",
  "Resolved",
  "Cancelled",
  "Expired",
] as const;

/** One of PaymentEscrow's statuses. */
export type InvoiceStatus = (typeof INVOICE_STATUS)[number];
