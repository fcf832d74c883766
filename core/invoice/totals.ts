/**
 * Invoice arithmetic: discounts, taxes per rate, net and gross, exactly, in the token's base units (bigint).
 *
 * The one rounding rule: a line's net amount is exact (quantity × unit price − discount, all integers in base
 * units); the tax of each rate is computed once, on the sum of the net amounts of the lines at that rate, and
 * rounded half-up to a whole tax unit; gross = Σ net + Σ tax. Nothing else is rounded, so the document's figures
 * add up to the base unit and the on-chain amount is the gross. The tax unit is one base unit, except for an invoice
 * whose amounts are in a currency (priced in it, or in a token declared a stablecoin of it: core/invoice/stablecoins),
 * where it is the currency's minor unit, at most a cent (core/invoice/currency taxRoundingUnit): EN 16931's BR-CO-17,
 * "category tax = taxable amount × rate / 100, rounded to two decimals", so the human document, the e-invoice and the
 * on-chain amount agree to the cent.
 *
 * A tax rate is a percentage written in decimal with at most {@link TAX_RATE_DECIMALS} decimals ("20", "5.5",
 * "9.975"), between 0 and 100; "0" with a {@link TaxMention} marks an exempt or reverse-charge line.
 */

/** Decimals a tax rate (in percent) may have. */
export const TAX_RATE_DECIMALS = 3;

/** The rate "100" in the integer units {@link parseTaxRate} returns (percent × 10^TAX_RATE_DECIMALS). */
const HUNDRED_PERCENT = 100n * 10n ** BigInt(TAX_RATE_DECIMALS);

/** A tax rate as text: 0 to 100, at most three decimals, no sign, no leading zeros, no exponent. */
export const TAX_RATE_PATTERN = /^(0|[1-9]\d{0,2})(\.\d{1,3})?$/;

/** Why a line carries no tax: exempt (e.g. French art. 293 B CGI) or reverse charge (the customer accounts for it). */
export const TAX_MENTIONS = ["exempt", "reverse_charge"] as const;

/** One of {@link TAX_MENTIONS}. */
export type TaxMention = (typeof TAX_MENTIONS)[number];

/** A line as the arithmetic sees it (base units; the rate as text). */
export interface LineInput {
  quantity: bigint;
  unitPrice: bigint;
  /** A fixed amount off the line, in base units (0 for none); at most quantity × unitPrice. */
  discount: bigint;
  taxRate: string;
}

/** The tax of one rate. */
export interface TaxLine {
  /** The rate, normalized ({@link normalizeTaxRate}). */
  rate: string;
  /** Σ net of the lines at this rate. */
  base: bigint;
  /** base × rate / 100, rounded half-up to the tax unit. */
  amount: bigint;
}

/** Every figure of an invoice. */
export interface InvoiceTotals {
  /** Each line's net (quantity × unitPrice − discount), in input order. */
  nets: bigint[];
  /** Σ net. */
  subtotal: bigint;
  /** One entry per distinct rate, by increasing rate. */
  taxes: TaxLine[];
  /** Σ tax. */
  tax: bigint;
  /** subtotal + tax: the on-chain amount. */
  total: bigint;
}

/**
 * The rate in integer units of 1/1000 percent ("5.5" → 5500n).
 *
 * @throws Error when `rate` is not a rate between 0 and 100 written as {@link TAX_RATE_PATTERN} says
 */
export function parseTaxRate(rate: string): bigint {
  if (!TAX_RATE_PATTERN.test(rate)) throw new Error(`tax rate "${rate}" must be a percentage like 20 or 5.5 (at most 3 decimals)`);
  const [whole, fraction = ""] = rate.split(".");
  const units = BigInt(whole!) * 10n ** BigInt(TAX_RATE_DECIMALS) + BigInt(fraction.padEnd(TAX_RATE_DECIMALS, "0"));
  if (units > HUNDRED_PERCENT) throw new Error(`tax rate "${rate}" must be at most 100`);
  return units;
}

/** True when `rate` is a tax rate {@link parseTaxRate} accepts. */
export function isTaxRate(rate: string): boolean {
  try {
    parseTaxRate(rate);
    return true;
  } catch {
    return false;
  }
}

/** The canonical text of a rate: no trailing zeros after the point ("5.50" → "5.5", "20.0" → "20"). */
export function normalizeTaxRate(rate: string): string {
  const units = parseTaxRate(rate);
  const scale = 10n ** BigInt(TAX_RATE_DECIMALS);
  const fraction = (units % scale).toString().padStart(TAX_RATE_DECIMALS, "0").replace(/0+$/, "");
  return `${units / scale}${fraction ? `.${fraction}` : ""}`;
}

/**
 * `numerator / denominator` rounded half-up (half a unit goes up) for non-negative operands.
 *
 * @throws RangeError for a negative numerator or a non-positive denominator
 */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n) throw new RangeError("divideHalfUp takes a non-negative numerator and a positive denominator");
  return (2n * numerator + denominator) / (2n * denominator);
}

/**
 * The tax at `rate` on `base`: base × rate / 100, rounded half-up to a multiple of `unit` base units (1: a base unit).
 *
 * @throws RangeError for a unit below 1
 */
export function taxOn(base: bigint, rate: string, unit = 1n): bigint {
  if (unit < 1n) throw new RangeError("the tax unit must be at least one base unit");
  return divideHalfUp(base * parseTaxRate(rate), HUNDRED_PERCENT * unit) * unit;
}

/**
 * Net, tax per rate and gross of `lines` (see the rounding rule above); each rate's tax is rounded to a multiple of
 * `taxUnit` base units (core/invoice/stablecoins invoiceTaxUnit says which).
 *
 * @throws RangeError for a negative quantity, price or discount, a discount above the line's amount, a unit below 1
 * @throws Error for a malformed rate
 */
export function computeInvoiceTotals(lines: ReadonlyArray<LineInput>, taxUnit = 1n): InvoiceTotals {
  const bases = new Map<string, bigint>();
  const nets = lines.map((line, n) => {
    if (line.quantity < 0n || line.unitPrice < 0n || line.discount < 0n)
      throw new RangeError(`line ${n + 1}: amounts must not be negative`);
    const net = line.quantity * line.unitPrice - line.discount;
    if (net < 0n) throw new RangeError(`line ${n + 1}: the discount is larger than the line's amount`);
    const rate = normalizeTaxRate(line.taxRate);
    bases.set(rate, (bases.get(rate) ?? 0n) + net);
    return net;
  });
  const taxes = [...bases.entries()]
    .sort(([a], [b]) => (parseTaxRate(a) < parseTaxRate(b) ? -1 : 1))
    .map(([rate, base]) => ({ rate, base, amount: taxOn(base, rate, taxUnit) }));
  const subtotal = nets.reduce((a, b) => a + b, 0n);
  const tax = taxes.reduce((a, t) => a + t.amount, 0n);
  return { nets, subtotal, taxes, tax, total: subtotal + tax };
}
