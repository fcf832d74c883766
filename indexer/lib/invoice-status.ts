import type { InvoiceStatus } from "../../scripts/lib/index-vocabulary";

/** The state PaymentEscrow stores for an invoice: everything else about its status is derived. */
export type InvoiceState = "open" | "disputed" | "refunded" | "resolved" | "cancelled";

export type { InvoiceStatus };

/** What the status derives from. */
export interface InvoiceStatusInputs {
  state: InvoiceState;
  amount: bigint;
  paid: bigint;
  released: bigint;
  held: bigint;
  dueDate: bigint;
}

/**
 * PaymentEscrow's `_status` at time `now`: the stored state when it is not `open`; else fully
 * paid invoices are paid (funds held), released (some went to the merchant) or refunded; else an
 * invoice past its due date is expired; else open (nothing paid) or partially paid.
 */
export function deriveInvoiceStatus(invoice: InvoiceStatusInputs, now: bigint): InvoiceStatus {
  if (invoice.state !== "open") return invoice.state;
  if (invoice.paid === invoice.amount) {
    if (invoice.held !== 0n) return "paid";
    return invoice.released !== 0n ? "released" : "refunded";
  }
  if (now > invoice.dueDate) return "expired";
  return invoice.paid === 0n ? "open" : "partially_paid";
}
