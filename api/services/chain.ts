import { FetchRequest, JsonRpcProvider, Network, type TransactionReceipt, type TransactionResponse } from "ethers";
import { askNode } from "./node";

/**
 * What the API asks of the node; an interface so tests can pass Hardhat's in-process provider. A transport failure
 * of any call rejects with NodeProblemError (503 naming the node's host and the problem); a revert rejects with the
 * node's own error.
 */
export interface Chain {
  /** Latest block number. */
  blockNumber(): Promise<number>;
  /** Receipt of a mined transaction, or null. */
  getReceipt(hash: string): Promise<TransactionReceipt | null>;
  /** A transaction by hash (pending or mined), or null. */
  getTransaction(hash: string): Promise<TransactionResponse | null>;
  /** Runtime bytecode at an address ("0x" for an EOA). */
  getCode(address: string): Promise<string>;
  /** eth_call at the latest block. */
  call(to: string, data: string): Promise<string>;
}

/** The subset of an ethers provider that {@link chainFromProvider} needs. */
export interface ProviderLike {
  getBlockNumber(): Promise<number>;
  getTransactionReceipt(hash: string): Promise<TransactionReceipt | null>;
  getTransaction(hash: string): Promise<TransactionResponse | null>;
  getCode(address: string): Promise<string>;
  call(tx: { to: string; data: string }): Promise<string>;
}

/** The URL of a JSON-RPC provider's node, for the problems that name it ("the node" when it has none). */
export function providerUrl(provider: unknown): string {
  return provider instanceof JsonRpcProvider ? provider._getConnection().url : "the node";
}

/**
 * Wraps an ethers provider (JsonRpcProvider, or hre.ethers.provider in tests) as a {@link Chain} whose every call goes
 * through askNode: the node at `url` (default: the provider's own) is named in the problems.
 */
export function chainFromProvider(provider: ProviderLike, url = providerUrl(provider)): Chain {
  return {
    blockNumber: () => askNode(url, provider.getBlockNumber()),
    getReceipt: (hash) => askNode(url, provider.getTransactionReceipt(hash)),
    getTransaction: (hash) => askNode(url, provider.getTransaction(hash)),
    getCode: (address) => askNode(url, provider.getCode(address)),
    call: (to, data) => askNode(url, provider.call({ to, data })),
  };
}

/** The API's RPC timeout when SETTLE_RPC_TIMEOUT_MS[_<NAME>] is unset: short, so a request answers 503 rather than hang. */
export const API_RPC_TIMEOUT_MS = 3000;

/**
 * A {@link Chain} over JSON-RPC at `url` for `chainId`: static network (no detection loop when the node is down), no
 * response cache (a failure or a head is never served again), a per-request timeout so a stalled node fails fast, and
 * no retry of a 429 inside ethers (FetchRequest would otherwise retry up to 12 times, reading Retry-After as
 * milliseconds): the API answers 503 `node_rate_limited` with the node's Retry-After at once and the client waits.
 * `provider` is the same connection (the relayer sends through it).
 */
export function jsonRpcChain(
  url: string,
  chainId: number,
  timeoutMs = API_RPC_TIMEOUT_MS,
): { chain: Chain; provider: JsonRpcProvider; destroy(): void } {
  const request = new FetchRequest(url);
  request.timeout = timeoutMs;
  request.retryFunc = async () => false;
  request.setThrottleParams({ maxAttempts: 1 });
  const provider = new JsonRpcProvider(request, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  return { chain: chainFromProvider(provider, url), provider, destroy: () => provider.destroy() };
}
