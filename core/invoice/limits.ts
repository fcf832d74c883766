/**
 * The limits of an invoice draft (POST /invoices): the API refuses anything beyond them, and the page checks them
 * before anything is sent.
 */

/** PaymentEscrow stores amounts as uint96 (EscrowAmountTooLarge above it). */
export const MAX_INVOICE_AMOUNT = 2n ** 96n - 1n;

/**
 * Most invoices one batch payment (PaymentEscrow.payMany, which has no cap of its own) may take: the API's
 * POST /invoices/batch-transactions, the page's "Pay selected" and invoice:pay-many refuse more. Each invoice costs
 * about 19,000 gas in a batch (bench escrow.payMany10), so a full batch stays near a million gas.
 */
export const MAX_BATCH_INVOICES = 50;

/** The highest protocol fee PaymentEscrow can charge (its MAX_FEE_BPS), in basis points. */
export const MAX_FEE_BPS = 500;

/** Size limits of an invoice draft. */
export const INVOICE_LIMITS = {
  /** Line items per invoice. */
  maxLineItems: 100,
  /** Characters of a line's description. */
  maxDescription: 500,
  /** Units of one line. */
  maxQuantity: 1_000_000_000,
  /** Characters of the notes. */
  maxNotes: 2000,
  /** Longest dispute window, in days (the escrow enforces its own MAX_DISPUTE_WINDOW too). */
  maxDisputeDays: 90,
  /** The same in seconds. */
  maxDisputeWindowSeconds: 90 * 86_400,
  /** Largest total, in the token's base units. */
  maxTotal: MAX_INVOICE_AMOUNT,
} as const;

/** Finds a character a line description may not contain (control characters and lone surrogates). */
export const DESCRIPTION_FORBIDDEN = /[\p{Cc}\p{Cs}]/u;

/** Finds a character the notes may not contain (control characters other than tab and line breaks, lone surrogates). */
export const NOTES_FORBIDDEN = /[\p{Cs}\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u;
