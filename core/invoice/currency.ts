/**
 * Invoices priced in a currency (PaymentEscrow.payPriced, PriceFeeds): how a currency code travels on-chain (bytes3),
 * how a price is written (hundredths), and the payer's default slippage ceiling. Every layer imports these rules.
 */

/** InvoiceTerms.currency of an invoice priced in its token: no currency. */
export const NO_CURRENCY = "0x000000" as const;

/** Decimals of a price in a currency: always hundredths (PriceFeeds.PRICE_DECIMALS), whatever ISO 4217 says. */
export const PRICE_DECIMALS = 2;

/** An ISO 4217 code as PriceFeeds accepts it: three upper-case letters. */
export const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * ISO 4217 minor units (decimals of the smallest amount) of the currencies whose minor unit is not the hundredth; every
 * other currency has two (EUR, USD, GBP, CHF, …).
 */
export const MINOR_UNITS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"].map((code) => [
      code,
      0,
    ]),
  ),
  ...Object.fromEntries(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"].map((code) => [code, 3])),
  CLF: 4,
  UYW: 4,
};

/** The most decimals an amount of an EN 16931 e-invoice may have (its BR-DEC rules), whatever the currency. */
export const EN16931_DECIMALS = 2;

/** The ISO 4217 minor unit of `code`: 2 unless {@link MINOR_UNITS} says otherwise. */
export function minorUnits(code: string): number {
  return MINOR_UNITS[code] ?? 2;
}

/**
 * The smallest amount a tax in `currency` is rounded to, in base units of an amount with `decimals` decimals: the
 * currency's minor unit, at most {@link EN16931_DECIMALS} decimals (EN 16931 BR-CO-17 rounds a VAT category's tax to two
 * decimals); 1 when the amounts have no more decimals than that (e.g. a price in hundredths of euros).
 */
export function taxRoundingUnit(decimals: number, currency: string): bigint {
  const places = Math.min(minorUnits(currency), EN16931_DECIMALS);
  return decimals > places ? 10n ** BigInt(decimals - places) : 1n;
}

/** The slippage ceiling a payer allows by default, in basis points (1%). */
export const DEFAULT_SLIPPAGE_BPS = 100;

/** Highest slippage ceiling the tasks accept, in basis points (50%): more is surely a typo. */
export const MAX_SLIPPAGE_BPS = 5_000;

/** A bad currency code or price; the message names the fix. */
export class CurrencyError extends Error {
  override name = "CurrencyError";
}

/** `code` ("EUR") as InvoiceTerms.currency (bytes3 hex, "0x455552"). */
export function currencyToBytes3(code: string): `0x${string}` {
  if (!CURRENCY_CODE.test(code)) throw new CurrencyError(`"${code}" is not a currency code: give three capital letters, e.g. EUR`);
  return `0x${[...code].map((letter) => letter.charCodeAt(0).toString(16)).join("")}`;
}

/** The code of InvoiceTerms.currency `hex`, or undefined for {@link NO_CURRENCY}. */
export function currencyFromBytes3(hex: string): string | undefined {
  if (/^0x0{6}$/.test(hex)) return undefined;
  if (!/^0x[0-9a-fA-F]{6}$/.test(hex)) throw new CurrencyError(`"${hex}" is not a bytes3 currency`);
  const code = String.fromCharCode(...[0, 1, 2].map((i) => parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16)));
  if (!CURRENCY_CODE.test(code)) throw new CurrencyError(`"${hex}" is not an ISO 4217 code`);
  return code;
}

/** A price in a currency ("12.50", "3", "0.5") as hundredths (1250n, 300n, 50n); refuses more than two decimals. */
export function parsePrice(text: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) throw new CurrencyError(`"${text}" is not a price: give an amount with at most two decimals, e.g. 12.50`);
  const hundredths = BigInt(match[1]!) * 100n + BigInt((match[2] ?? "").padEnd(2, "0") || "0");
  if (hundredths === 0n) throw new CurrencyError("a price must be more than 0");
  return hundredths;
}

/** Hundredths as a price ("12.50"). */
export function formatPrice(hundredths: bigint): string {
  return `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")}`;
}

/** The payer's ceiling on a quoted token amount: `quoted` plus `slippageBps`, rounded up. */
export function ceilingFor(quoted: bigint, slippageBps: number = DEFAULT_SLIPPAGE_BPS): bigint {
  if (!Number.isInteger(slippageBps) || slippageBps < 0 || slippageBps > MAX_SLIPPAGE_BPS) {
    throw new CurrencyError(`slippage must be a whole number of basis points from 0 to ${MAX_SLIPPAGE_BPS}, not ${slippageBps}`);
  }
  return (quoted * BigInt(10_000 + slippageBps) + 9_999n) / 10_000n;
}

/** A feed's `answer` with `decimals` decimals as a decimal string without trailing zeros ("0.92", "2000"). */
export function formatRate(answer: bigint, decimals: number): string {
  const negative = answer < 0n;
  const digits = (negative ? -answer : answer).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}
