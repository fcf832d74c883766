/**
 * The indexer's launcher: `npm start` in indexer/ (or `npm run index` at the root).
 *
 * 1. Checks that deployments/<network>.json describes contracts on the node's chain, and compares
 *    the index's recorded identity (chain, start block hash, contracts, indexer code) with it: on any
 *    difference the index is deleted and rebuilt from scratch.
 * 2. Runs `ponder start` and watches the chain while it runs. When the chain the index was built
 *    from is gone (a restarted local node: the start block's hash changed or the node refuses
 *    connections; or a reorg deeper than Ponder's finality), it stops Ponder, deletes the index
 *    and starts again, waiting for a valid deployment if need be. When the deployment file changes,
 *    it restarts Ponder (which re-reads it).
 *
 * Lines of its own start with `[indexer]`: `[indexer] database <path>` at start-up and
 * `[indexer] ready at block <n>` each time the index has caught up. SIGINT/SIGTERM stop it cleanly.
 */
import Database from "better-sqlite3";
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { isLocalChain } from "../core/chains";
import { RpcClient, RpcUnavailableError, type BlockRef } from "./lib/chain";
import { deleteIndex, hasIndex, identityOf, readIdentity, sameIdentity, writeIdentity } from "./lib/identity";
import {
  INDEXER_DIR,
  SettingsError,
  readDeployment,
  resolveSettings,
  startBlockOf,
  type Deployment,
  type IndexerSettings,
} from "./lib/settings";

/**
 * Ponder's message when a reorg reaches below its finalized block (it then retries for minutes
 * while still reporting ready). The finalized-block check in the watch loop catches the same
 * condition when it sees the block change; this catches it when the replacement came too fast.
 */
const UNRECOVERABLE_REORG = /Encountered unrecoverable '.*' reorg/;

/** The launcher's own table in Ponder's database: present (one row) while the index has caught up. */
const CAUGHT_UP_TABLE = "_settle_caught_up";

const log = (message: string) => console.log(`[indexer] ${message}`);

/** Why the launcher stopped a Ponder run. */
type RunOutcome =
  | { kind: "exited"; code: number | null; wasReady: boolean }
  | { kind: "chain-gone"; reason: string }
  | { kind: "deployment-changed" }
  | { kind: "stopping" };

let stopping = false;
let stopRequested: () => void = () => {};
const stopSignal = new Promise<void>((resolve) => (stopRequested = resolve));

async function main(): Promise<void> {
  // `--network <name>` is the same as SETTLE_NETWORK=<name> (Ponder's process inherits it).
  const networkFlag = process.argv.indexOf("--network");
  if (networkFlag >= 0) {
    const network = process.argv[networkFlag + 1];
    if (!network) throw new SettingsError("--network needs a network name");
    process.env.SETTLE_NETWORK = network;
  }
  const settings = resolveSettings();
  mkdirSync(settings.indexDir, { recursive: true });
  const releaseLock = acquireLock(settings.indexDir);
  process.on("exit", releaseLock);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (!stopping) log(`${signal}: stopping`);
      stopping = true;
      stopRequested();
    });
  }

  log(`network ${settings.network} at ${settings.rpcUrl}, deployment ${settings.deploymentPath}`);
  log(`database ${settings.databasePath}`);
  log(`ponder http://127.0.0.1:${settings.port} (/ready, /status)`);

  // A missing or broken deployment at start-up is an error; later, after the chain was replaced,
  // the launcher waits for the new deployment instead.
  readDeployment(settings);
  const rpc = new RpcClient(settings.rpcUrl);
  let crashes = 0;
  let waitingFor = "";
  while (!stopping) {
    const check = await checkDeployment(settings, rpc);
    if (!check.ok) {
      if (check.chainGone && hasIndex(settings.indexDir)) {
        deleteIndex(settings.indexDir);
        log(`${check.reason}: deleted the index of the old chain`);
      }
      if (waitingFor !== check.reason) log(`waiting: ${check.reason}`);
      waitingFor = check.reason;
      await Promise.race([sleep(1_000), stopSignal]);
      continue;
    }
    waitingFor = "";
    const identity = identityOf(check.deployment, check.startBlock.hash);
    const recorded = readIdentity(settings.indexDir);
    if (!sameIdentity(recorded, identity)) {
      if (hasIndex(settings.indexDir) || recorded) {
        log(`the index was built from ${describeDifference(recorded, identity)}: rebuilding it from scratch`);
      }
      deleteIndex(settings.indexDir);
      writeIdentity(settings.indexDir, identity);
    }

    const kept = finalizedBlock(settings);
    if (kept) {
      const block = await rpc.blockAt(kept.number).catch(() => undefined);
      if (block === null || (block && block.timestamp !== kept.timestamp)) {
        log(`the index's finalized block ${kept.number} is no longer on the chain: rebuilding it from scratch`);
        deleteIndex(settings.indexDir);
        writeIdentity(settings.indexDir, identity);
      }
    }

    const outcome = await runPonder(settings, rpc, check.deployment, check.startBlock);
    if (outcome.kind === "stopping") break;
    if (outcome.kind === "chain-gone") {
      log(`${outcome.reason}: the chain the index was built from is gone, rebuilding from scratch`);
      deleteIndex(settings.indexDir);
      crashes = 0;
    } else if (outcome.kind === "deployment-changed") {
      log(`${settings.deploymentPath} changed: restarting`);
      crashes = 0;
    } else {
      crashes = outcome.wasReady ? 1 : crashes + 1;
      log(`ponder exited with code ${outcome.code}`);
      if (crashes >= 3) {
        log("ponder failed 3 times in a row: rebuilding the index from scratch");
        deleteIndex(settings.indexDir);
        crashes = 0;
      }
      await Promise.race([sleep(Math.min(1_000 * 2 ** crashes, 30_000)), stopSignal]);
    }
  }
  log("stopped");
}

