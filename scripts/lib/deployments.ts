import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The contracts Settle deploys, in deployment order. */
export const CONTRACT_NAMES = ["SettleToken", "StakingRewards", "PaymentEscrow"] as const;
/** Name of one of Settle's deployed contracts. */
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** Where one contract lives on one chain. */
export interface ContractDeployment {
  address: string;
  deployBlock: number;
  txHash: string;
}

/** deployments/<network>.json: the one place that says where the contracts live. */
export interface Deployment {
  chainId: number;
  network: string;
  contracts: Record<ContractName, ContractDeployment>;
  /** sha256 of the deployed contracts' ABIs: readers can tell when their ABIs are stale. */
  abiHash: string;
}

/**
 * The folder holding one JSON file per network: deployments/, or SETTLE_DEPLOYMENTS_DIR (tests use
 * a temporary folder so that they never touch the files of a running local stack).
 */
export function deploymentsDir(): string {
  return process.env.SETTLE_DEPLOYMENTS_DIR || join(__dirname, "..", "..", "deployments");
}

/** Path of the deployment file of `network`. */
export function deploymentPath(network: string): string {
  return join(deploymentsDir(), `${network}.json`);
}

/** Error for a network without a (valid) deployment file; its message names the fix. */
export class DeploymentMissingError extends Error {}

/** Reads deployments/<network>.json, or throws a one-line error that says how to create it. */
export function readDeployment(network: string): Deployment {
  const path = deploymentPath(network);
  if (!existsSync(path) && network === "hardhat") {
    throw new DeploymentMissingError(
      "the in-process hardhat network has no deployment: pass --network localhost (with `npm start` running)",
    );
  }
  if (!existsSync(path)) {
    throw new DeploymentMissingError(`no deployments/${network}.json: run \`npm run deploy -- --network ${network}\``);
  }
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Deployment>;
  const missing = CONTRACT_NAMES.filter((name) => !parsed.contracts?.[name]?.address);
  if (typeof parsed.chainId !== "number" || missing.length > 0) {
    throw new DeploymentMissingError(
      `deployments/${network}.json is incomplete${missing.length ? ` (no ${missing.join(", ")})` : ""}: run \`npm run deploy -- --network ${network}\``,
    );
  }
  return parsed as Deployment;
}

/** Writes deployments/<network>.json (pretty-printed, newline-terminated). */
export function writeDeployment(deployment: Deployment): string {
  mkdirSync(deploymentsDir(), { recursive: true });
  const path = deploymentPath(deployment.network);
  writeFileSync(path, JSON.stringify(deployment, null, 2) + "\n");
  return path;
}

/** sha256 (hex) over the ABIs of `abis`, keyed by contract name, in a stable order. */
export function hashAbis(abis: Record<string, unknown>): string {
  const ordered = Object.keys(abis)
    .sort()
    .map((name) => [name, abis[name]]);
  return "0x" + createHash("sha256").update(JSON.stringify(ordered)).digest("hex");
}
