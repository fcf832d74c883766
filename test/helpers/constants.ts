/** The constants the contract specs share: time, and the escrow deployment's dispute window, timeout and fee. */

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