/** Outcome of {@link checkDeployment}. */
type DeploymentCheck = { ok: true; deployment: Deployment; startBlock: BlockRef } | { ok: false; reason: string; chainGone: boolean };

/** Checks that the deployment file describes contracts that exist on the node's chain. */
async function checkDeployment(settings: IndexerSettings, rpc: RpcClient): Promise<DeploymentCheck> {
  let deployment: Deployment;
  try {
    deployment = readDeployment(settings);
  } catch (error) {
    return { ok: false, reason: (error as Error).message, chainGone: false };
  }
  const local = isLocalChain(deployment.chainId);
  try {
    const chainId = await rpc.chainId();
    if (chainId !== deployment.chainId) {
      return { ok: false, reason: `the node is chain ${chainId}, the deployment is for chain ${deployment.chainId}`, chainGone: true };
    }
    const start = startBlockOf(deployment);
    const startBlock = await rpc.blockAt(start);
    if (!startBlock) return { ok: false, reason: `the chain has no block ${start} (deploy block): node restarted?`, chainGone: true };
    for (const [name, contract] of Object.entries(deployment.contracts)) {
      if (!contract) continue;
      const code = await rpc.request<string>("eth_getCode", [contract.address, "latest"]);
      if (code === "0x") return { ok: false, reason: `no ${name} code at ${contract.address}: deploy again`, chainGone: true };
    }
    return { ok: true, deployment, startBlock };
  } catch (error) {
    // A local node that refuses connections has lost its chain for good (it lives in memory).
    const gone = local && error instanceof RpcUnavailableError && /ECONNREFUSED|fetch failed/.test(error.message);
    return { ok: false, reason: (error as Error).message, chainGone: gone };
  }
}

/** Says what differs between the recorded identity and the current one. */
function describeDifference(recorded: ReturnType<typeof readIdentity>, current: ReturnType<typeof identityOf>): string {
  if (!recorded) return "an unknown chain (no identity recorded)";
  if (recorded.chainId !== current.chainId) return `chain ${recorded.chainId}`;
  if (recorded.startBlock.hash !== current.startBlock.hash) return "another chain (the deploy block's hash differs)";
  if (JSON.stringify(recorded.contracts) !== JSON.stringify(current.contracts)) return "another deployment";
  if (recorded.codeHash !== current.codeHash) return "other indexer code";
  return "another configuration";
}

