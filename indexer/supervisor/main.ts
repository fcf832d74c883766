/**
 * The indexer's supervisor: `npm start` in indexer/ (or `npm run index` at the root).
 *
 * 1. Checks that deployments/<network>.json describes contracts on the node's chain, and compares the index's
 *    recorded identity (chain, start block hash, contracts, indexer code) with it: on any difference the index is
 *    deleted and rebuilt from scratch.
 * 2. Runs `ponder start` and watches the chain while it runs (./chain-watch.ts). When the chain the index was built
 *    from is gone (a restarted local node: the start block's hash changed or the node refuses connections; or a reorg
 *    deeper than Ponder's finality), it stops Ponder, deletes the index and starts again, waiting for a valid
 *    deployment if need be. When the deployment file changes, it restarts Ponder (which re-reads it).
 *
 * Lines of its own start with `[indexer]`: `[indexer] database <path>` at start-up and `[indexer] ready at block <n>`
 * each time the index has caught up. SIGINT/SIGTERM stop it cleanly.
 */
import { mkdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { readIdentity, writeIdentity } from "../../core/index-folder";
import { readDeployment } from "../../core/deployment-file";
import { SettingsError, resolveSettings, type IndexerSettings } from "../lib/settings";
import { checkDeployment, runPonder } from "./chain-watch";
import { deleteIndex, describeDifference, hasIndex, identityOf, sameIdentity } from "./identity";
import { acquireLock } from "./lock";
import { log } from "./log";
import { finalizedBlock } from "./ponder-db";
import { RpcClient } from "./rpc";

let stopping = false;
let stopRequested: () => void = () => {};
/** Resolves on SIGINT or SIGTERM. */
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
  // the supervisor waits for the new deployment instead.
  readDeployment(settings.deploymentsDir, settings.network);
  await supervise(settings, new RpcClient(settings.rpcUrl));
  log("stopped");
}

/** Checks, (re)builds and runs the index until a stop is requested. */
async function supervise(settings: IndexerSettings, rpc: RpcClient): Promise<void> {
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

    const outcome = await runPonder(settings, rpc, check.deployment, check.startBlock, stopSignal);
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
}

main().catch((error: Error) => {
  console.error(`[indexer] error: ${error.message}`);
  if (process.env.SETTLE_DEBUG) console.error(error.stack);
  process.exit(1);
});
