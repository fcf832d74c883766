import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { InterfaceAbi } from "ethers";
import { CONTRACT_NAMES, type ContractName, type Deployment } from "../../core/deployment";
import { deploymentPath, deploymentsDir, readDeployment } from "../../core/deployment-file";
import { ROOT_DIR } from "../config";

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

/** ABIs of Settle's contracts by name (absent when not compiled yet). */
export type Abis = Partial<Record<ContractName, InterfaceAbi>>;

/** Reads the ABIs from Hardhat's artifacts (artifacts/contracts/<Name>.sol/<Name>.json). */
export function loadAbis(artifactsDir = join(ROOT_DIR, "artifacts")): Abis {
  const abis: Abis = {};
  for (const name of CONTRACT_NAMES) {
    const path = join(artifactsDir, "contracts", `${name}.sol`, `${name}.json`);
    if (existsSync(path)) abis[name] = (JSON.parse(readFileSync(path, "utf8")) as { abi: InterfaceAbi }).abi;
  }
  return abis;
}
