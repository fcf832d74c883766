/**
 * The real indexer (indexer/supervisor/: chain-identity check, then `ponder start`, as `npm run index`
 * runs it) with its index in a folder of its own (.settle/index for `npm start`, a temporary one
 * for tests and benchmarks), or in the deployment's schema of a PostgreSQL database, and its HTTP server on a given
 * or free port.
 */
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readDeployment } from "../../core/deployment-file";
import { indexSchemaOf } from "../../core/index-schema";
import { QUIET_ENV, REPO_ROOT } from "./paths";
import { freePort, startProcess, waitForProcess, type ManagedProcess } from "./processes";

/** Where the indexer package lives. */
const INDEXER_DIR = join(REPO_ROOT, "indexer");

/**
 * What the stack needs of a reader of the index (the API's read module fits): whether it is ready,
 * the block it has reached, and closing it. The launcher takes it as a parameter so that scripts/
 * does not import api/.
 */
export interface IndexProgressReader {
  /** True once the index is ready to be read. */
  isReady(): Promise<boolean>;
  /** The indexed head (null before the first block). */
  status(): Promise<{ block: { number: bigint } | null }>;
  /** Closes the database. */
  close(): Promise<void>;
}

/**
 * Where an index is, as the API's read module takes it: Ponder's SQLite file, or a PostgreSQL database and the
 * schema of the deployment (a function: the deployment file may be rewritten while the indexer runs).
 */
export type IndexLocation = { path: string } | { url: string; schema: () => string | undefined };

/**
 * The schema of the deployments in `deploymentsDir`/<network>.json of each of `networks` (core/index-schema's
 * indexSchemaOf), read again when a file changes; undefined while one is missing.
 */
export function deploymentSchema(deploymentsDir: string, networks: string | readonly string[] = "localhost"): () => string | undefined {
  const names = typeof networks === "string" ? [networks] : networks;
  let seen: { mtimeMs: string; schema: string | undefined } | undefined;
  return () => {
    let mtimeMs: string;
    try {
      mtimeMs = names.map((network) => statSync(join(deploymentsDir, `${network}.json`)).mtimeMs).join(",");
    } catch {
      return undefined;
    }
    if (seen?.mtimeMs !== mtimeMs) {
      let schema: string | undefined;
      try {
        schema = indexSchemaOf(names.map((network) => readDeployment(deploymentsDir, network)));
      } catch {
        schema = undefined;
      }
      seen = { mtimeMs, schema };
    }
    return seen.schema;
  };
}

/** How to start an indexer. */
export interface IndexerOptions<Reader extends IndexProgressReader | undefined> {
  /** The node's URL (RPC_URL). */
  rpcUrl: string;
  /** Folder holding localhost.json (SETTLE_DEPLOYMENTS_DIR). */
  deploymentsDir: string;
  /** Opens a reader on the index (given where it is); without one, only {@link RunningIndexer.waitUntilReady} waits. */
  openReader?: (location: IndexLocation) => Reader;
  /** A PostgreSQL database to index into (INDEX_DATABASE_URL); SQLite files in the index folder by default. */
  indexDatabaseUrl?: string;
  /** Folder of the index (SETTLE_INDEX_DIR); a new temporary folder by default. Reuse it to restart on the same index. */
  indexDir?: string;
  /** Where its log goes (default `indexer.log` in the index folder). */
  logFile?: string;
  /** Ponder's HTTP port; a free one by default. */
  port?: number;
  /** Extra environment (e.g. SETTLE_POLLING_INTERVAL_MS). */
  env?: NodeJS.ProcessEnv;
}

