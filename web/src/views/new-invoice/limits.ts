/** The rules of POST /invoices, mirrored so that people see problems before anything is sent. */

/** Limits of an invoice: POST /invoices refuses anything beyond them. */
export const INVOICE_LIMITS = {
  maxLineItems: 100,
  maxDescription: 500,
  maxQuantity: 1_000_000_000,
  maxNotes: 2000,
  maxDisputeDays: 90,
  /** PaymentEscrow stores amounts as uint96. */
  maxTotal: 2n ** 96n - 1n,
} as const;

/** Characters a line description may not contain. */
export const CONTROL_CHARS = /[\p{Cc}\p{Cs}]/u;
/** Characters the notes may not contain (line breaks and tabs are fine). */
export const NOTES_FORBIDDEN = /[\p{Cs}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;
