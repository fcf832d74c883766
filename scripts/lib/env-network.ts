import type { NetworksUserConfig } from "hardhat/types";
import { rpcUrlFromEnv } from "../../core/networks";

/** Name of the network configured from RPC_URL / PRIVATE_KEY / CHAIN_ID. */
export const ENV_NETWORK = "remote";

/**
 * The `remote` network, configured from the environment so the same deploy runs on a public testnet or an L2. It is
 * defined when PRIVATE_KEY is set, on the node at RPC_URL (the one variable every layer reads for its node); a
 * missing or malformed companion variable is a one-line error that names it.
 */
export function environmentNetwork(env: NodeJS.ProcessEnv): NetworksUserConfig {
  const key = env.PRIVATE_KEY;
  if (!key) return {};
  if (!env.RPC_URL) throw new Error("PRIVATE_KEY is set but RPC_URL is missing: set RPC_URL to the remote node's http(s) URL");
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new Error("PRIVATE_KEY must be 0x followed by 64 hex digits");
  const url = rpcUrlFromEnv(env);
  let chainId: number | undefined;
  if (env.CHAIN_ID !== undefined && env.CHAIN_ID !== "") {
    chainId = Number(env.CHAIN_ID);
    if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new Error(`CHAIN_ID must be a positive integer, got "${env.CHAIN_ID}"`);
  }
  return { [ENV_NETWORK]: { url, accounts: [key], ...(chainId ? { chainId } : {}) } };
}
