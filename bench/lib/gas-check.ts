/** The gas snapshot check: a fresh run against the committed bench/results/gas.json. */

/** Gas per operation, as bench/results/gas.json holds it. */
export type GasFigures = Record<string, number>;

/** The largest fresh/committed ratio that still passes: 1% above the committed figure. */
export const GAS_TOLERANCE = 1.01;

/** One operation whose fresh figure exceeds the committed one by more than the tolerance. */
export interface GasRegression {
  /** The operation, e.g. `escrow.release`. */
  operation: string;
  /** Gas in this run. */
  fresh: number;
  /** Gas in the committed snapshot. */
  committed: number;
  /** fresh ÷ committed. */
  ratio: number;
}

/**
 * The operations of `committed` that got more expensive than `tolerance` allows in `fresh`, and
 * those the fresh run no longer measures (ratio NaN). Operations new in `fresh` pass: committing
 * the file records them.
 */
export function gasRegressions(committed: GasFigures, fresh: GasFigures, tolerance = GAS_TOLERANCE): GasRegression[] {
  return Object.entries(committed).flatMap(([operation, before]) => {
    const now = fresh[operation];
    if (now === undefined) return [{ operation, fresh: NaN, committed: before, ratio: NaN }];
    const ratio = now / before;
    return ratio > tolerance ? [{ operation, fresh: now, committed: before, ratio }] : [];
  });
}

/** One line per regression for the CI log. */
export function describeRegression(r: GasRegression): string {
  if (Number.isNaN(r.fresh)) return `${r.operation}: not measured any more (committed ${r.committed.toLocaleString("en")} gas)`;
  return (
    `${r.operation}: ${r.fresh.toLocaleString("en")} gas, committed ${r.committed.toLocaleString("en")}, ` +
    `ratio ${r.ratio.toFixed(4)} (over ${GAS_TOLERANCE})`
  );
}
