/**
 * Credit notes: how a refund of part or all of an invoice's gross is split into net and tax per rate.
 *
 * The refund is spread over the invoice's rates in proportion to each rate's gross (base + tax), rounded down, the
 * units left over going one each to the rates with the largest remainders (the higher rate on a tie); within a rate, the tax credited is the rate's tax × share / rate's gross,
 * rounded half-up, and the rest is net. A full refund credits exactly the invoice's figures; the parts always add
 * up to the refund.
 */
import { type TaxLine, divideHalfUp } from "./totals";

/** What a credit note credits. */
export interface CreditSplit {
  /** Per rate of the invoice: base = net credited, amount = tax credited. */
  taxes: TaxLine[];
  /** Σ net credited. */
  net: bigint;
  /** Σ tax credited. */
  tax: bigint;
  /** The refund: net + tax. */
  total: bigint;
}

/**
 * Splits `refund` over the invoice's `taxes` (by increasing rate, as core/invoice/totals gives them; an invoice
 * without taxes passes one rate "0" whose base is its total).
 *
 * @throws RangeError when the refund is negative or above the invoice's gross, or the invoice has no gross
 */
export function creditSplit(taxes: ReadonlyArray<TaxLine>, refund: bigint): CreditSplit {
  const gross = taxes.reduce((sum, t) => sum + t.base + t.amount, 0n);
  if (gross <= 0n || refund < 0n || refund > gross) throw new RangeError(`a refund of ${refund} does not fit an invoice of ${gross}`);
  const shares = taxes.map((t) => ((t.base + t.amount) * refund) / gross);
  const left = Number(refund - shares.reduce((a, b) => a + b, 0n));
  const remainders = taxes.map((t, n) => ({ n, remainder: ((t.base + t.amount) * refund) % gross }));
  remainders.sort((a, b) => (a.remainder === b.remainder ? b.n - a.n : a.remainder > b.remainder ? -1 : 1));
  for (const { n } of remainders.slice(0, left)) shares[n]! += 1n;
  const credited = taxes.map((t, n) => {
    const share = shares[n]!;
    const rateGross = t.base + t.amount;
    const tax = rateGross === 0n ? 0n : divideHalfUp(share * t.amount, rateGross);
    return { rate: t.rate, base: share - tax, amount: tax };
  });
  const net = credited.reduce((a, t) => a + t.base, 0n);
  const tax = credited.reduce((a, t) => a + t.amount, 0n);
  return { taxes: credited, net, tax, total: net + tax };
}