/** Runs `ponder start` until it exits, the chain is gone, the deployment changes or a stop is requested. */
async function runPonder(settings: IndexerSettings, rpc: RpcClient, deployment: Deployment, startBlock: BlockRef): Promise<RunOutcome> {
  const deploymentText = readFileSync(settings.deploymentPath, "utf8");
  const local = isLocalChain(deployment.chainId);
  releasePonderLock(settings);
  setCaughtUp(settings, undefined);
  const child = spawnPonder(settings);
  let unrecoverable = false;
  let readyAt: number | undefined;
  const exited = new Promise<RunOutcome>((resolve) =>
    child.once("exit", (code) => resolve({ kind: "exited", code, wasReady: readyAt !== undefined })),
  );
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => {
      (stream === child.stderr ? process.stderr : process.stdout).write(line + "\n");
      if (UNRECOVERABLE_REORG.test(line)) unrecoverable = true;
    });
  }

  let refusals = 0;
  let headAtReady: number | undefined;
  // Ponder's finalized block (it never revisits it) and its hash when first seen here.
  let finalized: (FinalizedBlock & { hash?: string }) | undefined;
  const tick = local ? 250 : 5_000;
  const watch = async (): Promise<RunOutcome> => {
    while (true) {
      const woke = await Promise.race([
        sleep(tick).then(() => "tick" as const),
        exited.then(() => "exited" as const),
        stopSignal.then(() => "stop" as const),
      ]);
      if (woke === "exited") return exited;
      if (woke === "stop") return { kind: "stopping" };
      if (unrecoverable) return { kind: "chain-gone", reason: "ponder met a reorg deeper than its finalized block" };
      if (!existsSync(settings.deploymentPath) || readFileSync(settings.deploymentPath, "utf8") !== deploymentText) {
        return { kind: "deployment-changed" };
      }
      try {
        const start = await rpc.blockAt(startBlock.number);
        if (start?.hash !== startBlock.hash) {
          return { kind: "chain-gone", reason: `block ${startBlock.number} ${start ? "has another hash" : "is gone"}` };
        }
        const current = finalizedBlock(settings);
        if (current && current.number !== finalized?.number) finalized = current;
        if (finalized) {
          const block = await rpc.blockAt(finalized.number);
          const replaced =
            !block || block.timestamp !== finalized.timestamp || (finalized.hash !== undefined && block.hash !== finalized.hash);
          if (replaced)
            return {
              kind: "chain-gone",
              reason: `Ponder's finalized block ${finalized.number} was replaced (a reorg deeper than its finality)`,
            };
          finalized.hash = block.hash;
        }
        refusals = 0;
        // Ponder says ready once the finalized part is indexed; the index is served once it has also
        // caught up with the head the chain had then.
        const status = await ponderStatus(settings, deployment);
        if (status?.ready && status.block !== undefined && readyAt === undefined) {
          if (headAtReady === undefined) headAtReady = await rpc.blockNumber();
          if (status.block >= headAtReady) {
            readyAt = status.block;
            setCaughtUp(settings, status.block);
            log(`ready at block ${status.block}`);
          }
        }
      } catch (error) {
        if (local && error instanceof RpcUnavailableError && /ECONNREFUSED|fetch failed/.test(error.message)) {
          // Two refusals in a row: the local node is down, and its chain with it.
          if (++refusals >= 2) return { kind: "chain-gone", reason: `the node refuses connections (${error.message})` };
        }
      }
    }
  };

  const outcome = await watch();
  if (outcome.kind !== "exited") await stopChild(child, exited);
  return outcome;
}

