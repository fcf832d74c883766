/**
 * The one launcher of the local stack: a Hardhat node, the real deploy, the indexer and the API
 * (serving the built page), started in that order and stopped together. `npm start` runs it on the
 * usual ports with its state in .settle/; tests and benchmarks run it on free ports in a temporary
 * folder, several at a time if they like.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApiProcess, type ApiProcess } from "./api";
import { startIndexer, type IndexLocation, type IndexProgressReader, type RunningIndexer } from "./indexer";
import { deploySettle, startHardhatNode, type HardhatNode, type LocalDeployment } from "./node";

/** How to run a stack; every port is a free one and every folder a temporary one unless given. */
export interface StackOptions<Reader extends IndexProgressReader | undefined> {
  /** Folder of the logs (and, unless given, of the deployments, the index and app.sqlite); a new temporary folder by default. */
  dir?: string;
  /** The node's port. */
  nodePort?: number;
  /** Where the deploy writes localhost.json (default `<dir>/deployments`). */
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
  /** The Hardhat node. */
  node: HardhatNode;
  /** What the deploy wrote. */
  deployment: LocalDeployment;
  /** The indexer. */
  indexer: RunningIndexer<Reader>;
  /** The API, unless started without one. */
  api: ApiProcess | undefined;
  /** Stops the API, the indexer and the node (newest first); removes `dir` when it was a temporary one (kept with SETTLE_KEEP_TMP=1). */
  stop(): Promise<void>;
}

/** Starts a node, deploys onto it, then starts the indexer and the API; stops what it started if a step fails. */
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
    progress("starting the Hardhat node");
    const node = await startHardhatNode({ port: options.nodePort, logDir: dir });
    started.push(node);
    progress(`deploying contracts onto ${node.url}`);
    const deployment = await deploySettle(node, options.deploymentsDir ?? join(dir, "deployments"));
    progress("starting the indexer");
    const indexer = await startIndexer({
      rpcUrl: node.url,
      deploymentsDir: deployment.deploymentsDir,
      indexDir: options.indexDir ?? join(dir, "index"),
      logFile: join(dir, "indexer.log"),
      port: options.indexerPort,
      openReader: options.openReader,
      indexDatabaseUrl: options.databases?.indexUrl,
      env: options.indexerEnv,
    });
    started.push(indexer);
    let api: ApiProcess | undefined;
    if (options.api !== false) {
      const settings = options.api ?? {};
      progress("starting the API");
      api = await startApiProcess(
        {
          RPC_URL: node.url,
          SETTLE_DEPLOYMENTS_DIR: deployment.deploymentsDir,
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
    return { dir, node, deployment, indexer, api, stop: stopStarted };
  } catch (error) {
    await stopStarted();
    throw error;
  }
}
