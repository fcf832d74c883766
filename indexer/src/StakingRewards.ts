import { ponder, type Context, type IndexingFunctionArgs } from "@/generated";
import type { Address } from "viem";
import { StakingRewardsAbi } from "../../core/abis/StakingRewards";
import { addTokenStats, recordHistory, rowId, type EventPosition, type Store } from "../lib/history";

/** Staking and reward token of a StakingRewards contract (immutables: read once per contract). */
interface StakingTokens {
  stakingToken: Address;
  rewardsToken: Address;
}
/** By `<chainId>:<contract>`: two chains may have a contract at the same address. */
const tokensByContract = new Map<string, Promise<StakingTokens>>();

/** The events carry no token address: read the contract's immutables once, at the event's block. */
function stakingTokens(context: Context, contract: Address): Promise<StakingTokens> {
  const key = rowId(context, contract);
  let tokens = tokensByContract.get(key);
  if (!tokens) {
    const read = (functionName: "stakingToken" | "rewardsToken") =>
      context.client.readContract({ abi: StakingRewardsAbi, address: contract, functionName });
    tokens = Promise.all([read("stakingToken"), read("rewardsToken")]).then(([stakingToken, rewardsToken]) => ({
      stakingToken,
      rewardsToken,
    }));
    tokens.catch(() => tokensByContract.delete(key));
    tokensByContract.set(key, tokens);
  }
  return tokens;
}

/** The columns of a StakingEvent row that differ between kinds. */
type StakingEventColumns = Omit<Parameters<Store["db"]["StakingEvent"]["create"]>[0]["data"], "chainId" | "txHash" | "blockNumber" | "logIndex" | "timestamp">;

/** Writes the StakingEvent row of `event` with `columns`, its id and position. */
async function recordStakingEvent(store: Store, event: EventPosition, columns: StakingEventColumns): Promise<void> {
  await store.db.StakingEvent.create({
    id: rowId(store, event.log.id),
    data: {
      ...columns,
      chainId: store.network.chainId,
      txHash: event.log.transactionHash,
      blockNumber: event.block.number,
      logIndex: event.log.logIndex,
      timestamp: event.block.timestamp,
    },
  });
}

/** Applies a stake change to the account's Stake row. */
async function updateStake(
  store: Store,
  event: EventPosition,
  account: Address,
  tokens: StakingTokens,
  change: { balance?: bigint; staked?: bigint; withdrawn?: bigint; claimed?: bigint },
) {
  const { number, timestamp } = event.block;
  await store.db.Stake.upsert({
    id: rowId(store, account),
    create: {
      chainId: store.network.chainId,
      account,
      token: tokens.stakingToken,
      balance: change.balance ?? 0n,
      totalStaked: change.staked ?? 0n,
      totalWithdrawn: change.withdrawn ?? 0n,
      rewardsToken: tokens.rewardsToken,
      rewardsClaimed: change.claimed ?? 0n,
      updatedBlock: number,
      updatedTimestamp: timestamp,
    },
    update: ({ current }) => ({
      balance: change.balance ?? current.balance,
      totalStaked: current.totalStaked + (change.staked ?? 0n),
      totalWithdrawn: current.totalWithdrawn + (change.withdrawn ?? 0n),
      rewardsClaimed: current.rewardsClaimed + (change.claimed ?? 0n),
      updatedBlock: number,
      updatedTimestamp: timestamp,
    }),
  });
}

/** A Staked or Withdrawn event: the event row, the account's stake, its history row and the pool's locked total. */
async function recordPrincipalChange(
  { event, context }: IndexingFunctionArgs<"StakingRewards:Staked" | "StakingRewards:Withdrawn">,
  kind: "Staked" | "Withdrawn",
): Promise<void> {
  const { account, amount, balance, totalStaked } = event.args;
  const tokens = await stakingTokens(context, event.log.address);
  await recordStakingEvent(context, event, { kind, account, token: tokens.stakingToken, amount, balance, totalStaked });
  await updateStake(context, event, account, tokens, kind === "Staked" ? { balance, staked: amount } : { balance, withdrawn: amount });
  await recordHistory(context, event, [
    {
      account,
      counterparty: event.log.address,
      kind: kind === "Staked" ? "staked" : "withdrawn",
      token: tokens.stakingToken,
      amount,
      counter: "stakingActions",
    },
  ]);
  await addTokenStats(context, event, tokens.stakingToken, {}, { stakingLocked: totalStaked });
}

ponder.on("StakingRewards:Staked", (args) => recordPrincipalChange(args, "Staked"));

ponder.on("StakingRewards:Withdrawn", (args) => recordPrincipalChange(args, "Withdrawn"));

ponder.on("StakingRewards:RewardPaid", async ({ event, context }) => {
  const { account, reward } = event.args;
  const tokens = await stakingTokens(context, event.log.address);
  await recordStakingEvent(context, event, { kind: "RewardPaid", account, token: tokens.rewardsToken, amount: reward });
  await updateStake(context, event, account, tokens, { claimed: reward });
  await recordHistory(context, event, [
    {
      account,
      counterparty: event.log.address,
      kind: "reward_claimed",
      token: tokens.rewardsToken,
      amount: reward,
      counter: "stakingActions",
    },
  ]);
  await addTokenStats(context, event, tokens.rewardsToken, { rewardsPaid: reward });
});

ponder.on("StakingRewards:RewardAdded", async ({ event, context }) => {
  const { reward, carried, rewardRate, periodStart, periodFinish } = event.args;
  const tokens = await stakingTokens(context, event.log.address);
  await recordStakingEvent(context, event, {
      kind: "RewardAdded",
      token: tokens.rewardsToken,
      amount: reward,
      carried,
      rewardRate,
      periodStart,
      periodFinish,
    });
  await addTokenStats(context, event, tokens.rewardsToken, { rewardsFunded: reward });
});

ponder.on("StakingRewards:RewardsDurationUpdated", async ({ event, context }) => {
  await recordStakingEvent(context, event, { kind: "RewardsDurationUpdated", amount: event.args.duration });
});

ponder.on("StakingRewards:Recovered", async ({ event, context }) => {
  const { token, amount, to } = event.args;
  await recordStakingEvent(context, event, { kind: "Recovered", account: to, token, amount });
  await recordHistory(context, event, [{ account: to, counterparty: event.log.address, kind: "recovered", token, amount }]);
});
