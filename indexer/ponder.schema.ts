import { createSchema } from "@ponder/core";

/**
 * Settle's index. Every amount is a bigint of base units next to the address of its token
 * (`0x000…000` is native ETH). Event rows are keyed by Ponder's `event.log.id` and carry
 * `blockNumber` and `logIndex` for chain order. The API reads these tables through
 * api/lib/index-reader.ts; in SQLite a `bigint` is 79-digit zero-padded text and a `hex` a BLOB.
 */
export default createSchema((p) => ({
  /** What a history row records. */
  HistoryKind: p.createEnum([
    "transfer_in",
    "transfer_out",
    "staked",
    "withdrawn",
    "reward_claimed",
    "recovered",
    "invoice_created",
    "invoice_paid",
    "released",
    "claimed",
    "refunded",
    "disputed",
    "resolved",
    "cancelled",
    "reclaimed",
    "credited",
    "credit_withdrawn",
  ]),

  /** Every address that appears in the history: when it was first and last seen, and counters. */
  Account: p.createTable({
    /** The address. */
    id: p.hex(),
    firstSeenBlock: p.bigint(),
    firstSeenTimestamp: p.bigint(),
    lastSeenBlock: p.bigint(),
    lastSeenTimestamp: p.bigint(),
    /** Number of History rows of this account. */
    historyCount: p.int(),
    /** Indexed token transfers received and sent (mints and burns included). */
    transfersIn: p.int(),
    transfersOut: p.int(),
    /** Invoices created as merchant, and payments made as payer. */
    invoicesCreated: p.int(),
    paymentsMade: p.int(),
    /** Staked, Withdrawn and RewardPaid events of this account. */
    stakingActions: p.int(),
  }),

  /** Every Transfer of SettleToken, and of any ERC-20 moving into or out of the escrow. */
  TokenTransfer: p.createTable(
    {
      id: p.string(),
      token: p.hex(),
      from: p.hex(),
      to: p.hex(),
      amount: p.bigint(),
      txHash: p.hex(),
      blockNumber: p.bigint(),
      logIndex: p.int(),
      timestamp: p.bigint(),
    },
    {
      tokenBlockIndex: p.index(["token", "blockNumber"]),
      fromIndex: p.index("from"),
      toIndex: p.index("to"),
      txHashIndex: p.index("txHash"),
    },
  ),

  /** Current stake of each account in StakingRewards. */
  Stake: p.createTable({
    /** The staker's address. */
    id: p.hex(),
    /** The staking token. */
    token: p.hex(),
    /** Principal staked now (the contract's `balanceOf`). */
    balance: p.bigint(),
    totalStaked: p.bigint(),
    totalWithdrawn: p.bigint(),
    /** The reward token, and every reward paid to the account. */
    rewardsToken: p.hex(),
    rewardsClaimed: p.bigint(),
    updatedBlock: p.bigint(),
    updatedTimestamp: p.bigint(),
  }),

  /** Every StakingRewards event, in chain order (blockNumber, logIndex). */
  StakingEvent: p.createTable(
    {
      id: p.string(),
      kind: p.string(),
      /** Staker (Staked, Withdrawn, RewardPaid), recipient (Recovered), or null. */
      account: p.hex().optional(),
      /** Token of `amount`: staking token, reward token, or the recovered token. */
      token: p.hex().optional(),
      /** Staked/withdrawn/paid/added/recovered amount; the new duration for RewardsDurationUpdated. */
      amount: p.bigint(),
      /** Account's stake after the event (Staked, Withdrawn). */
      balance: p.bigint().optional(),
      /** Pool after the event (Staked, Withdrawn). */
      totalStaked: p.bigint().optional(),
      /** RewardAdded: carried (scaled) rewards, rate (scaled), period. */
      carried: p.bigint().optional(),
      rewardRate: p.bigint().optional(),
      periodStart: p.bigint().optional(),
      periodFinish: p.bigint().optional(),
      txHash: p.hex(),
      blockNumber: p.bigint(),
      logIndex: p.int(),
      timestamp: p.bigint(),
    },
    {
      accountIndex: p.index(["account", "blockNumber"]),
      blockIndex: p.index(["blockNumber", "logIndex"]),
    },
  ),

  /**
   * The unified transaction history: one row per account an event concerns (a payment is a row
   * for the payer and one for the merchant). The id sorts in chain order:
   * `<block, 12 digits>-<log index, 6 digits>-<kind>-<account>`, so it doubles as a cursor.
   */
  History: p.createTable(
    {
      id: p.string(),
      account: p.hex(),
      counterparty: p.hex().optional(),
      kind: p.enum("HistoryKind"),
      token: p.hex(),
      amount: p.bigint(),
      invoiceId: p.bigint().optional(),
      txHash: p.hex(),
      logIndex: p.int(),
      blockNumber: p.bigint(),
      timestamp: p.bigint(),
    },
    {
      accountIdIndex: p.index(["account", "id"]),
      invoiceIndex: p.index(["invoiceId", "id"]),
      txHashIndex: p.index("txHash"),
    },
  ),

  /** Per token: value locked in the escrow and in staking, fees collected, rewards. */
  TokenStat: p.createTable({
    /** The token (`0x000…000` for ETH). */
    id: p.hex(),
    escrowLocked: p.bigint(),
    stakingLocked: p.bigint(),
    feesCollected: p.bigint(),
    rewardsFunded: p.bigint(),
    rewardsPaid: p.bigint(),
    updatedBlock: p.bigint(),
  }),
}));
