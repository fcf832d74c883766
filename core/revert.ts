/**
 * Contract reverts for people: one sentence per custom error of Settle's contracts and of OpenZeppelin's tokens, and
 * the search for revert data inside whatever error a provider or wallet throws. The page, the tasks and the API use it.
 */
import { currencyFromBytes3 } from "./invoice/currency";
import { statusFromValue } from "./invoice/status";
import { statusLabel } from "./labels";
import { formatBpsPercent } from "./staking";

/** How the sentences show amounts, times and addresses (each layer formats them its own way). */
export interface RevertFormat {
  /** An amount in the token's base units, with its unit ("1.50 SETL"). */
  amount(value: unknown): string;
  /** A unix time in seconds. */
  dateTime(seconds: number): string;
  /** An address, possibly shortened. */
  address(address: string): string;
}

/** "awaiting payment" for on-chain status value 1; "in another state" for an unknown value. */
function statusPhrase(value: unknown): string {
  const status = statusFromValue(Number(value));
  return status ? statusLabel(status).toLowerCase() : "in another state";
}

const MESSAGES: Record<string, (a: ArrayLike<unknown>, f: RevertFormat) => string> = {
  StakingZeroAmount: () => "Enter an amount greater than zero.",
  StakingInsufficientBalance: (a, f) => `You have only ${f.amount(a[1])} staked, less than the ${f.amount(a[2])} you asked to withdraw.`,
  StakingAmountTooLarge: () => "This stake would take the pool past its size limit. Try a smaller amount.",
  StakingRewardNotFunded: () => "The reward period is not funded.",
  StakingTokenScalesUnsupported: (a) =>
    `A ${String(a[0])}-decimal staking token with a ${String(a[1])}-decimal reward token cannot pay a realistic programme: pick tokens closer in decimals.`,
  EnforcedPause: () => "This is paused right now. Withdrawing and claiming still work.",
  ERC20InsufficientBalance: (a, f) => `Your token balance is ${f.amount(a[1])}, but ${f.amount(a[2])} is needed.`,
  ERC20InsufficientAllowance: (a, f) =>
    `The contract may spend only ${f.amount(a[1])} of your tokens, but ${f.amount(a[2])} is needed. Approve it first.`,
  ERC2612ExpiredSignature: () => "The permit signature has expired. Try again to sign a new one.",
  ERC2612InvalidSigner: () => "The permit signature does not match your account. Try again.",
  ERC20ExceededCap: () => "This would exceed the token's supply cap.",
  SafeERC20FailedOperation: (a, f) => `The token ${f.address(String(a[0]))} refused the transfer.`,
  AccessControlUnauthorizedAccount: () => "Your account does not have the role needed for this.",
  EscrowZeroAmount: () => "Enter an amount greater than zero.",
  EscrowAmountTooLarge: (a, f) => `The amount is larger than the escrow accepts (at most ${f.amount(a[1])}).`,
  EscrowDueDateInPast: () => "The due date must be in the future.",
  EscrowDisputeWindowTooLong: (a) => `The dispute window is too long (at most ${Math.floor(Number(a[1]) / 86_400)} days).`,
  EscrowPayerIsMerchant: () => "You cannot be the payer of your own invoice.",
  EscrowArbiterIsMerchant: () => "You cannot be the arbiter of your own invoice.",
  EscrowArbiterIsPayer: () => "The invoice's arbiter cannot also be its payer.",
  EscrowInvoiceNotFound: (a) => `There is no invoice #${String(a[0])} on chain.`,
  EscrowInvalidStatus: (a) => `Invoice #${String(a[0])} is ${statusPhrase(a[1])}, so this is not possible now.`,
  EscrowNotPayer: (a, f) => `Only the invoice's payer (${f.address(String(a[2]))}) can do this.`,
  EscrowNotMerchant: (a, f) => `Only the invoice's merchant (${f.address(String(a[2]))}) can do this.`,
  EscrowNotArbiter: (a, f) => `Only the invoice's arbiter (${f.address(String(a[2]))}) can do this.`,
  EscrowNotParty: () => "Only the invoice's merchant or payer can do this.",
  EscrowOverpayment: (a, f) => `That is more than is due: only ${f.amount(a[2])} is left to pay.`,
  EscrowWrongPaymentKind: (a) =>
    /^0x0{40}$/i.test(String(a[1])) ? "This invoice is paid in ETH, not with a token." : "This invoice is paid with a token, not in ETH.",
  EscrowTokenDeliveredLess: () => "The token delivered less than was sent (tokens with transfer fees are not accepted).",
  EscrowOpenInvoiceNeedsFullPayment: (a, f) =>
    `This invoice is open to anyone, so it is paid in full in one payment: pay ${f.amount(a[2])}. Ask the merchant to name you as payer to pay in parts.`,
  EscrowFeeAboveMerchantMax: (a) =>
    `The protocol fee is now ${formatBpsPercent(BigInt(String(a[0])))}%, above the ${formatBpsPercent(BigInt(String(a[1])))}% you accepted. Create the invoice again to accept the new fee.`,
  EscrowInvoicePricedInCurrency: (a) =>
    `This invoice is priced in ${currencyFromBytes3(String(a[1])) ?? "a currency"}: pay it at the current rate (payPriced), not with a token amount.`,
  EscrowInvoiceNotPricedInCurrency: () => "This invoice is priced in its token, not in a currency: pay its token amount.",
  EscrowTokenNotAccepted: (a, f) => `This invoice accepts only ${f.address(String(a[2]))} for its price.`,
  EscrowPriceAboveMax: () =>
    "At the current rate the price comes to more than the most you allowed to pay: ask for a new quote and pay again.",
  EscrowPricedValueMismatch: () =>
    "The ETH sent does not match the payment: in ETH send your ceiling (the rest comes back), with a token send no ETH.",
  EscrowNoPriceFeeds: () => "The escrow has no price feed registry yet, so invoices priced in a currency cannot be paid.",
  EscrowPriceFeedsHasNoCode: (a, f) => `${f.address(String(a[0]))} is not a contract, so it cannot be the price feed registry.`,
  EscrowTokenHasNoCode: (a, f) => `${f.address(String(a[0]))} is not a token contract on this network.`,
  EscrowTokenNotAllowed: (a, f) => `The token ${f.address(String(a[0]))} is not on the escrow's list of accepted tokens.`,
  EscrowDisputeTimedOut: (a, f) =>
    `The arbiter's time to resolve ended on ${f.dateTime(Number(a[1]))}; the payer may now reclaim what is held.`,
  EscrowNothingToSweep: () => "The escrow holds nothing above what it owes in this token: there is no surplus to sweep.",
  EscrowNotFeeRecipient: (a, f) => `Only the fee recipient (${f.address(String(a[1]))}) can collect the fees.`,
  EscrowNoFeesAccrued: () => "No fees have accrued in this token since they were last collected.",
  EscrowBatchMismatch: (a, f) =>
    String(a[0]) !== String(a[1])
      ? `The batch lists ${String(a[0])} invoices but ${String(a[1])} amounts.`
      : `Send exactly ${f.amount(a[3])} of ETH with the batch (the ETH invoices' total), not ${f.amount(a[2])}.`,
  EscrowRelayExpired: (a, f) => `The signed payment expired on ${f.dateTime(Number(a[0]))}. Sign it again.`,
  EscrowRelayInvalidSignature: (a, f) =>
    `The payment was not signed by the payer ${f.address(String(a[0]))}. Sign it again from that account.`,
  EscrowRelayNonceUsed: () => "This signed payment was already submitted or cancelled.",
  EscrowPayoutGasTooLow: () => "The gas limit is too low for the payout. Send the transaction again with a higher gas limit.",
  EscrowAmountExceedsHeld: (a, f) => `Only ${f.amount(a[2])} is held in escrow for this invoice.`,
  EscrowDisputeWindowOpen: (a, f) => `The payer can still dispute until ${f.dateTime(Number(a[1]))}; you can claim after that.`,
  EscrowDisputeWindowClosed: (a, f) => `The dispute window closed on ${f.dateTime(Number(a[1]))}.`,
  EscrowNoArbiter: () => "This invoice has no arbiter, so it cannot be disputed.",
  EscrowDisputeNotTimedOut: (a, f) => `The arbiter has until ${f.dateTime(Number(a[1]))} to resolve the dispute.`,
  EscrowSplitMismatch: (a, f) => `The two shares must add up to the ${f.amount(a[3])} held.`,
  EscrowNoSettlementProposal: () => "There is no settlement proposal to accept.",
  EscrowSettlementMismatch: () => "The settlement proposal changed in the meantime. Reload and check it again.",
  EscrowNothingToReclaim: () => "Nothing is held for you to reclaim.",
  EscrowNothingToWithdraw: () => "You have no credit to withdraw.",
  EscrowNativeTransferFailed: () => "Sending ETH failed; the amount stays credited to you.",
  EscrowFeeTooHigh: () => "The fee is above the allowed maximum.",
};

/** The names of the custom errors {@link describeContractError} has a sentence for. */
export const DESCRIBED_ERRORS: readonly string[] = Object.keys(MESSAGES);

/** One sentence for custom error `name` with `args`, or undefined when it has none. */
export function describeContractError(name: string, args: ArrayLike<unknown>, format: RevertFormat): string | undefined {
  return MESSAGES[name]?.(args, format);
}

/** Finds the revert data (0x + selector + args) anywhere inside an error from ethers, viem, Hardhat or a wallet. */
export function findRevertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): string | undefined => {
    if (depth > 6 || value === null || typeof value !== "object" || seen.has(value)) {
      if (typeof value === "string" && /^0x[0-9a-fA-F]{8}/.test(value)) return value;
      return undefined;
    }
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (typeof record.data === "string" && /^0x[0-9a-fA-F]{8}/.test(record.data)) return record.data;
    for (const key of ["data", "error", "info", "cause", "originalError"]) {
      const found = visit(record[key], depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error, 0);
}