/** A running indexer. */
export interface RunningIndexer<Reader extends IndexProgressReader | undefined = IndexProgressReader> {
  /** Folder of the index. */
  indexDir: string;
  /** Path of the SQLite database the API reads (unused on PostgreSQL). */
  databasePath: string;
  /** Where the index is. */
  location: IndexLocation;
  /** Ponder's HTTP port. */
  port: number;
  /** The indexer supervisor process (indexer/supervisor/main.ts). */
  process: ManagedProcess;
  /** A reader on this indexer's database (closed by {@link RunningIndexer.stop}). */
  reader: Reader;
  /** The launcher's and Ponder's output so far. */
  log(): string;
  /** Events Ponder has run handlers for since it started (its `ponder_indexing_completed_events` metric); 0 before it answers. */
  completedEvents(): Promise<number>;
  /** Waits until the indexer says it is ready (its /ready answers 200). */
  waitUntilReady(timeoutMs?: number): Promise<void>;
  /** Waits until the reader sees the index ready at block `block` (default: the node's head when called). */
  waitUntilIndexed(block?: number, timeoutMs?: number): Promise<void>;
  /** Stops the launcher and Ponder (SIGTERM: Ponder shuts down cleanly). */
  stop(): Promise<void>;
}

/** Starts indexer/supervisor/main.ts (what `npm run index` runs) with its own index folder and port. */
export async function startIndexer<Reader extends IndexProgressReader | undefined = undefined>(
  options: IndexerOptions<Reader>,
): Promise<RunningIndexer<Reader>> {
  const indexDir = options.indexDir ?? mkdtempSync(join(tmpdir(), "settle-index-"));
  const port = options.port ?? (await freePort());
  const logFile = options.logFile ?? join(indexDir, "indexer.log");
  const proc = startProcess({
    name: "indexer",
    command: process.execPath,
    args: ["--import", "tsx", "supervisor/main.ts"],
    cwd: INDEXER_DIR,
    env: {
      ...QUIET_ENV,
      SETTLE_NETWORK: "localhost",
      RPC_URL: options.rpcUrl,
      SETTLE_DEPLOYMENTS_DIR: options.deploymentsDir,
      SETTLE_INDEX_DIR: indexDir,
      PORT: String(port),
      ...(options.indexDatabaseUrl ? { INDEX_DATABASE_URL: options.indexDatabaseUrl } : {}),
      ...options.env,
    },
    logFile,
    truncateLog: options.logFile !== undefined,
  });
  const databasePath = join(indexDir, "public.db");
  const location: IndexLocation = options.indexDatabaseUrl
    ? {
        url: options.indexDatabaseUrl,
        schema: deploymentSchema(options.deploymentsDir, (options.env?.SETTLE_NETWORKS ?? "localhost").split(",")),
      }
    : { path: databasePath };
  const reader = options.openReader?.(location) as Reader;
  const rpc = async (method: string) => {
    const response = await fetch(options.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
    });
    return ((await response.json()) as { result: string }).result;
  };
  const log = () => readFileSync(logFile, "utf8");
  return {
    indexDir,
    databasePath,
    location,
    port,
    process: proc,
    reader,
    log,
    async completedEvents() {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
        if (!response.ok) return 0;
        let total = 0;
        for (const line of (await response.text()).split("\n")) {
          const match = /^ponder_indexing_completed_events\{[^}]*\} (\d+)/.exec(line);
          if (match) total += Number(match[1]);
        }
        return total;
      } catch {
        return 0;
      }
    },
    async waitUntilReady(timeoutMs = 180_000) {
      await waitForProcess(
        proc,
        "the indexer to be ready",
        async () => (await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(1000) })).ok,
        { timeoutMs, intervalMs: 500 },
      );
    },
    async waitUntilIndexed(block, timeoutMs = 90_000) {
      if (reader === undefined) throw new Error("waitUntilIndexed needs a reader: start the indexer with openReader");
      const target = block ?? Number(await rpc("eth_blockNumber"));
      await waitForProcess(
        proc,
        `the index to reach block ${target}`,
        async () => {
          const status = (await reader.isReady()) ? await reader.status() : undefined;
          return status?.block !== null && status !== undefined && status.block.number >= BigInt(target);
        },
        { timeoutMs, intervalMs: 50 },
      );
    },
    async stop() {
      await reader?.close();
      await proc.stop();
    },
  };
}
