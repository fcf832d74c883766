/** The constants the contract specs share: time, and the escrow deployment's dispute window, timeout and fee. */
import { ZERO_ADDRESS } from "../../core/address";
import { MAX_FEE_BPS } from "../../core/invoice/limits";
import { NO_CURRENCY } from "../../core/invoice/currency";

const ZERO_HASH = `0x${"0".repeat(64)}`;

/** One day in seconds. */
export const DAY = 24 * 3600;
/** The dispute window the specs' invoices use. */
export const WINDOW = 7 * DAY;
/** PaymentEscrow's dispute timeout: after it, either party may end a dispute. */
export const DISPUTE_TIMEOUT = 30 * DAY;
/** The platform fee the escrow is deployed with, in basis points (1%). */
export const FEE_BPS = 100n;

/** The fee taken from `gross` at `bps` basis points (default {@link FEE_BPS}). */
export function fee(gross: bigint, bps = FEE_BPS): bigint {
  return (gross * bps) / 10_000n;
}

/** What {@link invoiceTerms} fills in: the rest of createInvoice's terms take their defaults. */
export interface TermsInput {
  payer?: string;
  token: string;
  amount: bigint;
  dueDate: number | bigint;
  disputeWindow?: number | bigint;
  arbiter?: string;
  maxFeeBps?: number | bigint;
  referenceHash?: string;
  /** An ISO 4217 code as bytes3 for an invoice priced in a currency; none by default. */
  currency?: string;
}

/**
 * PaymentEscrow.createInvoice's terms struct (IPaymentEscrow.InvoiceTerms) for the helpers that drive a real node:
 * anyone may pay and no arbiter unless given, a one-day dispute window, the highest fee cap (500 bps, so a fee change
 * in a scenario never refuses an invoice) and no reference.
 */
export function invoiceTerms(input: TermsInput) {
  return {
    payer: input.payer ?? ZERO_ADDRESS,
    token: input.token,
    amount: input.amount,
    dueDate: input.dueDate,
    disputeWindow: input.disputeWindow ?? DAY,
    arbiter: input.arbiter ?? ZERO_ADDRESS,
    maxFeeBps: input.maxFeeBps ?? MAX_FEE_BPS,
    referenceHash: input.referenceHash ?? ZERO_HASH,
    currency: input.currency ?? NO_CURRENCY,
  };
}
