/**
 * The networks one Settle serves, and each one's RPC settings, from the environment. Every layer (the indexer, the API,
 * `npm start`, the tasks) reads them here, so one variable means the same everywhere:
 *
 * - `SETTLE_NETWORKS`: the network names, separated by commas, each with its deployments/<name>.json (default: the
 *   one name of `SETTLE_NETWORK`, else `localhost`).
 * - `RPC_URL_<NAME>` (the name in upper case, `-` as `_`): that network's JSON-RPC URL, or several separated by commas
 *   (a ranked fallback). The first network may use `RPC_URL` instead; `localhost` and `localhost2` default to the
 *   local nodes `npm start` runs.
 * - `SETTLE_<SETTING>_<NAME>`, else `SETTLE_<SETTING>`, else the chain's default ({@link rpcDefaults}): the settings
 *   a public RPC needs (see {@link RPC_SETTING_VARIABLES}).
 */
import { DEFAULT_RPC_URL, DEFAULT_RPC_URL_2, LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2, isLocalChain } from "./chains";

/** A network name as files, flags and variables take it. */
export const NETWORK_NAME = /^[A-Za-z0-9_-]+$/;

/** The local networks `npm start` runs, with their nodes' URLs (`--chains 2` runs both). */
export const LOCAL_NETWORKS: Readonly<Record<string, string>> = { localhost: DEFAULT_RPC_URL, localhost2: DEFAULT_RPC_URL_2 };

/** The chain id of each local network's node: `localhost` 31337, `localhost2` 31338. */
export const LOCAL_NETWORK_CHAIN_IDS: Readonly<Record<string, number>> = { localhost: LOCAL_CHAIN_ID, localhost2: LOCAL_CHAIN_ID_2 };

/** What a public RPC needs to be asked politely; 0 in a {@link NetworkConfig} means "the chain's default". */
export interface RpcSettings {
  /** One HTTP request's timeout (ms): a stalled connection is given up after it. */
  timeoutMs: number;
  /** How often the indexer polls for new blocks (ms). */
  pollingIntervalMs: number;
  /** The indexer's limit on requests per second. */
  maxRequestsPerSecond: number;
  /** The widest eth_getLogs block range asked for (0: as wide as the provider allows; the indexer narrows on refusal). */
  maxLogsBlockRange: number;
  /** How long a transient failure is retried before it counts as a failure (ms). */
  patienceMs: number;
}

/** The variable of each setting (per network: `<variable>_<NAME>`), with its smallest accepted value. */
export const RPC_SETTING_VARIABLES: Readonly<Record<keyof RpcSettings, { variable: string; min: number }>> = {
  timeoutMs: { variable: "SETTLE_RPC_TIMEOUT_MS", min: 100 },
  pollingIntervalMs: { variable: "SETTLE_POLLING_INTERVAL_MS", min: 10 },
  maxRequestsPerSecond: { variable: "SETTLE_RPC_MAX_REQUESTS_PER_SECOND", min: 1 },
  maxLogsBlockRange: { variable: "SETTLE_RPC_MAX_LOGS_BLOCK_RANGE", min: 1 },
  patienceMs: { variable: "SETTLE_RPC_PATIENCE_MS", min: 0 },
};

/**
 * The defaults of a chain: a local node answers at once and may take everything; a public provider is asked
 * politely (25 requests/s, eth_getLogs over at most 2,000 blocks, 15 s timeouts, a poll a second).
 */
export function rpcDefaults(chainId: number): RpcSettings {
  return isLocalChain(chainId)
    ? { timeoutMs: 10_000, pollingIntervalMs: 100, maxRequestsPerSecond: 10_000, maxLogsBlockRange: 0, patienceMs: 90_000 }
    : { timeoutMs: 15_000, pollingIntervalMs: 1_000, maxRequestsPerSecond: 25, maxLogsBlockRange: 2_000, patienceMs: 90_000 };
}

/** One configured network, before its deployment file is read (its chain id comes from there). */
export interface NetworkConfig {
  /** The network's name: deployments/<name>.json, `--network <name>`. */
  name: string;
  /** Its JSON-RPC URLs, in order of preference. */
  rpcUrls: string[];
  /** Settings set in the environment; 0 where unset ({@link resolveRpcSettings} fills in the chain's default). */
  rpc: RpcSettings;
}

/** A configuration problem, with a message that names the variable and how to fix it. */
export class NetworkConfigError extends Error {
  override name = "NetworkConfigError";
}

/** The suffix of a network's own variables: `localhost2` → `LOCALHOST2`, `base-sepolia` → `BASE_SEPOLIA`. */
export function networkVariableSuffix(name: string): string {
  return name.toUpperCase().replace(/-/g, "_");
}

