/**
 * The indexer's supervisor: `npm start` in indexer/ (or `npm run index` at the root).
 *
 * 1. Asks each network's node which chain it is on (./chain-check.ts: chain id, genesis hash, the deploy block's hash)
 *    and compares that with the index's recorded identity (plus the contracts and the indexer's code): on a difference
 *    reported by a node that answers, the index is deleted and rebuilt from scratch (one log line). A node that does
 *    not answer, or answers with errors, only makes it wait (capped exponential back-off with jitter, one log line per
 *    interval); a node on another chain id stops it with a message naming both ids.
 * 2. Runs `ponder start` (one Ponder for every network: one index) and watches the chains while it runs
 *    (./chain-watch.ts). When a chain the index was built from is gone (a node that answers without the index's deploy block: a restarted local node; or a reorg deeper
 *    than Ponder's finality), it stops Ponder, deletes the index and starts again. When the deployment file changes,
 *    it restarts Ponder (which re-reads it). When Ponder exits, it restarts it on the same database (its checkpoint and
 *    its RPC cache kept), with back-off between restarts.
 *
 * Lines of its own start with `[indexer]`: `[indexer] database <path>` at start-up, `[indexer] ready at block <n>`
 * each time the index has caught up, `[indexer] rebuilding the index from scratch reason=…` on each rebuild.
 * SIGINT/SIGTERM stop it cleanly.
 */
import { mkdirSync } from "node:fs";
import { isLocalChain } from "../../core/chains";
import { SettingsError, readDeployments, resolveSettings, type IndexerSettings } from "../lib/settings";
import { Backoff, logWait, pause, type Waiting } from "./backoff";
import { checkChains, watchedNetworks, type WatchedNetwork } from "./chain-check";
import { runPonder } from "./chain-watch";
import { describeDifference, identityOf, sameIdentity } from "./identity";
import { acquireLock } from "./lock";
import { log } from "./log";
import { openIndexStore, type IndexStore } from "./store";

let stopping = false;
let stopRequested: () => void = () => {};
/** Resolves on SIGINT or SIGTERM. */
const stopSignal = new Promise<void>((resolve) => (stopRequested = resolve));

async function main(): Promise<void> {
  // `--network <name>[,<name>...]` is the same as SETTLE_NETWORKS=<names> (Ponder's process inherits it).
  const networkFlag = process.argv.indexOf("--network");
  if (networkFlag >= 0) {
    const network = process.argv[networkFlag + 1];
    if (!network) throw new SettingsError("--network needs a network name (or several, separated by commas)");
    process.env.SETTLE_NETWORKS = network;
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

  const networks = watchedNetworks(settings);
  for (const network of networks) {
    log(`network ${network.config.name} at ${network.config.rpcUrls.join(", ")}, deployment ${network.deploymentPath}`);
  }
  const store = openIndexStore(settings);
  log(`database ${store.where}`);
  await store.open();
  log(`ponder http://127.0.0.1:${settings.port} (/ready, /status)`);

  // A missing or broken deployment at start-up is an error; later, after a chain was replaced,
  // the supervisor waits for the new deployment instead.
  readDeployments(settings);
  try {
    await supervise(settings, store, networks);
  } finally {
    await store.close();
  }
  log("stopped");
}

/** Deletes the index (when there is one) and says why, in the one line a rebuild logs. */
async function rebuild(store: IndexStore, reason: string): Promise<void> {
  if ((await store.exists()) || (await store.readIdentity())) log("rebuilding the index from scratch", { reason });
  await store.delete();
}

/** Checks, (re)builds and runs the index until a stop is requested. */
async function supervise(settings: IndexerSettings, store: IndexStore, networks: readonly WatchedNetwork[]): Promise<void> {
  // Capped at 10 s: a node back from an outage is noticed within that.
  const waitBackoff = new Backoff(1_000, 10_000);
  const restartBackoff = new Backoff(1_000, 30_000);
  let waiting: Waiting | undefined;
  // Why the last run said the chain is gone: the index goes once a node that answers has confirmed the chain.
  let chainGone: string | undefined;
  while (!stopping) {
    const check = await checkChains(settings, networks);
    if (check.kind === "wrong-chain") throw new SettingsError(check.message);
    if (check.kind === "replaced") {
      await rebuild(store, chainGone ?? check.reason);
      chainGone = undefined;
    }
    if (check.kind !== "ok") {
      const what = check.kind === "replaced" ? { what: "a deployment on the new chain", reason: check.reason } : check.waiting;
      if (waiting?.what !== what.what) waiting = { ...what, since: Date.now() };
      const delayMs = waitBackoff.next();
      logWait({ ...waiting, reason: what.reason }, delayMs);
      await pause(delayMs, stopSignal);
      continue;
    }
    if (waiting) log(`done waiting for ${waiting.what}`, { waitedS: Math.round((Date.now() - waiting.since) / 1000) });
    waiting = undefined;
    waitBackoff.reset();

    const identity = identityOf(check.chains);
    const recorded = await store.readIdentity();
    if (chainGone || !sameIdentity(recorded, identity)) {
      await rebuild(store, chainGone ?? `the index was built from ${describeDifference(recorded, identity)}`);
      await store.writeIdentity(identity);
      chainGone = undefined;
    }
    const kept = await store.finalizedBlock();
    const keptChain = kept && check.chains.find((chain) => chain.chain.chainId === kept.chainId);
    if (kept && keptChain) {
      const block = await keptChain.network.rpc.blockAt(kept.number).catch(() => undefined);
      // A remote node (one of several providers) may lag behind the block; a local node without it lost its chain.
      const gone = block === null ? isLocalChain(kept.chainId) : block !== undefined && block.timestamp !== kept.timestamp;
      if (gone) {
        await rebuild(store, `the index's finalized block ${kept.number} is no longer on the chain`);
        await store.writeIdentity(identity);
      }
    }

    const outcome = await runPonder(settings, store, check.chains, stopSignal);
    if (outcome.kind === "stopping") break;
    if (outcome.kind === "wrong-chain") throw new SettingsError(outcome.message);
    if (outcome.kind === "chain-gone") {
      chainGone = `${outcome.reason}: the chain the index was built from is gone`;
      restartBackoff.reset();
    } else if (outcome.kind === "deployment-changed") {
      log(`${networks.map((network) => network.deploymentPath).join(" or ")} changed: restarting`);
      restartBackoff.reset();
    } else {
      // A run that lasted a while was a success: start the back-off again from its first step.
      if (outcome.ranMs > 60_000) restartBackoff.reset();
      const delayMs = restartBackoff.next();
      log("ponder exited: restarting it on the same index (checkpoint and RPC cache kept)", {
        code: outcome.code,
        ranS: Math.round(outcome.ranMs / 1000),
        restarts: restartBackoff.attempts,
        nextStartS: Number((delayMs / 1000).toFixed(1)),
      });
      await pause(delayMs, stopSignal);
    }
  }
}

main().catch((error: Error) => {
  console.error(`[indexer] error: ${error.message}`);
  if (process.env.SETTLE_DEBUG) console.error(error.stack);
  process.exit(1);
});
