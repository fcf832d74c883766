/** Failures for people: wallet, node, contract (core/revert's sentences) and API errors in a sentence or two. */
import { isError, type ErrorDescription } from "ethers";
import { describeContractError, findRevertData, type RevertFormat } from "../../../core/revert";
import { ApiError } from "./api";
import { CONTRACT_ERRORS } from "./contracts";
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

/** Decodes a custom error of Settle's contracts (or of the OpenZeppelin code they use) from an error's revert data. */
export function decodeContractError(error: unknown): ErrorDescription | undefined {
  const data = findRevertData(error);
  if (!data) return undefined;
  try {
    return CONTRACT_ERRORS.parseError(data) ?? undefined;
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
export function humanError(error: unknown, context: ErrorContext = {}): HumanError {
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

  const decoded = decodeContractError(error);
  if (decoded) {
    const decimals = context.decimals ?? 18;
    const format: RevertFormat = {
      amount: (value) => `${formatAmount(BigInt(value as bigint), decimals)}${context.symbol ? ` ${context.symbol}` : ""}`,
      dateTime: formatDateTime,
      address: shortAddress,
    };
    return {
      kind: "contract",
      title: `The contract refused: ${decoded.name}`,
      message: describeContractError(decoded.name, decoded.args, format) ?? `The contract refused this transaction (${decoded.name}).`,
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
