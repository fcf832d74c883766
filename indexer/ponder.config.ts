import { createConfig } from "@ponder/core";
import { http } from "viem";
import { ERC20Abi } from "../core/abis/ERC20";
import { PaymentEscrowAbi } from "../core/abis/PaymentEscrow";
import { SettleTokenAbi } from "../core/abis/SettleToken";
import { StakingRewardsAbi } from "../core/abis/StakingRewards";
import { isLocalChain } from "../core/chains";
import { SettingsError, pollingIntervalFor, readDeployment, resolveSettings } from "./lib/settings";

// Addresses, chain and start blocks come from deployments/<SETTLE_NETWORK>.json (see lib/settings.ts).
const settings = resolveSettings();
const deployment = readDeployment(settings);
const { SettleToken, StakingRewards, PaymentEscrow } = deployment.contracts;
if (!PaymentEscrow) throw new SettingsError(`${settings.deploymentPath} has no PaymentEscrow: deploy again`);
const isLocal = isLocalChain(deployment.chainId);

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
