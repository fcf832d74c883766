import { EN16931_DECIMALS as CURRENCY_DECIMALS } from "../core/invoice/currency";
import { EinvoiceRefusal } from "./refusal";

/**
 * A token amount in cents of its currency, when it is a whole number of cents; refuses otherwise, naming the amount.
 * `what` says which amount it is ("line 2's net amount").
 */
export function toCents(base: bigint, token: { decimals: number; symbol: string }, what: string): bigint {
  const shift = token.decimals - CURRENCY_DECIMALS;
  if (shift <= 0) return base * 10n ** BigInt(-shift);
  const scale = 10n ** BigInt(shift);
  if (base % scale !== 0n) {
    throw new EinvoiceRefusal(
      "not_whole_cents",
      `${what} is ${decimal(base, token.decimals)} ${token.symbol}, not a whole number of cents: ` +
        `an e-invoice's amounts have at most ${CURRENCY_DECIMALS} decimals; price the lines and discounts in whole cents`,
    );
  }
  return base / scale;
}

/** An integer scaled by 10^decimals as plain decimal text, trailing zeros kept to `minDecimals` ("12.50", "0.125"). */
export function decimal(value: bigint, decimals: number, minDecimals = 0): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  let fraction = decimals > 0 ? digits.slice(digits.length - decimals) : "";
  while (fraction.length > minDecimals && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Cents as an EN 16931 amount with two decimals ("1234.50"). */
export function amount(cents: bigint): string {
  return decimal(cents, CURRENCY_DECIMALS, CURRENCY_DECIMALS);
}
