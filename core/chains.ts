/** Chain settings every layer shares: which chains are local development nodes, their names and nodes (RPC settings: ./networks). */

/** The local Hardhat node's chain id. */
export const LOCAL_CHAIN_ID = 31337;

/** The second local node's chain id (`npm start -- --chains 2`, network `localhost2`). */
export const LOCAL_CHAIN_ID_2 = 31338;

/** Chain ids of local development nodes (Hardhat 31337 and 31338, Ganache and others 1337). */
export const LOCAL_CHAIN_IDS: ReadonlySet<number> = new Set([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2, 1337]);

/** Where `npm start` runs the local node. */
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

/** Where `npm start -- --chains 2` runs the second local node. */
export const DEFAULT_RPC_URL_2 = "http://127.0.0.1:8546";

/**
 * The variable that gives `hardhat node` (the `hardhat` network of hardhat.config.ts) another local chain id: the
 * stack sets it to {@link LOCAL_CHAIN_ID_2} for the second node of `npm start -- --chains 2`.
 */
export const NODE_CHAIN_ID_VARIABLE = "SETTLE_NODE_CHAIN_ID";

/**
 * The chain id of the in-process Hardhat network and of `hardhat node`: {@link NODE_CHAIN_ID_VARIABLE} when set (one
 * of the local chain ids), else {@link LOCAL_CHAIN_ID}.
 *
 * @throws Error naming the accepted values when the variable holds anything else
 */
export function nodeChainIdFromEnv(env: Record<string, string | undefined>): number {
  const raw = env[NODE_CHAIN_ID_VARIABLE];
  if (raw === undefined || raw.trim() === "") return LOCAL_CHAIN_ID;
  const accepted = [LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2];
  const chainId = Number(raw.trim());
  if (!accepted.includes(chainId)) throw new Error(`${NODE_CHAIN_ID_VARIABLE} must be ${accepted.join(" or ")}, got "${raw}"`);
  return chainId;
}

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
  31338: "Hardhat (local 2)",
  1337: "Local chain",
};

/** The name of chain `chainId` ("Chain 123" for one Settle does not know). */
export function chainName(chainId: number): string {
  return CHAIN_NAMES[chainId] ?? `Chain ${chainId}`;
}
