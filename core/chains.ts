/** Chain settings every layer shares: which chains are local development nodes, their names, and the RPC URL. */

/** Chain ids of local development nodes (Hardhat 31337, Ganache and others 1337). */
export const LOCAL_CHAIN_IDS: ReadonlySet<number> = new Set([31337, 1337]);

/** The local Hardhat node's chain id. */
export const LOCAL_CHAIN_ID = 31337;

/** Where `npm start` runs the local node. */
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

/** True for a local development chain (reset at will: no RPC cache, fast polling, test tokens). */
export function isLocalChain(chainId: number): boolean {
  return LOCAL_CHAIN_IDS.has(chainId);
}

/** Names of the chains Settle knows, for people (documents, the page, wallet_addEthereumChain). */
const CHAIN_NAMES: Readonly<Record<number, string>> = {
  1: "Ethereum",
  10: "OP Mainnet",
  137: "Polygon",
  8453: "Base",
  42161: "Arbitrum One",
  11155111: "Sepolia",
  84532: "Base Sepolia",
  31337: "Hardhat (local)",
  1337: "Local chain",
};

/** The name of chain `chainId` ("Chain 123" for one Settle does not know). */
export function chainName(chainId: number): string {
  return CHAIN_NAMES[chainId] ?? `Chain ${chainId}`;
}

/**
 * The JSON-RPC URLs of the chain a process talks to, in order of preference: RPC_URL, one URL or several separated by
 * commas (the indexer uses them all through a fallback transport; other layers use the first), or the local node's.
 * One variable for every layer.
 *
 * @throws Error when an entry of RPC_URL is not an http(s) URL
 */
export function rpcUrlsFromEnv(env: Record<string, string | undefined>): string[] {
  const urls = (env.RPC_URL || DEFAULT_RPC_URL)
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url !== "");
  if (urls.length === 0) throw new Error(`RPC_URL must be an http(s) URL or a comma-separated list of them, got "${env.RPC_URL}"`);
  for (const url of urls) {
    if (!/^https?:\/\/\S+$/.test(url)) {
      throw new Error(`RPC_URL must be an http(s) URL or a comma-separated list of them, got "${url}" in "${env.RPC_URL}"`);
    }
  }
  return urls;
}

/**
 * The JSON-RPC URL of the node a process talks to: the first of {@link rpcUrlsFromEnv}.
 *
 * @throws Error when RPC_URL is set but not an http(s) URL (or list of them)
 */
export function rpcUrlFromEnv(env: Record<string, string | undefined>): string {
  return rpcUrlsFromEnv(env)[0]!;
}
