/** The indexer's settings, from the environment; the deployment itself is read with core/deployment-file. */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isLocalChain, rpcUrlFromEnv } from "../../core/chains";
import { NETWORK_NAME, deploymentPath, deploymentsDir } from "../../core/deployment-file";
import { indexDatabasePath } from "../../core/index-folder";

/** The indexer package's folder (indexer/). */
export const INDEXER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The repository root. */
export const REPO_ROOT = resolve(INDEXER_DIR, "..");

/** Everything the indexer is configured with, resolved from the environment. */
export interface IndexerSettings {
  /** Network name: the deployments/<network>.json file that is indexed (SETTLE_NETWORK). */
  network: string;
  /** The folder of deployment files (core/deployment-file's deploymentsDir). */
  deploymentsDir: string;
  /** Path of the deployment file of {@link network}. */
  deploymentPath: string;
  /** JSON-RPC URL of the chain (RPC_URL). */
  rpcUrl: string;
  /** Folder of Ponder's SQLite files (public.db, ponder_sync.db) and of the chain identity file. */
  indexDir: string;
  /** Path of the index database the API reads (`<indexDir>/public.db`). */
  databasePath: string;
  /** How often Ponder polls the node for new blocks, in milliseconds (0: the chain's default). */
  pollingIntervalMs: number;
  /** Port of Ponder's HTTP server (/health, /ready, /status, /metrics, GraphQL). */
  port: number;
}

/** A setting problem, with a message that says how to fix it. */
export class SettingsError extends Error {
  override name = "SettingsError";
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
  if (!NETWORK_NAME.test(network)) throw new SettingsError(`SETTLE_NETWORK must be a network name, got "${network}"`);
  const dir = deploymentsDir(REPO_ROOT, env);
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
    deploymentsDir: dir,
    deploymentPath: deploymentPath(dir, network),
    rpcUrl,
    indexDir,
    databasePath: indexDatabasePath(indexDir),
    pollingIntervalMs,
    port,
  };
}

/** Polling interval for a chain: the setting, or 100 ms on local chains and 1 s elsewhere. */
export function pollingIntervalFor(settings: IndexerSettings, chainId: number): number {
  if (settings.pollingIntervalMs > 0) return settings.pollingIntervalMs;
  return isLocalChain(chainId) ? 100 : 1_000;
}
