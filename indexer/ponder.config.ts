import { createConfig } from "@ponder/core";
import { ERC20Abi } from "../core/abis/ERC20";
import { PaymentEscrowAbi } from "../core/abis/PaymentEscrow";
import { SettleTokenAbi } from "../core/abis/SettleToken";
import { StakingRewardsAbi } from "../core/abis/StakingRewards";
import { isLocalChain } from "../core/chains";
import type { Deployment } from "../core/deployment";
import { indexSchemaOf } from "../core/index-schema";
import { resolveRpcSettings } from "../core/networks";
import { readDeployments, resolveSettings } from "./lib/settings";
import { rpcTuningFor, settleTransport } from "./lib/transport";

// Every network of SETTLE_NETWORKS (see lib/settings.ts), with addresses, chain and start blocks from its
// deployments/<network>.json: one index where every row carries its chain id.
const settings = resolveSettings();
const deployments = readDeployments(settings);
const indexed = settings.networks.map((network, i) => ({ network, deployment: deployments[i]! }));
/** Connections of Ponder's pool on PostgreSQL: 2 of its own, a third of the rest each for reads, writes and the sync. */
const PONDER_POOL_SIZE = 14;

/** Per network, what `pick` makes of its deployment (Ponder 0.6's per-network form of a contract). */
function perNetwork<T>(pick: (deployment: Deployment) => T): Record<string, T> {
  return Object.fromEntries(indexed.map(({ network, deployment }) => [network.name, pick(deployment)]));
}

/** A contract of the deployments at its address and deploy block on each network. */
const deployed = (name: "SettleToken" | "StakingRewards" | "PaymentEscrow") =>
  perNetwork((deployment) => ({ address: deployment.contracts[name].address, startBlock: deployment.contracts[name].deployBlock }));

/** Any ERC-20 (no address: every contract) moving tokens to (`to`) or from (`from`) each network's escrow. */
const escrowTransfers = (side: "to" | "from") =>
  perNetwork((deployment) => ({
    filter: { event: "Transfer" as const, args: { [side]: deployment.contracts.PaymentEscrow.address } },
    startBlock: deployment.contracts.PaymentEscrow.deployBlock,
  }));

export default createConfig({
  networks: Object.fromEntries(
    indexed.map(({ network, deployment }) => {
      const tuning = rpcTuningFor(network, deployment.chainId);
      return [
        network.name,
        {
          chainId: deployment.chainId,
          // Every URL of the network (a ranked fallback), timeouts and retries, adaptive eth_getLogs ranges: lib/transport.ts.
          transport: settleTransport(network.rpcUrls, tuning, (range, why) =>
            console.warn(`[indexer] eth_getLogs range now ${range} blocks network=${network.name} why=${JSON.stringify(why)}`),
          ),
          pollingInterval: resolveRpcSettings(network, deployment.chainId).pollingIntervalMs,
          // A local node answers as fast as it can; Ponder's default of 50 requests/s would throttle a backfill.
          maxRequestsPerSecond: tuning.maxRequestsPerSecond,
          // A local node's chain is replaced when it restarts: never reuse cached RPC results for it.
          disableCache: isLocalChain(deployment.chainId),
        },
      ];
    }),
  ),
  // PostgreSQL (INDEX_DATABASE_URL): one schema per set of deployments, as Ponder keeps one app per schema; else SQLite files.
  database: settings.indexDatabaseUrl
    ? {
        kind: "postgres",
        connectionString: settings.indexDatabaseUrl,
        schema: indexSchemaOf(deployments),
        poolConfig: { max: PONDER_POOL_SIZE },
      }
    : { kind: "sqlite", directory: settings.indexDir },
  contracts: {
    SettleToken: { abi: SettleTokenAbi, network: deployed("SettleToken") },
    StakingRewards: { abi: StakingRewardsAbi, network: deployed("StakingRewards") },
    PaymentEscrow: { abi: PaymentEscrowAbi, network: deployed("PaymentEscrow") },
    // Each network's escrow has its own address (two local chains deployed by one deployer share it).
    EscrowTokenIn: { abi: ERC20Abi, network: escrowTransfers("to") },
    EscrowTokenOut: { abi: ERC20Abi, network: escrowTransfers("from") },
  },
});
