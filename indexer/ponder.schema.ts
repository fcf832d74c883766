import { createSchema } from "@ponder/core";
import { HISTORY_KINDS } from "../core/history";
import { INVOICE_STATUSES } from "../core/invoice/status";

/**
 * Settle's index, of every indexed network at once. Every row carries the `chainId` of its chain, and every id is
 * scoped by it (core/index-schema's chainScopedId and historyRowId build them): `<chainId>:<key>`. Every amount is a
 * bigint of base units next to the address of its token (`0x000…000` is native ETH). Event rows are keyed by
 * `<chainId>:<event.log.id>` and carry `blockNumber` and `logIndex` for chain order. The API reads these tables through its read module
 * (api/index/); table names and the SQLite column encoding are in core/index-schema.ts.
 */
export default createSchema((p) => ({
  /** What a history row records. */
  HistoryKind: p.createEnum(HISTORY_KINDS),

  /**
   * Status of an invoice, as PaymentEscrow's `status()` derives it (IPaymentEscrow.Status). The
   * stored value is the status at the invoice's last event; `open` and `partially_paid` become
   * `expired` once the due date has passed, without an event: readers apply that with the
   * indexed head's timestamp (api/index/ does, with core/invoice/status.ts).
   */
  InvoiceStatus: p.createEnum(INVOICE_STATUSES),

  /** Every address that appears in the history: when it was first and last seen, and counters. */
  Account: p.createTable({
    /** The chain of the row. */
    chainId: p.int(),
    /** `<chainId>:<address>`. */
    id: p.string(),
    address: p.hex(),
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
      /** The chain of the row. */
      chainId: p.int(),
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
      // Account views go through History; transfers are looked up by transaction.
      txHashIndex: p.index("txHash"),
    },
  ),

  /** Current state of each invoice of PaymentEscrow: every field of the contract's Invoice, and totals. */
  Invoice: p.createTable(
    {
      /** The chain of the row. */
      chainId: p.int(),
      /** `<chainId>:<invoiceId>`. */
      id: p.string(),
      /** The invoice id on its chain (sequential from 1). */
      invoiceId: p.bigint(),
      merchant: p.hex(),
      /** The payer: fixed at creation, or bound by the first payment; null while open to anyone. */
      payer: p.hex().optional(),
      /** ERC-20 token, or `0x000…000` for native ETH. */
      token: p.hex(),
      /** Arbiter of disputes; null when the invoice has none. */
      arbiter: p.hex().optional(),
      amount: p.bigint(),
      paid: p.bigint(),
      /** Gross amount released or claimed to the merchant side (fees included). */
      released: p.bigint(),
      /** Amount returned to the payer (refunds, reclaims, the payer's part of a split). */
      refunded: p.bigint(),
      /** Protocol fees taken from the merchant's share. */
      fees: p.bigint(),
      /** What the escrow holds for the invoice: paid - released - refunded. */
      held: p.bigint(),
      /** Hash of the off-chain invoice details (referenceHash). */
      reference: p.hex(),
      dueDate: p.bigint(),
      disputeWindow: p.int(),
      feeBps: p.int(),
      /** Time of the full payment (the dispute window starts there), null before. */
      paidAt: p.bigint().optional(),
      disputedAt: p.bigint().optional(),
      /** From then on the payer may reclaim a dispute the arbiter left unresolved. */
      disputeTimeoutAt: p.bigint().optional(),
      /** The standing settlement proposal of a dispute: who proposed it and the merchant's gross share. */
      settlementProposer: p.hex().optional(),
      settlementToMerchant: p.bigint().optional(),
      /** The contract's stored state (open, disputed, refunded, resolved, cancelled): the rest is derived. */
      state: p.string(),
      status: p.enum("InvoiceStatus"),
      createdBlock: p.bigint(),
      createdTimestamp: p.bigint(),
      createdTxHash: p.hex(),
      updatedBlock: p.bigint(),
      updatedTimestamp: p.bigint(),
      /** Number of InvoiceEvent rows of the invoice. */
      eventCount: p.int(),
      /**
       * An invoice priced in a currency (InvoiceCurrencySet): the ISO 4217 code and the price in hundredths of it; null
       * for an invoice priced in its token. Until its payment converts the price, `amount` is 0 and `token` the one
       * accepted token or `0x000…000` for any (as the contract's getInvoice says).
       */
      currency: p.string().optional(),
      price: p.bigint().optional(),
      /** The conversion of its payment (InvoicePriced): the feed's answer, the answer's decimals and the feed's round. */
      rateAnswer: p.bigint().optional(),
      rateDecimals: p.int().optional(),
      rateRoundId: p.bigint().optional(),
    },
    {
      merchantIndex: p.index(["merchant", "invoiceId"]),
      payerIndex: p.index(["payer", "invoiceId"]),
      invoiceIdIndex: p.index(["invoiceId", "chainId"]),
      referenceIndex: p.index("reference"),
      statusDueIndex: p.index(["status", "dueDate"]),
    },
  ),

  /** Every PaymentEscrow event, in chain order (blockNumber, logIndex). */
  InvoiceEvent: p.createTable(
    {
      /** The chain of the row. */
      chainId: p.int(),
      id: p.string(),
      /** Null for escrow-wide events (Withdrawn, FeesCollected, Swept and the settings' events). */
      invoiceId: p.bigint().optional(),
      /** The event's name (InvoiceCreated, InvoicePaid, ...). */
      kind: p.string(),
      /** Who acted: merchant, payer, arbiter, proposer/acceptor, or the account credited or withdrawing. */
      actor: p.hex().optional(),
      token: p.hex().optional(),
      /** The event's main amount (invoice amount, payment, gross release, refund, held, credit...). */
      amount: p.bigint().optional(),
      toMerchant: p.bigint().optional(),
      toPayer: p.bigint().optional(),
      fee: p.bigint().optional(),
      /** Every argument of the event (bigints as decimal strings). */
      args: p.json(),
      txHash: p.hex(),
      blockNumber: p.bigint(),
      logIndex: p.int(),
      timestamp: p.bigint(),
    },
    {
      invoiceIndex: p.index(["invoiceId", "blockNumber", "logIndex"]),
    },
  ),

  /** Credits held by the escrow for an account (fees, payouts that could not be pushed), per token. */
  EscrowCredit: p.createTable({
    /** The chain of the row. */
    chainId: p.int(),
    /** `<chainId>:<account>-<token>`. */
    id: p.string(),
    account: p.hex(),
    token: p.hex(),
    /** Withdrawable now (the contract's `credits(account, token)`). */
    balance: p.bigint(),
    credited: p.bigint(),
    withdrawn: p.bigint(),
    updatedBlock: p.bigint(),
  }),

  /** Escrow-wide settings, one row per escrow contract. */
  EscrowSetting: p.createTable({
    /** The chain of the row. */
    chainId: p.int(),
    /** `<chainId>:<escrow>`. */
    id: p.string(),
    /** The escrow's address. */
    escrow: p.hex(),
    feeBps: p.int(),
    feeRecipient: p.hex(),
    /** Whether new invoices are limited to the tokens of EscrowToken marked allowed. */
    allowlistEnabled: p.boolean(),
    updatedBlock: p.bigint(),
  }),

  /** The escrow's token allowlist: every token the token manager listed or delisted. */
  EscrowToken: p.createTable({
    /** The chain of the row. */
    chainId: p.int(),
    /** `<chainId>:<token>`. */
    id: p.string(),
    token: p.hex(),
    allowed: p.boolean(),
    updatedBlock: p.bigint(),
  }),

  /** Current stake of each account in StakingRewards. */
  Stake: p.createTable({
    /** The chain of the row. */
    chainId: p.int(),
    /** `<chainId>:<staker>`. */
    id: p.string(),
    /** The staker's address. */
    account: p.hex(),
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
      /** The chain of the row. */
      chainId: p.int(),
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
    },
  ),

  /**
   * The unified transaction history: one row per account an event concerns (a payment is a row
   * for the payer and one for the merchant). The id (core/index-schema's historyRowId) sorts in time order across
   * chains and in chain order within one, so it doubles as a cursor.
   */
  History: p.createTable(
    {
      /** The chain of the row. */
      chainId: p.int(),
      id: p.string(),
      account: p.hex(),
      counterparty: p.hex().optional(),
      kind: p.enum("HistoryKind"),
      token: p.hex(),
      amount: p.bigint(),
      /** On rows whose amount is the merchant's gross payout (release, claim, the merchant's part of a split): the protocol fee taken from it; the merchant received amount − fee. */
      fee: p.bigint().optional(),
      invoiceId: p.bigint().optional(),
      /** On the invoice_created and invoice_paid rows of an invoice priced in a currency: its code and price (hundredths). */
      currency: p.string().optional(),
      price: p.bigint().optional(),
      /** On the invoice_paid row of such an invoice: the feed's answer that converted the price, its decimals and round. */
      rateAnswer: p.bigint().optional(),
      rateDecimals: p.int().optional(),
      rateRoundId: p.bigint().optional(),
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

  /**
   * Per token: value locked in the escrow and in staking, fees, rewards. What the escrow owes in a token is
   * `escrowLocked + escrowCredits + feesAccrued` (its `totalOwed`); anything above that is surplus (tokens sent to it
   * directly), which a sweeper may send away (`swept`).
   */
  TokenStat: p.createTable({
    /** The chain of the row. */
    chainId: p.int(),
    /** `<chainId>:<token>`. */
    id: p.string(),
    /** The token (`0x000…000` for ETH). */
    token: p.hex(),
    /** Held by the escrow for invoices (paid, not yet released, claimed, refunded or reclaimed). */
    escrowLocked: p.bigint(),
    /** Held by the escrow as credits awaiting withdrawal (payouts that could not be pushed). */
    escrowCredits: p.bigint(),
    /** Paid into invoices, all time. */
    escrowPaid: p.bigint(),
    stakingLocked: p.bigint(),
    /** Protocol fees taken from merchants' shares, all time. */
    feesEarned: p.bigint(),
    /** Fees taken and not yet collected by the fee recipient (the contract's `feesAccrued`). */
    feesAccrued: p.bigint(),
    /** Surplus swept out of the escrow, all time. */
    swept: p.bigint(),
    rewardsFunded: p.bigint(),
    rewardsPaid: p.bigint(),
    updatedBlock: p.bigint(),
  }),

  /** Number of invoices per status (as of each invoice's last event; see InvoiceStatus). */
  InvoiceStatusCount: p.createTable({
    /** The chain of the row. */
    chainId: p.int(),
    /** `<chainId>:<status>`. */
    id: p.string(),
    status: p.string(),
    count: p.int(),
  }),
}));
