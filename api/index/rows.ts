/**
 * What the read module returns: one type per kind of row of the index (indexer/ponder.schema.ts), decoded (amounts,
 * block numbers and timestamps as `bigint`, addresses and hashes as lowercase `0x` strings), and the index's status.
 * Token addresses are core/address's ZERO_ADDRESS for native ETH.
 */
import type { HistoryKind } from "../../core/history";
import type { InvoiceStatus } from "../../core/invoice/status";

/** A `0x`-prefixed lowercase hex string (address, hash). */
export type Hex = `0x${string}`;

/** One indexed chain's progress. */
export interface ChainHead {
  chainId: number;
  /** Network name in deployments/. */
  network: string;
  /** Latest block of the chain whose events are in the index, or null before the first one. */
  block: { number: bigint; timestamp: bigint } | null;
}

/** Ponder's progress for the indexed networks. */
export interface IndexStatus {
  /**
   * True when the index may be served: Ponder has indexed the finalized chain (its `ready`) and the
   * indexer's supervisor has seen it catch up with the chain's head since it last started.
   */
  ready: boolean;
  /** Network name in deployments/ (the key of Ponder's status) of the first network. */
  network: string | null;
  /** Latest block of the first network whose events are in the index, or null before the first one. */
  block: { number: bigint; timestamp: bigint } | null;
  /** Every indexed chain, in the order of the indexer's networks (empty until the supervisor has recorded them). */
  chains: ChainHead[];
}

/** One page of a cursor-paginated list. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** The feed answer that converted an invoice's price into its token at payment (InvoicePriced). */
export interface RateRow {
  /** The feed's answer: one whole token in the currency, with `decimals` decimals. */
  answer: bigint;
  decimals: number;
  /** The feed's round the answer comes from. */
  roundId: bigint;
}

/** An invoice priced in a currency: the ISO 4217 code, the price in hundredths, and its payment's rate once paid. */
export interface PricingRow {
  currency: string;
  price: bigint;
  rate: RateRow | null;
}

/** One row of the unified transaction history. */
export interface HistoryRow {
  /** The chain of the row. */
  chainId: number;
  /** Sorts in chain order; use it as the cursor. */
  id: string;
  account: Hex;
  counterparty: Hex | null;
  kind: HistoryKind;
  /** Token of `amount` (the zero address for ETH). */
  token: Hex;
  amount: bigint;
  /** The protocol fee taken from `amount` when it is the merchant's gross payout (release, claim, split); else null. */
  fee: bigint | null;
  invoiceId: bigint | null;
  /** On the invoice_created and invoice_paid rows of an invoice priced in a currency (the rate on invoice_paid). */
  pricing: PricingRow | null;
  txHash: Hex;
  logIndex: number;
  blockNumber: bigint;
  timestamp: bigint;
}

/** An address seen in the history, with counters. */
export interface AccountRow {
  /** The chain of the row: an address's counters are per chain. */
  chainId: number;
  address: Hex;
  firstSeenBlock: bigint;
  firstSeenTimestamp: bigint;
  lastSeenBlock: bigint;
  lastSeenTimestamp: bigint;
  historyCount: number;
  transfersIn: number;
  transfersOut: number;
  invoicesCreated: number;
  paymentsMade: number;
  stakingActions: number;
}

/** An account's current stake in StakingRewards. */
export interface StakeRow {
  /** The chain of the row. */
  chainId: number;
  account: Hex;
  token: Hex;
  /** Principal staked now. */
  balance: bigint;
  totalStaked: bigint;
  totalWithdrawn: bigint;
  rewardsToken: Hex;
  rewardsClaimed: bigint;
  updatedBlock: bigint;
  updatedTimestamp: bigint;
}

