/** Reading and writing deployments/<network>.json on disk (Node only: the page gets the deployment from the API). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { DeploymentError, deployCommand, parseDeployment, type Deployment } from "./deployment";
import { NETWORK_NAME } from "./networks";

/**
 * The folder holding one JSON file per network: SETTLE_DEPLOYMENTS_DIR (tests use a temporary folder so that they
 * never touch the files of a running local stack) or `<repoRoot>/deployments`.
 */
export function deploymentsDir(repoRoot: string, env: Record<string, string | undefined> = process.env): string {
  const dir = env.SETTLE_DEPLOYMENTS_DIR;
  if (!dir) return join(repoRoot, "deployments");
  return isAbsolute(dir) ? dir : resolve(dir);
}

/** Path of the deployment file of `network` in `dir`. */
export function deploymentPath(dir: string, network: string): string {
  if (!NETWORK_NAME.test(network)) throw new DeploymentError(`"${network}" is not a network name (letters, digits, _ and -)`);
  return join(dir, `${network}.json`);
}

/** Reads and checks `<dir>/<network>.json`, or throws a one-line {@link DeploymentError} that says how to create it. */
export function readDeployment(dir: string, network: string): Deployment {
  const path = deploymentPath(dir, network);
  if (!existsSync(path) && network === "hardhat") {
    throw new DeploymentError("the in-process hardhat network has no deployment: pass --network localhost (with `npm start` running)");
  }
  if (!existsSync(path)) throw new DeploymentError(`no deployments/${network}.json: run \`${deployCommand(network)}\``);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new DeploymentError(`${path} is not valid JSON (${(error as Error).message}): run \`${deployCommand(network)}\``);
  }
  return parseDeployment(json, network, `deployments/${network}.json`);
}

/** Writes `<dir>/<network>.json` (pretty-printed, newline-terminated) and returns its path. */
export function writeDeployment(dir: string, deployment: Deployment): string {
  mkdirSync(dir, { recursive: true });
  const path = deploymentPath(dir, deployment.network);
  writeFileSync(path, JSON.stringify(deployment, null, 2) + "\n");
  return path;
}
