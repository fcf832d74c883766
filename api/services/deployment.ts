import { existsSync, statSync } from "node:fs";
import type { InterfaceAbi } from "ethers";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { PriceFeedsAbi } from "../../core/abis/PriceFeeds";
import { SettleTokenAbi } from "../../core/abis/SettleToken";
import { StakingRewardsAbi } from "../../core/abis/StakingRewards";
import type { ContractName, Deployment } from "../../core/deployment";
import { deploymentPath, deploymentsDir, readDeployment } from "../../core/deployment-file";
import { ROOT_DIR } from "../env";

/** Where the contracts live, re-read when deployments/<network>.json changes (a redeploy on a fresh node). */
export interface DeploymentSource {
  /** The current deployment, or null while there is none. */
  get(): Deployment | null;
}

/** A fixed deployment (tests). */
export function staticDeployment(deployment: Deployment | null): DeploymentSource {
  return { get: () => deployment };
}

/** deployments/<network>.json, checked for changes at most once a second. */
export function fileDeployment(network: string): DeploymentSource {
  let cached: Deployment | null = null;
  let cachedMtime = -1;
  let checkedAt = 0;
  return {
    get() {
      const now = Date.now();
      if (now - checkedAt < 1000) return cached;
      checkedAt = now;
      const path = deploymentPath(deploymentsDir(ROOT_DIR), network);
      if (!existsSync(path)) return (cached = null);
      const mtime = statSync(path).mtimeMs;
      if (mtime === cachedMtime) return cached;
      try {
        cached = readDeployment(deploymentsDir(ROOT_DIR), network);
        cachedMtime = mtime;
      } catch {
        cached = null;
      }
      return cached;
    },
  };
}

/** ABIs of Settle's contracts by name: the generated core/abis, always present and always those the deploy used. */
export const SETTLE_ABIS: Readonly<Record<ContractName, InterfaceAbi>> = {
  SettleToken: SettleTokenAbi,
  StakingRewards: StakingRewardsAbi,
  PriceFeeds: PriceFeedsAbi,
  PaymentEscrow: PaymentEscrowAbi,
};
