import { isError, type ErrorDescription, type Interface, type Result } from "ethers";
import { ApiError } from "./api";
import { formatAmount, formatDateTime, shortAddress } from "./format";
import { errorCode } from "./wallet";

/** What went wrong, for people: a short title, one or two sentences, and a kind the page can react to. */
export interface HumanError {
  kind: "rejected" | "insufficient-funds" | "wrong-network" | "contract" | "api" | "wallet" | "unknown";
  title: string;
  message: string;
  /** The decoded custom error's name (contract errors only). */
  errorName?: string;
}

/** How to show amounts inside contract error messages (defaults to 18 decimals, no symbol). */
export interface ErrorContext {
  decimals?: number;
  symbol?: string;
}

/** Thrown by the page itself when the wallet is on another chain than the contracts. */
export class WrongNetworkError extends Error {
  constructor(
    readonly walletChainId: number,
    readonly expectedChainId: number,
    readonly chainName: string,
  ) {
    super(`wrong network: wallet on ${walletChainId}, contracts on ${expectedChainId}`);
    this.name = "WrongNetworkError";
  }
}

const STATUS_NAMES = ["unknown", "open", "partially paid", "paid", "disputed", "released", "refunded", "resolved", "cancelled", "expired"];

/** One sentence per custom error of Settle's contracts and of OpenZeppelin's tokens. */
const CONTRACT_MESSAGES: Record<string, (args: Result, amount: (v: unknown) => string) => string> = {
  StakingZeroAmount: () => "Enter an amount greater than zero.",
  StakingInsufficientBalance: (a, amount) => `You have only ${amount(a[1])} staked, less than the ${amount(a[2])} you asked to withdraw.`,
  StakingAmountTooLarge: () => "This stake would take the pool past its size limit. Try a smaller amount.",
  StakingRewardNotFunded: () => "The reward period is not funded.",
  EnforcedPause: () => "This is paused right now. Withdrawing and claiming still work.",
  ERC20InsufficientBalance: (a, amount) => `Your token balance is ${amount(a[1])}, but ${amount(a[2])} is needed.`,
  ERC20InsufficientAllowance: (a, amount) =>
    `The contract may spend only ${amount(a[1])} of your tokens, but ${amount(a[2])} is needed. Approve it first.`,
  ERC2612ExpiredSignature: () => "The permit signature has expired. Try again to sign a new one.",
  ERC2612InvalidSigner: () => "The permit signature does not match your account. Try again.",
  ERC20ExceededCap: () => "This would exceed the token's supply cap.",
  SafeERC20FailedOperation: (a) => `The token ${shortAddress(String(a[0]))} refused the transfer.`,
  AccessControlUnauthorizedAccount: () => "Your account does not have the role needed for this.",
  EscrowZeroAmount: () => "Enter an amount greater than zero.",
  EscrowAmountTooLarge: (a, amount) => `The amount is larger than the escrow accepts (at most ${amount(a[1])}).`,
  EscrowDueDateInPast: () => "The due date must be in the future.",
  EscrowDisputeWindowTooLong: (a) => `The dispute window is too long (at most ${Math.floor(Number(a[1]) / 86_400)} days).`,
  EscrowPayerIsMerchant: () => "You cannot be the payer of your own invoice.",
  EscrowArbiterIsMerchant: () => "You cannot be the arbiter of your own invoice.",
  EscrowArbiterIsPayer: () => "The invoice's arbiter cannot also be its payer.",
  EscrowInvoiceNotFound: (a) => `There is no invoice #${String(a[0])} on chain.`,
  EscrowInvalidStatus: (a) =>
    `Invoice #${String(a[0])} is ${STATUS_NAMES[Number(a[1])] ?? "in another state"}, so this is not possible now.`,
  EscrowNotPayer: (a) => `Only the invoice's payer (${shortAddress(String(a[2]))}) can do this.`,
  EscrowNotMerchant: (a) => `Only the invoice's merchant (${shortAddress(String(a[2]))}) can do this.`,
  EscrowNotArbiter: (a) => `Only the invoice's arbiter (${shortAddress(String(a[2]))}) can do this.`,
  EscrowNotParty: () => "Only the invoice's merchant or payer can do this.",
  EscrowOverpayment: (a, amount) => `That is more than is due: only ${amount(a[2])} is left to pay.`,
  EscrowWrongPaymentKind: (a) =>
    /^0x0{40}$/i.test(String(a[1])) ? "This invoice is paid in ETH, not with a token." : "This invoice is paid with a token, not in ETH.",
  EscrowTokenDeliveredLess: () => "The token delivered less than was sent (tokens with transfer fees are not accepted).",
  EscrowAmountExceedsHeld: (a, amount) => `Only ${amount(a[2])} is held in escrow for this invoice.`,
  EscrowDisputeWindowOpen: (a) => `The payer can still dispute until ${formatDateTime(Number(a[1]))}; you can claim after that.`,
  EscrowDisputeWindowClosed: (a) => `The dispute window closed on ${formatDateTime(Number(a[1]))}.`,
  EscrowNoArbiter: () => "This invoice has no arbiter, so it cannot be disputed.",
  EscrowDisputeNotTimedOut: (a) => `The arbiter has until ${formatDateTime(Number(a[1]))} to resolve the dispute.`,
  EscrowSplitMismatch: (a, amount) => `The two shares must add up to the ${amount(a[3])} held.`,
  EscrowNoSettlementProposal: () => "There is no settlement proposal to accept.",
  EscrowSettlementMismatch: () => "The settlement proposal changed in the meantime. Reload and check it again.",
  EscrowNothingToReclaim: () => "Nothing is held for you to reclaim.",
  EscrowNothingToWithdraw: () => "You have no credit to withdraw.",
  EscrowNativeTransferFailed: () => "Sending ETH failed; the amount stays credited to you.",
  EscrowFeeTooHigh: () => "The fee is above the allowed maximum.",
};

