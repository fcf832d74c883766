/** What the staking screen shows, read from the chain at one block: the account's position and the pool. */
import type { Provider } from "ethers";
import { tokenInfo, type Deployment } from "../../lib/contracts";
import type { TokenInfo } from "../../lib/format";
import { app } from "../../lib/state";

/** A snapshot of the account's position and the pool, read from the chain. */
export interface StakingSnapshot {
  token: TokenInfo;
  wallet: bigint;
  staked: bigint;
  earned: bigint;
  totalStaked: bigint;
  rewardRate: bigint;
  rateScale: bigint;
  periodFinish: number;
  minimumPool: bigint;
  paused: boolean;
  /** Timestamp of the block the snapshot was read at. */
  blockTime: number;
  /** Local clock (ms) when it was read, to tick between reads. */
  readAt: number;
}

/** Reads `account`'s position and the pool at the latest block. */
export async function readSnapshot(deployment: Deployment, provider: Provider, account: string): Promise<StakingSnapshot> {
  const staking = deployment.contract("StakingRewards", provider);
  const token = deployment.contract("SettleToken", provider);
  const tokenAddress = deployment.address("SettleToken");
  const [info, wallet, staked, earned, totalStaked, rewardRate, rateScale, periodFinish, minimumPool, paused, block] = await Promise.all([
    tokenInfo(tokenAddress, deployment.chainId, app.connection),
    token.balanceOf(account),
    staking.balanceOf(account),
    staking.earned(account),
    staking.totalStaked(),
    staking.rewardRate(),
    staking.RATE_SCALE(),
    staking.periodFinish(),
    staking.minimumPool(),
    staking.paused().catch(() => false),
    provider.getBlock("latest"),
  ]);
  return {
    token: info,
    wallet,
    staked,
    earned,
    totalStaked,
    rewardRate,
    rateScale,
    periodFinish: Number(periodFinish),
    minimumPool,
    paused,
    blockTime: block?.timestamp ?? Math.floor(Date.now() / 1000),
    readAt: Date.now(),
  };
}

/** Earned now: the chain's figure at its block, plus this account's share of the rate since then. */
export function earnedNow(s: StakingSnapshot): bigint {
  if (s.staked === 0n || s.totalStaked < s.minimumPool || s.totalStaked === 0n) return s.earned;
  const now = s.blockTime + (Date.now() - s.readAt) / 1000;
  const until = Math.min(now, s.periodFinish);
  const seconds = Math.max(0, until - s.blockTime);
  const millis = BigInt(Math.floor(seconds * 1000));
  return s.earned + (s.rewardRate * s.staked * millis) / (s.rateScale * s.totalStaked * 1000n);
}
