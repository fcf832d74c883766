import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isLocalChain, rpcUrlFromEnv } from "../../core/chains";

/** The indexer package's folder (indexer/). */
export const INDEXER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The repository root. */
export const REPO_ROOT = resolve(INDEXER_DIR, "..");

/** Where one contract lives, as written by the deploy into deployments/<network>.json. */
export interface ContractDeployment {
  address: `0x${string}`;
  deployBlock: number;
  txHash: `0x${string}`;
}

/** The part of deployments/<network>.json the indexer reads. */
export interface Deployment {
  chainId: number;
  network: string;
  contracts: {
    SettleToken: ContractDeployment;
    StakingRewards: ContractDeployment;
    /** Absent only while the escrow is not yet part of the deployed contracts. */
    PaymentEscrow?: ContractDeployment;
  };
  abiHash: string;
}

/** Everything the indexer is configured with, resolved from the environment and deployments/. */
export interface IndexerSettings {
  /** Network name: the deployments/<network>.json file that is indexed (SETTLE_NETWORK). */
  network: string;
  /** Path of that deployment file. */
  deploymentPath: string;
  /** JSON-RPC URL of the chain. */
  rpcUrl: string;
  /** Folder of Ponder's SQLite files (public.db, ponder_sync.db) and of the chain identity file. */
  indexDir: string;
  /** Path of the index database the API reads (`<indexDir>/public.db`). */
  databasePath: string;
  /** How often Ponder polls the node for new blocks, in milliseconds. */
  pollingIntervalMs: number;
  /** Port of Ponder's HTTP server (/health, /ready, /status, /metrics, GraphQL). */
  port: number;
}

/** A setting or deployment problem, with a message that says how to fix it. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

/** Folder of deployment files: SETTLE_DEPLOYMENTS_DIR or <repo>/deployments. */
export function deploymentsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SETTLE_DEPLOYMENTS_DIR ? resolve(env.SETTLE_DEPLOYMENTS_DIR) : join(REPO_ROOT, "deployments");
}

/**
 * Resolves the indexer's settings. Environment variables:
 * - SETTLE_NETWORK (default `localhost`): which deployments/<network>.json to index;
 * - SETTLE_DEPLOYMENTS_DIR: the deployments folder (default <repo>/deployments);
 * - RPC_URL: the node's URL (default http://127.0.0.1:8545, core/chains);
 * - SETTLE_INDEX_DIR: where the SQLite files live (default indexer/.ponder/<network>);
 * - SETTLE_POLLING_INTERVAL_MS: block polling interval (default 100 on local chains, 1000 elsewhere);
 * - PORT: Ponder's HTTP port (default 42069).
 */
export function resolveSettings(env: NodeJS.ProcessEnv = process.env): IndexerSettings {
  const network = env.SETTLE_NETWORK || "localhost";
  if (!/^[A-Za-z0-9_-]+$/.test(network)) throw new SettingsError(`SETTLE_NETWORK must be a network name, got "${network}"`);
  const deploymentPath = join(deploymentsDir(env), `${network}.json`);
  let rpcUrl: string;
  try {
    rpcUrl = rpcUrlFromEnv(env);
  } catch (error) {
    throw new SettingsError((error as Error).message);
  }
  const indexDirSetting = env.SETTLE_INDEX_DIR || join(INDEXER_DIR, ".ponder", network);
  const indexDir = isAbsolute(indexDirSetting) ? indexDirSetting : resolve(indexDirSetting);
  const port = env.PORT ? Number(env.PORT) : 42069;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new SettingsError(`PORT must be a port number, got "${env.PORT}"`);
  let pollingIntervalMs = 0;
  if (env.SETTLE_POLLING_INTERVAL_MS) {
    pollingIntervalMs = Number(env.SETTLE_POLLING_INTERVAL_MS);
    if (!Number.isInteger(pollingIntervalMs) || pollingIntervalMs < 10) {
      throw new SettingsError(`SETTLE_POLLING_INTERVAL_MS must be an integer >= 10, got "${env.SETTLE_POLLING_INTERVAL_MS}"`);
    }
  }
  return {
    network,
    deploymentPath,
    rpcUrl,
    indexDir,
    databasePath: join(indexDir, "public.db"),
    pollingIntervalMs,
    port,
  };
}

/** Polling interval for a chain: the setting, or 100 ms on local chains and 1 s elsewhere. */
export function pollingIntervalFor(settings: IndexerSettings, chainId: number): number {
  if (settings.pollingIntervalMs > 0) return settings.pollingIntervalMs;
  return isLocalChain(chainId) ? 100 : 1_000;
}

/** Reads and checks deployments/<network>.json; the error message says how to create it. */
export function readDeployment(settings: Pick<IndexerSettings, "network" | "deploymentPath">): Deployment {
  const { network, deploymentPath } = settings;
  if (!existsSync(deploymentPath)) {
    throw new SettingsError(`no ${deploymentPath}: deploy first (\`npm run deploy -- --network ${network}\`)`);
  }
  const parsed = JSON.parse(readFileSync(deploymentPath, "utf8")) as Partial<Deployment>;
  const contracts = parsed.contracts;
  for (const name of ["SettleToken", "StakingRewards"] as const) {
    const entry = contracts?.[name];
    if (!entry || !/^0x[0-9a-fA-F]{40}$/.test(entry.address) || !Number.isInteger(entry.deployBlock)) {
      throw new SettingsError(`${deploymentPath} has no valid ${name}: deploy again`);
    }
  }
  if (typeof parsed.chainId !== "number") throw new SettingsError(`${deploymentPath} has no chainId: deploy again`);
  return parsed as Deployment;
}

/** The first block any indexed contract can have events in: the earliest deploy block. */
export function startBlockOf(deployment: Deployment): number {
  return Math.min(...Object.values(deployment.contracts).map((contract) => contract.deployBlock));
}
