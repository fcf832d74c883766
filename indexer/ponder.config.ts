import { createConfig } from "@ponder/core";
import { ERC20Abi } from "../core/abis/ERC20";
import { PaymentEscrowAbi } from "../core/abis/PaymentEscrow";
import { SettleTokenAbi } from "../core/abis/SettleToken";
import { StakingRewardsAbi } from "../core/abis/StakingRewards";
import { isLocalChain } from "../core/chains";
import { readDeployment } from "../core/deployment-file";
import { indexSchemaName } from "../core/index-schema";
import { pollingIntervalFor, resolveSettings } from "./lib/settings";
import { rpcTuningFor, settleTransport } from "./lib/transport";

// Addresses, chain and start blocks come from deployments/<SETTLE_NETWORK>.json (see lib/settings.ts).
const settings = resolveSettings();
const deployment = readDeployment(settings.deploymentsDir, settings.network);
const { SettleToken, StakingRewards, PaymentEscrow } = deployment.contracts;
const isLocal = isLocalChain(deployment.chainId);
const tuning = rpcTuningFor(settings, deployment.chainId);
/** Connections of Ponder's pool on PostgreSQL: 2 of its own, a third of the rest each for reads, writes and the sync. */
const PONDER_POOL_SIZE = 14;

export default createConfig({
  networks: {
    [settings.network]: {
      chainId: deployment.chainId,
      // Every URL of RPC_URL (a ranked fallback), timeouts and retries, adaptive eth_getLogs ranges: lib/transport.ts.
      transport: settleTransport(settings.rpcUrls, tuning, (range, why) =>
        console.warn(`[indexer] eth_getLogs range now ${range} blocks network=${settings.network} why=${JSON.stringify(why)}`),
      ),
      pollingInterval: pollingIntervalFor(settings, deployment.chainId),
      // A local node answers as fast as it can; Ponder's default of 50 requests/s would throttle a backfill.
      maxRequestsPerSecond: tuning.maxRequestsPerSecond,
      // A local node's chain is replaced when it restarts: never reuse cached RPC results for it.
      disableCache: isLocal,
    },
  },
  // PostgreSQL (INDEX_DATABASE_URL): one schema per deployment, as Ponder keeps one app per schema; else SQLite files.
  database: settings.indexDatabaseUrl
    ? {
        kind: "postgres",
        connectionString: settings.indexDatabaseUrl,
        schema: indexSchemaName(deployment.chainId, PaymentEscrow.address),
        poolConfig: { max: PONDER_POOL_SIZE },
      }
    : { kind: "sqlite", directory: settings.indexDir },
  contracts: {
    SettleToken: {
      network: settings.network,
      abi: SettleTokenAbi,
      address: SettleToken.address,
      startBlock: SettleToken.deployBlock,
    },
    StakingRewards: {
      network: settings.network,
      abi: StakingRewardsAbi,
      address: StakingRewards.address,
      startBlock: StakingRewards.deployBlock,
    },
    PaymentEscrow: {
      network: settings.network,
      abi: PaymentEscrowAbi,
      address: PaymentEscrow.address,
      startBlock: PaymentEscrow.deployBlock,
    },
    // Any ERC-20 (no address: every contract) moving tokens into or out of the escrow.
    EscrowTokenIn: {
      network: settings.network,
      abi: ERC20Abi,
      filter: { event: "Transfer", args: { to: PaymentEscrow.address } },
      startBlock: PaymentEscrow.deployBlock,
    },
    EscrowTokenOut: {
      network: settings.network,
      abi: ERC20Abi,
      filter: { event: "Transfer", args: { from: PaymentEscrow.address } },
      startBlock: PaymentEscrow.deployBlock,
    },
  },
});