/** The names in SETTLE_NETWORKS (else SETTLE_NETWORK, else `localhost`), checked and without duplicates. */
export function networkNamesFromEnv(env: Record<string, string | undefined>): string[] {
  const raw = env.SETTLE_NETWORKS || env.SETTLE_NETWORK || "localhost";
  const names = raw
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.length === 0) throw new NetworkConfigError(`SETTLE_NETWORKS must list network names separated by commas, got "${raw}"`);
  for (const name of names) {
    if (!NETWORK_NAME.test(name))
      throw new NetworkConfigError(`SETTLE_NETWORKS: "${name}" is not a network name (letters, digits, _ and -)`);
  }
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new NetworkConfigError(`SETTLE_NETWORKS names "${duplicate}" twice`);
  return names;
}

/** Splits and checks a comma-separated list of http(s) URLs read from `variable`. */
export function parseRpcUrls(raw: string, variable: string): string[] {
  const urls = raw
    .split(",")
    .map((url) => url.trim())
    .filter((url) => url !== "");
  if (urls.length === 0) throw new NetworkConfigError(`${variable} must be an http(s) URL or a comma-separated list of them, got "${raw}"`);
  for (const url of urls) {
    if (!/^https?:\/\/\S+$/.test(url)) {
      throw new NetworkConfigError(`${variable} must be an http(s) URL or a comma-separated list of them, got "${url}" in "${raw}"`);
    }
  }
  return urls;
}

/**
 * The RPC URLs of network `name`: RPC_URL_<NAME>; else RPC_URL when it is the first network (`first`); else the local
 * node's for `localhost` and `localhost2`.
 *
 * @throws NetworkConfigError when none is set, or one is not an http(s) URL
 */
export function rpcUrlsOf(env: Record<string, string | undefined>, name: string, first: boolean): string[] {
  const own = `RPC_URL_${networkVariableSuffix(name)}`;
  if (env[own]) return parseRpcUrls(env[own]!, own);
  if (first && env.RPC_URL) return parseRpcUrls(env.RPC_URL, "RPC_URL");
  const local = LOCAL_NETWORKS[name];
  if (local) return [local];
  throw new NetworkConfigError(`network "${name}" has no RPC URL: set ${own} to its node's http(s) URL`);
}

/** The settings of network `name` set in the environment (its own variables first); 0 where unset. */
export function rpcSettingsOf(env: Record<string, string | undefined>, name: string): RpcSettings {
  const suffix = networkVariableSuffix(name);
  const settings = {} as RpcSettings;
  for (const [key, { variable, min }] of Object.entries(RPC_SETTING_VARIABLES) as [
    keyof RpcSettings,
    { variable: string; min: number },
  ][]) {
    const own = `${variable}_${suffix}`;
    const which = env[own] ? own : variable;
    const raw = env[which];
    const value = raw ? Number(raw) : 0;
    if (raw && (!Number.isInteger(value) || value < min))
      throw new NetworkConfigError(`${which} must be an integer >= ${min}, got "${raw}"`);
    settings[key] = value;
  }
  return settings;
}

/** Every configured network, in the order of SETTLE_NETWORKS. */
export function networksFromEnv(env: Record<string, string | undefined>): NetworkConfig[] {
  return networkNamesFromEnv(env).map((name, i) => ({ name, rpcUrls: rpcUrlsOf(env, name, i === 0), rpc: rpcSettingsOf(env, name) }));
}

/** The settings of a network on chain `chainId`: what the environment set, the chain's defaults elsewhere. */
export function resolveRpcSettings(config: NetworkConfig, chainId: number): RpcSettings {
  const defaults = rpcDefaults(chainId);
  const resolved = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof RpcSettings)[]) if (config.rpc[key] > 0) resolved[key] = config.rpc[key];
  return resolved;
}

/**
 * The JSON-RPC URLs of the first configured network (the one a single-network process talks to): RPC_URL_<NAME>,
 * RPC_URL, or its local node's. The indexer uses them all through a fallback transport; other layers use the first.
 *
 * @throws NetworkConfigError when a URL is not an http(s) URL, or the network has none
 */
export function rpcUrlsFromEnv(env: Record<string, string | undefined>): string[] {
  return rpcUrlsOf(env, networkNamesFromEnv(env)[0]!, true);
}

/**
 * The JSON-RPC URL of the node a process talks to: the first of {@link rpcUrlsFromEnv}.
 *
 * @throws NetworkConfigError as {@link rpcUrlsFromEnv}
 */
export function rpcUrlFromEnv(env: Record<string, string | undefined>): string {
  return rpcUrlsFromEnv(env)[0]!;
}
