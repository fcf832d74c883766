/** The indexer's settings, from the environment; the deployment itself is read with core/deployment-file. */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isLocalChain } from "../../core/chains";
import { NETWORK_NAME, rpcUrlsFromEnv } from "../../core/networks";
import { deploymentPath, deploymentsDir } from "../../core/deployment-file";
import { indexDatabasePath } from "../../core/index-folder";
import { isPostgresUrl } from "../../core/postgres-check";

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
  /** JSON-RPC URLs of the chain, in order of preference (RPC_URL: one URL or a comma-separated list). */
  rpcUrls: string[];
  /** Folder of Ponder's SQLite files (public.db, ponder_sync.db) and of the chain identity file. */
  indexDir: string;
  /** Path of the index database the API reads (`<indexDir>/public.db`) while {@link indexDatabaseUrl} is unset. */
  databasePath: string;
  /**
   * PostgreSQL URL of the index (INDEX_DATABASE_URL): Ponder writes into the deployment's schema there
   * (core/index-schema's indexSchemaName); unset: SQLite files in {@link indexDir}.
   */
  indexDatabaseUrl: string | undefined;
  /** How often Ponder polls the node for new blocks, in milliseconds (0: the chain's default). */
  pollingIntervalMs: number;
  /** One RPC request's timeout in milliseconds (0: the chain's default, lib/transport). */
  rpcTimeoutMs: number;
  /** How long a transient RPC failure is retried before Ponder hears of it, in milliseconds (0: 90 s). */
  rpcPatienceMs: number;
  /** Ponder's limit on RPC requests per second (0: the chain's default, lib/transport). */
  maxRequestsPerSecond: number;
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
 * - RPC_URL: the node's URL, or several separated by commas (default http://127.0.0.1:8545, core/chains);
 * - SETTLE_INDEX_DIR: where the SQLite files live (default indexer/.ponder/<network>), and the supervisor's lock file;
 * - INDEX_DATABASE_URL: a PostgreSQL URL to index into instead of SQLite (one schema per deployment);
 * - SETTLE_POLLING_INTERVAL_MS: block polling interval (default 100 on local chains, 1000 elsewhere);
 * - SETTLE_RPC_TIMEOUT_MS: one RPC request's timeout (default 10000 on local chains, 15000 elsewhere);
 * - SETTLE_RPC_PATIENCE_MS: how long a transient RPC failure is retried before Ponder hears of it (default 90000);
 * - SETTLE_RPC_MAX_REQUESTS_PER_SECOND: Ponder's request rate limit (default 10000 on local chains, 25 elsewhere);
 * - PORT: Ponder's HTTP port (default 42069).
 */
export function resolveSettings(env: NodeJS.ProcessEnv = process.env): IndexerSettings {
  const network = env.SETTLE_NETWORK || "localhost";
  if (!NETWORK_NAME.test(network)) throw new SettingsError(`SETTLE_NETWORK must be a network name, got "${network}"`);
  const dir = deploymentsDir(REPO_ROOT, env);
  let rpcUrls: string[];
  try {
    rpcUrls = rpcUrlsFromEnv(env);
  } catch (error) {
    throw new SettingsError((error as Error).message);
  }
  const indexDirSetting = env.SETTLE_INDEX_DIR || join(INDEXER_DIR, ".ponder", network);
  const indexDir = isAbsolute(indexDirSetting) ? indexDirSetting : resolve(indexDirSetting);
  const port = env.PORT ? Number(env.PORT) : 42069;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new SettingsError(`PORT must be a port number, got "${env.PORT}"`);
  const indexDatabaseUrl = env.INDEX_DATABASE_URL || undefined;
  if (indexDatabaseUrl !== undefined && !isPostgresUrl(indexDatabaseUrl)) {
    throw new SettingsError(
      "INDEX_DATABASE_URL must be a PostgreSQL URL like postgres://user:password@127.0.0.1:5432/settle_index (unset it to index into SQLite)",
    );
  }
  const pollingIntervalMs = positiveInteger(env, "SETTLE_POLLING_INTERVAL_MS", 10);
  const rpcTimeoutMs = positiveInteger(env, "SETTLE_RPC_TIMEOUT_MS", 100);
  const rpcPatienceMs = positiveInteger(env, "SETTLE_RPC_PATIENCE_MS", 0);
  const maxRequestsPerSecond = positiveInteger(env, "SETTLE_RPC_MAX_REQUESTS_PER_SECOND", 1);
  return {
    network,
    deploymentsDir: dir,
    deploymentPath: deploymentPath(dir, network),
    rpcUrls,
    indexDir,
    databasePath: indexDatabasePath(indexDir),
    indexDatabaseUrl,
    pollingIntervalMs,
    rpcTimeoutMs,
    rpcPatienceMs,
    maxRequestsPerSecond,
    port,
  };
}

/** The integer in `env[name]`, at least `min`; 0 when unset (the chain's default). */
function positiveInteger(env: NodeJS.ProcessEnv, name: string, min: number): number {
  const raw = env[name];
  if (!raw) return 0;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new SettingsError(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

/** Polling interval for a chain: the setting, or 100 ms on local chains and 1 s elsewhere. */
export function pollingIntervalFor(settings: IndexerSettings, chainId: number): number {
  if (settings.pollingIntervalMs > 0) return settings.pollingIntervalMs;
  return isLocalChain(chainId) ? 100 : 1_000;
}