/** Finds the revert data (0x + selector + args) anywhere inside an error from ethers or a wallet. */
export function revertData(error: unknown): string | undefined {
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

/** Decodes a custom error from an error's revert data with `errors`, if it is one of them. */
export function decodeContractError(error: unknown, errors: Interface): ErrorDescription | undefined {
  const data = revertData(error);
  if (!data) return undefined;
  try {
    return errors.parseError(data) ?? undefined;
  } catch {
    return undefined;
  }
}

/** All text of an error and its causes, lower-cased, to look for known phrases. */
function allText(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 6 || value === null || value === undefined || seen.has(value)) return;
    if (typeof value === "string") return void parts.push(value);
    if (typeof value !== "object") return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of ["message", "shortMessage", "reason", "error", "info", "cause", "data"]) visit(record[key], depth + 1);
  };
  visit(error, 0);
  return parts.join(" ").toLowerCase();
}

/**
 * Turns any failure (wallet, node, contract, API, network) into a {@link HumanError}: rejected in
 * the wallet, insufficient funds, wrong network, a contract error decoded by name, the API
 * unreachable, ...
 */
export function humanError(error: unknown, errors?: Interface, context: ErrorContext = {}): HumanError {
  if (error instanceof WrongNetworkError) {
    return {
      kind: "wrong-network",
      title: "Wrong network",
      message: `Your wallet is on chain ${error.walletChainId}. Switch it to ${error.chainName} (chain ${error.expectedChainId}) to continue.`,
    };
  }
  if (error instanceof ApiError) {
    const title = error.status === 0 ? "Settle API unreachable" : error.status === 401 ? "Signed out" : "The server refused";
    return { kind: "api", title, message: error.message };
  }
  const code = errorCode(error);
  if (code === 4001 || isError(error, "ACTION_REJECTED")) {
    return { kind: "rejected", title: "Rejected in your wallet", message: "You rejected the request in your wallet. Nothing was sent." };
  }
  if (code === 4902) {
    return {
      kind: "wrong-network",
      title: "Unknown network",
      message: "Your wallet does not know this network yet. Add it when your wallet asks.",
    };
  }
  if (code === -32002) {
    return { kind: "wallet", title: "Wallet busy", message: "Your wallet already has a request waiting. Open it to continue." };
  }
  if (code === 4100)
    return { kind: "wallet", title: "Not authorised", message: "Your wallet has not authorised this site. Connect again." };
  if (code === 4200) return { kind: "wallet", title: "Not supported", message: "Your wallet does not support this request." };
  if (code === 4900 || code === 4901)
    return { kind: "wallet", title: "Wallet disconnected", message: "Your wallet is not connected to the network." };

  const text = allText(error);
  if (isError(error, "INSUFFICIENT_FUNDS") || text.includes("insufficient funds") || text.includes("enough funds")) {
    return {
      kind: "insufficient-funds",
      title: "Not enough ETH",
      message: "Your account does not have enough ETH to pay for this transaction and its network fee.",
    };
  }
  if (isError(error, "NETWORK_ERROR") && text.includes("network changed")) {
    return { kind: "wrong-network", title: "Network changed", message: "Your wallet switched networks during the request. Try again." };
  }
  if (text.includes("nonce too low") || text.includes("nonce has already been used")) {
    return {
      kind: "wallet",
      title: "Transaction out of order",
      message: "Your wallet's transaction count is out of sync. Reset the account's activity in your wallet and try again.",
    };
  }

  const decoded = errors ? decodeContractError(error, errors) : undefined;
  if (decoded) {
    const decimals = context.decimals ?? 18;
    const amount = (value: unknown) => `${formatAmount(BigInt(value as bigint), decimals)}${context.symbol ? ` ${context.symbol}` : ""}`;
    const describe = CONTRACT_MESSAGES[decoded.name];
    return {
      kind: "contract",
      title: `The contract refused: ${decoded.name}`,
      message: describe ? describe(decoded.args, amount) : `The contract refused this transaction (${decoded.name}).`,
      errorName: decoded.name,
    };
  }
  if (isError(error, "CALL_EXCEPTION") || text.includes("revert")) {
    const reason = (error as { reason?: string }).reason;
    return {
      kind: "contract",
      title: "The contract refused",
      message: reason
        ? `The contract refused this transaction: ${reason}.`
        : "The contract refused this transaction. Check the amounts and the invoice's state.",
    };
  }
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return { kind: "api", title: "Offline", message: "The page could not reach the network. Check your connection and try again." };
  }
  const message = (error as { shortMessage?: string })?.shortMessage ?? (error instanceof Error ? error.message : String(error));
  return { kind: "unknown", title: "Something went wrong", message: message.length > 200 ? `${message.slice(0, 200)}…` : message };
}