/** An invoice's current state: every field of PaymentEscrow's Invoice, and totals. */
export interface InvoiceRow {
  /** The chain of the row. */
  chainId: number;
  id: bigint;
  merchant: Hex;
  /** Null while the invoice is open to anyone (the first payment binds the payer). */
  payer: Hex | null;
  /** ERC-20 token, or the zero address for ETH. */
  token: Hex;
  /** Null when the invoice has no arbiter. */
  arbiter: Hex | null;
  amount: bigint;
  paid: bigint;
  /** Gross amount released or claimed to the merchant side (fees included). */
  released: bigint;
  /** Returned to the payer (refunds, reclaims, the payer's part of a split). */
  refunded: bigint;
  /** Protocol fees taken from the merchant's share. */
  fees: bigint;
  /** Held by the escrow for the invoice: paid - released - refunded. */
  held: bigint;
  /** Hash of the off-chain invoice details (the contract's referenceHash). */
  reference: Hex;
  dueDate: bigint;
  disputeWindow: number;
  feeBps: number;
  paidAt: bigint | null;
  disputedAt: bigint | null;
  disputeTimeoutAt: bigint | null;
  settlementProposer: Hex | null;
  settlementToMerchant: bigint | null;
  /** Status at the indexed head (an open or partially paid invoice past its due date is expired). */
  status: InvoiceStatus;
  createdBlock: bigint;
  createdTimestamp: bigint;
  createdTxHash: Hex;
  updatedBlock: bigint;
  updatedTimestamp: bigint;
  eventCount: number;
  /** Null for an invoice priced in its token. Until paid, a priced invoice's amount is 0. */
  pricing: PricingRow | null;
}

/** One PaymentEscrow event. */
export interface InvoiceEventRow {
  /** The chain of the row. */
  chainId: number;
  id: string;
  /** Null for escrow-wide events (Withdrawn, FeeBpsUpdated, FeeRecipientUpdated). */
  invoiceId: bigint | null;
  /** The event's name: InvoiceCreated, InvoicePaid, InvoiceReleased, ... */
  kind: string;
  actor: Hex | null;
  token: Hex | null;
  amount: bigint | null;
  toMerchant: bigint | null;
  toPayer: bigint | null;
  fee: bigint | null;
  /** Every argument of the event; uint values as decimal strings. */
  args: Record<string, unknown>;
  txHash: Hex;
  logIndex: number;
  blockNumber: bigint;
  timestamp: bigint;
}

/** What the escrow holds for an account in one token (fees, payouts that could not be pushed). */
export interface EscrowCreditRow {
  /** The chain of the row. */
  chainId: number;
  account: Hex;
  token: Hex;
  /** Withdrawable now. */
  balance: bigint;
  credited: bigint;
  withdrawn: bigint;
  updatedBlock: bigint;
}

/** Per-token totals. */
export interface TokenStatRow {
  /** The chain of the row. */
  chainId: number;
  token: Hex;
  /** Held by the escrow for invoices (paid, not yet released, claimed, refunded or reclaimed). */
  escrowLocked: bigint;
  /** Held by the escrow as credits awaiting withdrawal; escrowLocked + escrowCredits + feesAccrued is what it owes. */
  escrowCredits: bigint;
  /** Paid into invoices, all time. */
  escrowPaid: bigint;
  /** Principal staked in StakingRewards. */
  stakingLocked: bigint;
  /** Protocol fees taken from merchants' shares, all time. */
  feesEarned: bigint;
  /** Fees taken and not yet collected by the fee recipient. */
  feesAccrued: bigint;
  /** Surplus (tokens sent to the escrow directly) swept out, all time. */
  swept: bigint;
  rewardsFunded: bigint;
  rewardsPaid: bigint;
  updatedBlock: bigint;
}

/** Index-wide figures. */
export interface IndexStats {
  tokens: TokenStatRow[];
  /** Number of invoices in each status (statuses with no invoice are absent). */
  invoicesByStatus: Record<string, number>;
  /** Latest indexed block. */
  block: IndexStatus["block"];
}
