/**
 * The real indexer (indexer/run.ts: chain-identity check, then `ponder start`) for tests and
 * benchmarks, with its database in a temporary folder and its HTTP server on a free port.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IndexReader } from "../../api/lib/index-reader";
import { REPO_ROOT, QUIET_ENV } from "./node";
import { WaitAbortedError, freePort, startProcess, waitFor, type ManagedProcess } from "./processes";

/** Where the indexer package lives. */
export const INDEXER_DIR = join(REPO_ROOT, "indexer");

/** How to start an indexer. */
export interface IndexerOptions {
  /** The node's URL (RPC_URL). */
  rpcUrl: string;
  /** Folder holding localhost.json (SETTLE_DEPLOYMENTS_DIR). */
  deploymentsDir: string;
  /** Folder of the index (SETTLE_INDEX_DIR); a new temporary folder by default. Reuse it to restart on the same index. */
  indexDir?: string;
  /** Ponder's HTTP port; a free one by default. */
  port?: number;
  /** Extra environment (e.g. SETTLE_POLLING_INTERVAL_MS). */
  env?: NodeJS.ProcessEnv;
}

/** A running indexer. */
export interface RunningIndexer {
  indexDir: string;
  /** Path of the database the API reads. */
  databasePath: string;
  port: number;
  process: ManagedProcess;
  /** A read module on this indexer's database (closed by {@link RunningIndexer.stop}). */
  reader: IndexReader;
  /** The launcher's and Ponder's output so far. */
  log(): string;
  /** Events Ponder has run handlers for since it started (its `ponder_indexing_completed_events` metric); 0 before it answers. */
  completedEvents(): Promise<number>;
  /** Waits until the index is ready and has indexed block `block` (default: the node's head when called). */
  waitUntilIndexed(block?: number, timeoutMs?: number): Promise<void>;
  /** Stops the launcher and Ponder (SIGTERM: Ponder shuts down cleanly). */
  stop(): Promise<void>;
}

/** Starts indexer/run.ts (the launcher that `npm run index` runs) with its own index folder and port. */
export async function startIndexer(options: IndexerOptions): Promise<RunningIndexer> {
  const indexDir = options.indexDir ?? mkdtempSync(join(tmpdir(), "settle-index-"));
  const port = options.port ?? (await freePort());
  const logFile = join(indexDir, "indexer.log");
  const proc = startProcess({
    name: "indexer",
    command: process.execPath,
    args: ["--import", "tsx", "run.ts"],
    cwd: INDEXER_DIR,
    env: {
      ...QUIET_ENV,
      SETTLE_NETWORK: "localhost",
      RPC_URL: options.rpcUrl,
      SETTLE_DEPLOYMENTS_DIR: options.deploymentsDir,
      SETTLE_INDEX_DIR: indexDir,
      PORT: String(port),
      ...options.env,
    },
    logFile,
  });
  const databasePath = join(indexDir, "public.db");
  const reader = new IndexReader({ path: databasePath });
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
    async waitUntilIndexed(block, timeoutMs = 90_000) {
      const target = block ?? Number(await rpc("eth_blockNumber"));
      await waitFor(
        `the index to reach block ${target} (log: ${logFile})`,
        () => {
          if (proc.hasExited()) throw new WaitAbortedError(`the indexer exited: see ${logFile}`);
          const status = reader.isReady() ? reader.status() : undefined;
          return status?.block !== null && status !== undefined && status.block.number >= BigInt(target);
        },
        { timeoutMs, intervalMs: 50 },
      );
    },
    async stop() {
      reader.close();
      await proc.stop();
    },
  };
}
