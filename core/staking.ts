/** Staking figures every layer shows the same way. */

/** Seconds in the year the APR is computed over (365 days). */
export const YEAR_SECONDS = 365n * 86_400n;

/**
 * The pool's APR in basis points: rewardRate / rateScale tokens per second over a year, against what is staked. Only
 * meaningful when the staking and reward tokens are the same (or of equal value). Undefined while nothing is staked
 * or no reward period runs.
 *
 * @param rewardRate StakingRewards.rewardRate() (reward tokens per second, scaled by rateScale)
 * @param rateScale StakingRewards.RATE_SCALE()
 */
export function aprBps(rewardRate: bigint, rateScale: bigint, totalStaked: bigint, active: boolean): bigint | undefined {
  if (!active || totalStaked === 0n || rateScale === 0n) return undefined;
  return (rewardRate * YEAR_SECONDS * 10_000n) / (rateScale * totalStaked);
}

/** "12.34": basis points as a percentage with two decimals. */
export function formatBpsPercent(bps: bigint): string {
  return `${bps / 100n}.${(bps % 100n).toString().padStart(2, "0")}`;
}
