import type { NetworksUserConfig } from "hardhat/types";

/** Name of the network configured from RPC_URL / PRIVATE_KEY / CHAIN_ID. */
export const ENV_NETWORK = "remote";

/**
 * The `remote` network, configured from the environment so the same deploy runs on a public
 * testnet or an L2. It is only defined when RPC_URL is set; a missing or malformed companion
 * variable is a one-line error that names it.
 */
export function environmentNetwork(env: NodeJS.ProcessEnv): NetworksUserConfig {
  const url = env.RPC_URL;
  if (!url) return {};
  const key = env.PRIVATE_KEY;
  if (!key) throw new Error("RPC_URL is set but PRIVATE_KEY is missing: set PRIVATE_KEY (0x + 64 hex digits)");
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new Error("PRIVATE_KEY must be 0x followed by 64 hex digits");
  if (!/^https?:\/\//.test(url)) throw new Error(`RPC_URL must be an http(s) URL, got "${url}"`);
  let chainId: number | undefined;
  if (env.CHAIN_ID !== undefined && env.CHAIN_ID !== "") {
    chainId = Number(env.CHAIN_ID);
    if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new Error(`CHAIN_ID must be a positive integer, got "${env.CHAIN_ID}"`);
  }
  return { [ENV_NETWORK]: { url, accounts: [key], ...(chainId ? { chainId } : {}) } };
}
