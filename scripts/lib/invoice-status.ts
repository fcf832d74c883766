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

/** The on-chain value of each status (IPaymentEscrow.Status), e.g. `INVOICE_STATUS_VALUE.Paid === 3`. */
export const INVOICE_STATUS_VALUE = Object.fromEntries(INVOICE_STATUS.map((name, value) => [name, value])) as Readonly<
  Record<InvoiceStatus, number>
>;
