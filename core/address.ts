/** Address helpers every layer shares (plain string comparisons: no checksum library needed). */

/** The zero address: "no payer", "no arbiter", and native ETH as a token. */
export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** True when both are the same address (case-insensitive); false when either is empty. */
export function sameAddress(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}

/** True for the zero address (or an empty value). */
export function isZeroAddress(address: string | null | undefined): boolean {
  return !address || /^0x0{40}$/i.test(address);
}
