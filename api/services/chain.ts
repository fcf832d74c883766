import { FetchRequest, JsonRpcProvider, Network, type TransactionReceipt, type TransactionResponse } from "ethers";

/** What the API asks of the node; an interface so tests can pass Hardhat's in-process provider. */
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

/** Wraps an ethers provider (JsonRpcProvider, or hre.ethers.provider in tests) as a {@link Chain}. */
export function chainFromProvider(provider: ProviderLike): Chain {
  return {
    blockNumber: () => provider.getBlockNumber(),
    getReceipt: (hash) => provider.getTransactionReceipt(hash),
    getTransaction: (hash) => provider.getTransaction(hash),
    getCode: (address) => provider.getCode(address),
    call: (to, data) => provider.call({ to, data }),
  };
}

/**
 * A {@link Chain} over JSON-RPC at `url` for `chainId`: static network (no detection loop when the
 * node is down) and a per-request timeout so a dead node fails fast. `provider` is the same connection (the relayer
 * sends through it).
 */
export function jsonRpcChain(url: string, chainId: number, timeoutMs = 3000): { chain: Chain; provider: JsonRpcProvider; destroy(): void } {
  const request = new FetchRequest(url);
  request.timeout = timeoutMs;
  const provider = new JsonRpcProvider(request, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1 });
  return { chain: chainFromProvider(provider), provider, destroy: () => provider.destroy() };
}
