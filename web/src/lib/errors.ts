/** Failures for people: wallet, node, contract (core/revert's sentences) and API errors in a sentence or two. */
import { isError, type ErrorDescription } from "ethers";
import { describeContractError, findRevertData, type RevertFormat } from "../../../core/revert";
import { ApiError } from "./api";
import { CONTRACT_ERRORS } from "./contracts";
import { formatAmount, formatDateTime, shortAddress } from "./format";
import { errorCode } from "./wallet";
import { fill, t } from "../i18n";

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
  const words = t().errors;
  if (error instanceof WrongNetworkError) {
    return {
      kind: "wrong-network",
      title: words.wrongNetwork,
      message: fill(words.wrongNetworkText, { chain: error.walletChainId, name: error.chainName, id: error.expectedChainId }),
    };
  }
  if (error instanceof ApiError && error.transient) {
    return { kind: "api", title: error.code === "index_not_ready" ? t().rpc.indexTitle : t().rpc.nodeTitle, message: error.message };
  }
  if (error instanceof ApiError) {
    const title = error.status === 0 ? words.apiUnreachable : error.status === 401 ? words.signedOut : words.serverRefused;
    return { kind: "api", title, message: error.message };
  }
  const code = errorCode(error);
  if (code === 4001 || isError(error, "ACTION_REJECTED")) {
    return { kind: "rejected", title: words.rejected, message: words.rejectedText };
  }
  if (code === 4902) {
    return { kind: "wrong-network", title: words.unknownNetwork, message: words.unknownNetworkText };
  }
  if (code === -32002) {
    return { kind: "wallet", title: words.busy, message: words.busyText };
  }
  if (code === 4100) return { kind: "wallet", title: words.unauthorised, message: words.unauthorisedText };
  if (code === 4200) return { kind: "wallet", title: words.unsupported, message: words.unsupportedText };
  if (code === 4900 || code === 4901) return { kind: "wallet", title: words.disconnected, message: words.disconnectedText };

  const text = allText(error);
  if (isError(error, "INSUFFICIENT_FUNDS") || text.includes("insufficient funds") || text.includes("enough funds")) {
    return { kind: "insufficient-funds", title: words.noEth, message: words.noEthText };
  }
  if (isError(error, "NETWORK_ERROR") && text.includes("network changed")) {
    return { kind: "wrong-network", title: words.networkChanged, message: words.networkChangedText };
  }
  if (text.includes("nonce too low") || text.includes("nonce has already been used")) {
    return { kind: "wallet", title: words.nonce, message: words.nonceText };
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
      title: fill(words.contractNamed, { name: decoded.name }),
      message: describeContractError(decoded.name, decoded.args, format) ?? fill(words.contractNamedText, { name: decoded.name }),
      errorName: decoded.name,
    };
  }
  if (isError(error, "CALL_EXCEPTION") || text.includes("revert")) {
    const reason = (error as { reason?: string }).reason;
    return {
      kind: "contract",
      title: words.contract,
      message: reason ? fill(words.contractReason, { reason }) : words.contractText,
    };
  }
  if (error instanceof TypeError && /fetch|network/i.test(error.message)) {
    return { kind: "api", title: words.offline, message: words.offlineText };
  }
  const message = (error as { shortMessage?: string })?.shortMessage ?? (error instanceof Error ? error.message : String(error));
  return { kind: "unknown", title: words.unknown, message: message.length > 200 ? `${message.slice(0, 200)}…` : message };
}
