/**
 * The one launcher of the local stack: a Hardhat node (two, chains 31337 and 31338, with `chains: 2`), the real deploy
 * on each, the indexer and the API (serving the built page) configured with every chain, started in that order and
 * stopped together. `npm start` runs it on the usual ports with its state in .settle/; tests and benchmarks run it on
 * free ports in a temporary folder, several at a time if they like.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApiProcess, type ApiProcess } from "./api";
import { startIndexer, type IndexLocation, type IndexProgressReader, type RunningIndexer } from "./indexer";
import { LOCAL_NETWORK_CHAIN_IDS, networkVariableSuffix } from "../../core/networks";
import { deploySettle, shareClock, startHardhatNode, type HardhatNode, type LocalDeployment } from "./node";

/** The local networks of a stack of one or two chains, in order (deployments/<network>.json, SETTLE_NETWORKS). */
export const STACK_NETWORKS = ["localhost", "localhost2"] as const;

/** With several chains, each node mines a block this often (ms) on one clock (see shareClock). */
export const MULTICHAIN_BLOCK_INTERVAL_MS = 1_000;

/** How many local chains a stack may run (`npm start -- --chains <n>`). */
export type ChainCount = 1 | 2;

/** One local chain of a stack: its node and what the deploy wrote for it. */
export interface LocalChain {
  /** Its network name (`localhost`, `localhost2`). */
  network: string;
  /** Its Hardhat node. */
  node: HardhatNode;
  /** What the deploy wrote. */
  deployment: LocalDeployment;
}

/**
 * The variables that point the indexer and the API at every chain of the stack (core/networks): SETTLE_NETWORKS, RPC_URL
 * for the first network (as with one chain, so that a caller's RPC_URL still wins) and RPC_URL_<NAME> for the others.
 */
export function networksEnv(chains: readonly Pick<LocalChain, "network" | "node">[]): Record<string, string> {
  const env: Record<string, string> = { SETTLE_NETWORKS: chains.map((chain) => chain.network).join(",") };
  for (const [i, chain] of chains.entries()) env[i === 0 ? "RPC_URL" : `RPC_URL_${networkVariableSuffix(chain.network)}`] = chain.node.url;
  return env;
}

/** How to run a stack; every port is a free one and every folder a temporary one unless given. */
export interface StackOptions<Reader extends IndexProgressReader | undefined> {
  /** Folder of the logs (and, unless given, of the deployments, the index and app.sqlite); a new temporary folder by default. */
  dir?: string;
  /** How many local chains (default 1): with 2, a second node on chain 31338 and a deploy there (localhost2.json). */
  chains?: ChainCount;
  /** The node's port. */
  nodePort?: number;
  /** The second node's port (`chains: 2`). */
  nodePort2?: number;
  /** Where the deploy writes localhost.json (and localhost2.json) (default `<dir>/deployments`). */
  deploymentsDir?: string;
  /** The index folder (default `<dir>/index`). */
  indexDir?: string;
  /** Ponder's HTTP port. */
  indexerPort?: number;
  /** Opens a reader on the index (the API's read module), for {@link RunningIndexer.waitUntilIndexed}. */
  openReader?: (location: IndexLocation) => Reader;
  /** PostgreSQL databases of the index (INDEX_DATABASE_URL) and of the API (APP_DATABASE_URL); SQLite files by default. */
  databases?: { indexUrl: string; appUrl: string };
  /** Extra environment of the indexer. */
  indexerEnv?: NodeJS.ProcessEnv;
  /** The API (its port, public origin and configuration variables); `false` for no API. */
  api?: false | { port?: number; origin?: string; env?: NodeJS.ProcessEnv };
  /** Called before each step with a line for people. */
  progress?: (line: string) => void;
}

/** A running stack. */
export interface LocalStack<Reader extends IndexProgressReader | undefined> {
  /** Folder of the logs. */
  dir: string;
  /** The (first) Hardhat node. */
  node: HardhatNode;
  /** What the deploy wrote on the first chain. */
  deployment: LocalDeployment;
  /** Every chain, the first one first. */
  chains: LocalChain[];
  /** The indexer. */
  indexer: RunningIndexer<Reader>;
  /** The API, unless started without one. */
  api: ApiProcess | undefined;
  /** Stops the API, the indexer and the nodes (newest first); removes `dir` when it was a temporary one (kept with SETTLE_KEEP_TMP=1). */
  stop(): Promise<void>;
}

/** Starts the nodes, deploys onto each, then starts the indexer and the API; stops what it started if a step fails. */
export async function startStack<Reader extends IndexProgressReader | undefined = undefined>(
  options: StackOptions<Reader> = {},
): Promise<LocalStack<Reader>> {
  const temporary = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "settle-stack-"));
  const progress = options.progress ?? (() => {});
  const started: { stop(): Promise<void> }[] = [];
  const stopStarted = async () => {
    for (const part of started.reverse()) await part.stop();
    if (temporary && !process.env.SETTLE_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deploymentsDir = options.deploymentsDir ?? join(dir, "deployments");
    const ports = [options.nodePort, options.nodePort2];
    const chains: LocalChain[] = [];
    for (const [i, network] of STACK_NETWORKS.slice(0, options.chains ?? 1).entries()) {
      const chainId = LOCAL_NETWORK_CHAIN_IDS[network]!;
      progress(`starting the Hardhat node of chain ${chainId} (${network})`);
      const node = await startHardhatNode({ port: ports[i], logDir: dir, chainId });
      started.push(node);
      progress(`deploying contracts onto ${node.url} (chain ${chainId}, deployments/${network}.json)`);
      chains.push({ network, node, deployment: await deploySettle(node, deploymentsDir, network) });
    }
    if (chains.length > 1) {
      // Ponder 0.6 holds back every chain's events until the others have a block as late: keep both clocks moving.
      progress(`mining a block every ${MULTICHAIN_BLOCK_INTERVAL_MS / 1000} s on each chain (one clock for the indexer)`);
      await shareClock(
        chains.map((chain) => chain.node),
        MULTICHAIN_BLOCK_INTERVAL_MS,
      );
    }
    const { node, deployment } = chains[0]!;
    const networks = networksEnv(chains);
    progress(`starting the indexer (networks ${networks.SETTLE_NETWORKS})`);
    const indexer = await startIndexer({
      rpcUrl: node.url,
      deploymentsDir,
      indexDir: options.indexDir ?? join(dir, "index"),
      logFile: join(dir, "indexer.log"),
      port: options.indexerPort,
      openReader: options.openReader,
      indexDatabaseUrl: options.databases?.indexUrl,
      env: { ...networks, ...options.indexerEnv },
    });
    started.push(indexer);
    let api: ApiProcess | undefined;
    if (options.api !== false) {
      const settings = options.api ?? {};
      progress("starting the API");
      api = await startApiProcess(
        {
          ...networks,
          SETTLE_DEPLOYMENTS_DIR: deploymentsDir,
          APP_DB_PATH: join(dir, "app", "app.sqlite"),
          INDEX_DB_PATH: indexer.databasePath,
          ...(options.databases ? { INDEX_DATABASE_URL: options.databases.indexUrl, APP_DATABASE_URL: options.databases.appUrl } : {}),
          ...settings.env,
        },
        dir,
        { port: settings.port, origin: settings.origin, logFile: join(dir, "api.log") },
      );
      started.push(api.process);
    }
    return { dir, node, deployment, chains, indexer, api, stop: stopStarted };
  } catch (error) {
    await stopStarted();
    throw error;
  }
}