/** Starts `ponder start` for these settings, with telemetry off. */
function spawnPonder(settings: IndexerSettings): ChildProcess {
  const ponderBin = join(INDEXER_DIR, "node_modules", "@ponder", "core", "dist", "bin", "ponder.js");
  // A backfill allocates short-lived objects by the million and a fifth of Ponder's CPU went to
  // garbage collection: a larger young generation cuts scavenges (bench/README.md, Indexer).
  const args = [
    "--max-semi-space-size=64",
    ponderBin,
    "start",
    "--root",
    INDEXER_DIR,
    "--port",
    String(settings.port),
    "--hostname",
    "127.0.0.1",
  ];
  return spawn(process.execPath, args, {
    cwd: INDEXER_DIR,
    env: {
      ...process.env,
      // The launcher watches Ponder's warnings (an unrecoverable reorg is one): never quieter than warn.
      ...(/^(error|fatal|silent)$/.test(process.env.PONDER_LOG_LEVEL ?? "") ? { PONDER_LOG_LEVEL: "warn" } : {}),
      PONDER_TELEMETRY_DISABLED: "true",
      PORT: String(settings.port),
      ...(process.stdout.isTTY ? {} : { NO_COLOR: "1" }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Ponder's finalized block: it never revisits blocks up to it, so they must stay on the chain. */
interface FinalizedBlock {
  number: number;
  timestamp: number;
}

/**
 * The finalized block recorded in the index (`_ponder_meta` app checkpoint: a 10-digit block
 * timestamp, a 16-digit chain id and a 16-digit block number first), or undefined when there is
 * none yet.
 */
function finalizedBlock(settings: IndexerSettings): FinalizedBlock | undefined {
  if (!hasIndex(settings.indexDir)) return undefined;
  let db: Database.Database | undefined;
  try {
    db = new Database(settings.databasePath, { readonly: true, fileMustExist: true, timeout: 2_000 });
    const row = db.prepare(`SELECT json_extract(value, '$.checkpoint') AS checkpoint FROM _ponder_meta WHERE key = 'app'`).get() as
      { checkpoint: string | null } | undefined;
    const checkpoint = row?.checkpoint;
    if (!checkpoint || /^0+$/.test(checkpoint)) return undefined;
    return { timestamp: Number(checkpoint.slice(0, 10)), number: Number(checkpoint.slice(26, 42)) };
  } catch {
    return undefined;
  } finally {
    db?.close();
  }
}

/**
 * Records in the index that it has caught up with the chain (`block`), or clears that record
 * (undefined) before Ponder starts on it. The read module serves the index only while the record
 * is there: Ponder alone says ready up to 30 blocks (its finality) before it has caught up.
 */
function setCaughtUp(settings: IndexerSettings, block: number | undefined): void {
  if (!hasIndex(settings.indexDir)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(settings.databasePath, { fileMustExist: true, timeout: 10_000 });
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${CAUGHT_UP_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), block INTEGER NOT NULL, at INTEGER NOT NULL)`,
    );
    if (block === undefined) db.exec(`DELETE FROM ${CAUGHT_UP_TABLE}`);
    else db.prepare(`INSERT OR REPLACE INTO ${CAUGHT_UP_TABLE} (id, block, at) VALUES (1, ?, ?)`).run(block, Date.now());
  } finally {
    db?.close();
  }
}

/**
 * Clears the lock a Ponder process that was killed (not shut down) leaves in the index, which
 * would make the next one wait for it to expire (25 s). Safe: this launcher holds the folder's
 * lock, and no Ponder of its own is running.
 */
function releasePonderLock(settings: IndexerSettings): void {
  if (!hasIndex(settings.indexDir)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(settings.databasePath, { fileMustExist: true, timeout: 5_000 });
    const changed = db
      .prepare(
        `UPDATE _ponder_meta SET value = json_set(value, '$.is_locked', 0) WHERE key = 'app' AND json_extract(value, '$.is_locked') = 1`,
      )
      .run().changes;
    if (changed > 0) log("released the lock left by a Ponder process that did not shut down");
  } catch {
    // No _ponder_meta yet, or an unreadable file: Ponder deals with it.
  } finally {
    db?.close();
  }
}

/** Asks Ponder to shut down (SIGTERM), then kills it if it has not exited after 10 s. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Ponder's status for this network (GET /status), or undefined when it does not answer yet. */
async function ponderStatus(settings: IndexerSettings, deployment: Deployment): Promise<{ ready: boolean; block?: number } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${settings.port}/status`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return undefined;
    const status = (await response.json()) as Record<string, { ready: boolean; block: { number: number } | null }> | null;
    const entry = status?.[deployment.network];
    return entry ? { ready: entry.ready, block: entry.block?.number } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure one launcher at a time works on an index folder (a second one would delete the
 * first one's database); a lock left by a dead process is taken over.
 */
function acquireLock(indexDir: string): () => void {
  const path = join(indexDir, "launcher.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(path, "utf8"));
      if (pid && isAlive(pid)) throw new SettingsError(`another indexer (pid ${pid}) is running on ${indexDir}`);
      rmSync(path, { force: true });
    }
  }
  throw new SettingsError(`cannot lock ${indexDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

main().catch((error: Error) => {
  console.error(`[indexer] error: ${error.message}`);
  if (process.env.SETTLE_DEBUG) console.error(error.stack);
  process.exit(1);
});
