/** The indexer's settings, from the environment; the deployment itself is read with core/deployment-file. */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Deployment } from "../../core/deployment";
import { deploymentPath, deploymentsDir, readDeployment } from "../../core/deployment-file";
import { networksFromEnv, type NetworkConfig } from "../../core/networks";
import { indexDatabasePath } from "../../core/index-folder";
import { isPostgresUrl } from "../../core/postgres-check";

/** The indexer package's folder (indexer/). */
export const INDEXER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The repository root. */
export const REPO_ROOT = resolve(INDEXER_DIR, "..");

/** Everything the indexer is configured with, resolved from the environment. */
export interface IndexerSettings {
  /**
   * The indexed networks, in the order of SETTLE_NETWORKS (or the one of SETTLE_NETWORK): each one's name (its
   * deployments/<name>.json), RPC URLs and RPC settings (core/networks).
   */
  networks: NetworkConfig[];
  /** The folder of deployment files (core/deployment-file's deploymentsDir). */
  deploymentsDir: string;
  /** Folder of Ponder's SQLite files (public.db, ponder_sync.db) and of the chain identity file. */
  indexDir: string;
  /** Path of the index database the API reads (`<indexDir>/public.db`) while {@link indexDatabaseUrl} is unset. */
  databasePath: string;
  /**
   * PostgreSQL URL of the index (INDEX_DATABASE_URL): Ponder writes into the schema of the set of deployments there
   * (core/index-schema's indexSchemaName); unset: SQLite files in {@link indexDir}.
   */
  indexDatabaseUrl: string | undefined;
  /** Port of Ponder's HTTP server (/health, /ready, /status, /metrics, GraphQL). */
  port: number;
}

/** A setting problem, with a message that says how to fix it. */
export class SettingsError extends Error {
  override name = "SettingsError";
}

/**
 * Resolves the indexer's settings. Environment variables:
 * - SETTLE_NETWORKS (else SETTLE_NETWORK, else `localhost`): the networks to index, separated by commas, each with
 *   its deployments/<name>.json; RPC_URL_<NAME> (the first network may use RPC_URL) and the per-network RPC settings
 *   SETTLE_<SETTING>[_<NAME>] (core/networks: timeouts, polling interval, request rate, eth_getLogs range, patience);
 * - SETTLE_DEPLOYMENTS_DIR: the deployments folder (default <repo>/deployments);
 * - SETTLE_INDEX_DIR: where the SQLite files live (default indexer/.ponder/<network>[+<network>...]), and the
 *   supervisor's lock file;
 * - INDEX_DATABASE_URL: a PostgreSQL URL to index into instead of SQLite (one schema per set of deployments);
 * - PORT: Ponder's HTTP port (default 42069).
 */
export function resolveSettings(env: NodeJS.ProcessEnv = process.env): IndexerSettings {
  let networks: NetworkConfig[];
  try {
    networks = networksFromEnv(env);
  } catch (error) {
    throw new SettingsError((error as Error).message);
  }
  const dir = deploymentsDir(REPO_ROOT, env);
  const indexDirSetting = env.SETTLE_INDEX_DIR || join(INDEXER_DIR, ".ponder", networks.map((network) => network.name).join("+"));
  const indexDir = isAbsolute(indexDirSetting) ? indexDirSetting : resolve(indexDirSetting);
  const port = env.PORT ? Number(env.PORT) : 42069;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new SettingsError(`PORT must be a port number, got "${env.PORT}"`);
  const indexDatabaseUrl = env.INDEX_DATABASE_URL || undefined;
  if (indexDatabaseUrl !== undefined && !isPostgresUrl(indexDatabaseUrl)) {
    throw new SettingsError(
      "INDEX_DATABASE_URL must be a PostgreSQL URL like postgres://user:password@127.0.0.1:5432/settle_index (unset it to index into SQLite)",
    );
  }
  return { networks, deploymentsDir: dir, indexDir, databasePath: indexDatabasePath(indexDir), indexDatabaseUrl, port };
}

/** Path of the deployment file of `network`. */
export function deploymentPathOf(settings: IndexerSettings, network: string): string {
  return deploymentPath(settings.deploymentsDir, network);
}

/** The deployment of every indexed network, in order (core/deployment-file: throws naming the file when one is missing or broken). */
export function readDeployments(settings: IndexerSettings): Deployment[] {
  return settings.networks.map((network) => readDeployment(settings.deploymentsDir, network.name));
}
