import { createConfig } from "@ponder/core";
import { http } from "viem";
import { SettleTokenAbi } from "./abis/SettleToken";
import { StakingRewardsAbi } from "./abis/StakingRewards";
import { LOCAL_CHAIN_IDS, pollingIntervalFor, readDeployment, resolveSettings } from "./lib/settings";

// Addresses, chain and start blocks come from deployments/<SETTLE_NETWORK>.json (see lib/settings.ts).
const settings = resolveSettings();
const deployment = readDeployment(settings);
const { SettleToken, StakingRewards } = deployment.contracts;
const isLocal = LOCAL_CHAIN_IDS.has(deployment.chainId);

export default createConfig({
  networks: {
    [settings.network]: {
      chainId: deployment.chainId,
      // viem caps a response at 10 MiB by default: a backfill's eth_getLogs is larger than that.
      transport: http(settings.rpcUrl, { maxResponseBodySize: 256 * 1024 * 1024 }),
      pollingInterval: pollingIntervalFor(settings, deployment.chainId),
      // A local node answers as fast as it can; Ponder's default of 50 requests/s throttles a backfill.
      maxRequestsPerSecond: isLocal ? 10_000 : 50,
      // A local node's chain is replaced when it restarts: never reuse cached RPC results for it.
      disableCache: isLocal,
    },
  },
  database: { kind: "sqlite", directory: settings.indexDir },
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
  },
});
