import { Interface } from "ethers";
import { StakingRewardsAbi } from "../../core/abis/StakingRewards";
import { aprBps, formatBpsPercent } from "../../core/staking";

/** StakingRewards views /blockchain/staking reads, encoded from the generated ABI. */
export const STAKING_VIEWS = new Interface(StakingRewardsAbi);

/**
 * APR in percent with two decimals (core/staking's formula): "0.00" while no reward period runs, null while nothing
 * is staked.
 */
export function aprPercent(rewardRate: bigint, rateScale: bigint, totalStaked: bigint, active: boolean): string | null {
  if (!active) return "0.00";
  const bps = aprBps(rewardRate, rateScale, totalStaked, active);
  return bps === undefined ? null : formatBpsPercent(bps);
}
