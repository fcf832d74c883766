/**
 * A watch over one Ponder run, over every indexed network: it stops Ponder when a chain the index was built from is
 * gone (a node that answers with another deploy block hash: a restarted local node; a reorg deeper than Ponder's
 * finality) or a deployment file changes, records when the index has caught up with every chain's head, and records
 * each network's sync health (ok, lagging, degraded) for /health. A node that does not answer never stops Ponder:
 * Ponder retries, the watch backs off (per network) and says what it waits for once per interval.
 */
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { isLocalChain } from "../../core/chains";
import type { IndexerSettings } from "../lib/settings";
import { Backoff, logWait } from "./backoff";
import { log } from "./log";
import type { FinalizedBlock, IndexStore } from "./store";
import { ponderStatus, startPonder } from "./ponder-process";
import { wrongChainMessage, type CheckedChain } from "./chain-check";
import { SyncHealthTracker } from "./sync-health";

/** Why the supervisor stopped a Ponder run. */
export type RunOutcome =
  | { kind: "exited"; code: number | null; ranMs: number }
  | { kind: "chain-gone"; reason: string }
  | { kind: "wrong-chain"; message: string }
  | { kind: "deployment-changed" }
  | { kind: "stopping" };

/** What a check of a chain found that ends the run, if anything. */
type Verdict = Extract<RunOutcome, { kind: "chain-gone" | "wrong-chain" }> | undefined;

/** What the watch keeps of one network during a run. */
interface NetworkWatch extends CheckedChain {
  local: boolean;
  tickMs: number;
  /** The deployment file's content at the start: a change restarts Ponder. */
  deploymentText: string;
  health: SyncHealthTracker;
  backoff: Backoff;
  /** When the network is checked next (ms since the epoch). */
  nextAt: number;
  /** The head when Ponder first said ready, and the block indexed once it had caught up with it. */
  headAtReady?: number;
  readyBlock?: number;
}

/**
 * Runs `ponder start` until it exits, a chain is gone, a deployment changes or `stop` resolves, and returns why.
 * Ponder is stopped (if still running) before this returns.
 */
export async function runPonder(
  settings: IndexerSettings,
  store: IndexStore,
  chains: readonly CheckedChain[],
  stop: Promise<void>,
): Promise<RunOutcome> {
  const watches: NetworkWatch[] = chains.map((chain) => {
    const local = isLocalChain(chain.deployment.chainId);
    const tickMs = local ? 250 : 5_000;
    return {
      ...chain,
      local,
      tickMs,
      deploymentText: readFileSync(chain.network.deploymentPath, "utf8"),
      health: new SyncHealthTracker(),
      // Capped low: the sync health must say "ok" again soon after the node is back.
      backoff: new Backoff(tickMs, local ? 2_000 : 10_000),
      nextAt: 0,
    };
  });
  const single = watches.length === 1;
  const tickMs = Math.min(...watches.map((watch) => watch.tickMs));
  await store.releasePonderLock();
  const startedAt = Date.now();
  const ponder = startPonder(settings);
  const exited = ponder.exited.then((code): RunOutcome => ({ kind: "exited", code, ranMs: Date.now() - startedAt }));
  let caughtUp = false;
  // Ponder's finalized block (it never revisits it) and its hash when first seen here.
  let finalized: (FinalizedBlock & { hash?: string }) | undefined;

  /** One check of a network's chain and of Ponder's progress on it; throws when its node does not answer. */
  const check = async (watch: NetworkWatch): Promise<Verdict> => {
    const { rpc } = watch.network;
    const { startBlock } = watch.chain;
    const chainId = await rpc.chainId();
    if (chainId !== watch.deployment.chainId)
      return { kind: "wrong-chain", message: wrongChainMessage(watch.network, chainId, watch.deployment.chainId) };
    const start = await rpc.blockAt(startBlock.number);
    // A remote node (or one of several providers) may lag behind; a local node without the block lost its chain.
    if (start === null && !watch.local) throw new Error(`the node has no block ${startBlock.number} (the deploy block) yet: it lags behind`);
    const where = single ? "" : ` of network ${watch.network.config.name}`;
    if (start?.hash !== startBlock.hash) {
      return {
        kind: "chain-gone",
        reason: `the node${where} answers without the index's block ${startBlock.number} (${start ? "another hash" : "no such block"})`,
      };
    }
    const current = await store.finalizedBlock();
    if (current && (current.number !== finalized?.number || current.chainId !== finalized.chainId)) finalized = current;
    if (finalized && finalized.chainId === chainId) {
      const block = await rpc.blockAt(finalized.number);
      if (!block || block.timestamp !== finalized.timestamp || (finalized.hash !== undefined && block.hash !== finalized.hash)) {
        return {
          kind: "chain-gone",
          reason: `Ponder's finalized block ${finalized.number}${where} was replaced (a reorg deeper than its finality)`,
        };
      }
      finalized.hash = block.hash;
    }
    const head = await rpc.head();
    const status = await ponderStatus(settings, watch.network.config.name);
    watch.health.answered(head, status?.block);
    // Ponder says ready once the finalized part is indexed; the index is served once it has also caught up with the
    // head each chain had then.
    if (watch.readyBlock === undefined && status?.ready && status.block !== undefined) {
      watch.headAtReady ??= head.number;
      if (status.block.number >= watch.headAtReady) watch.readyBlock = status.block.number;
    }
    return undefined;
  };

  /** Checks one network when it is due and records its sync health; a verdict ends the run. */
  const visit = async (watch: NetworkWatch): Promise<Verdict> => {
    if (Date.now() < watch.nextAt) return undefined;
    const downSince = watch.health.downSince;
    let delayMs = watch.tickMs;
    try {
      const verdict = await check(watch);
      if (verdict) return verdict;
      if (downSince !== null) {
        log("the node answers again", { downS: Math.round((Date.now() - downSince) / 1000), network: single ? undefined : watch.network.config.name });
      }
      watch.backoff.reset();
    } catch (error) {
      watch.health.failed(error as Error);
      delayMs = watch.backoff.next();
      const what = `the node${single ? "" : ` of network ${watch.network.config.name}`} to answer (Ponder keeps retrying)`;
      logWait({ what, reason: (error as Error).message, since: watch.health.downSince! }, delayMs);
    }
    watch.nextAt = Date.now() + delayMs;
    await store.writeSyncHealth(watch.network.config.name, watch.health.snapshot());
    return undefined;
  };

  const watch = async (): Promise<RunOutcome> => {
    while (true) {
      const woke = await Promise.race([
        sleep(tickMs).then(() => "tick" as const),
        exited.then(() => "exited" as const),
        stop.then(() => "stop" as const),
      ]);
      if (woke === "exited") return exited;
      if (woke === "stop") return { kind: "stopping" };
      if (ponder.metUnrecoverableReorg()) return { kind: "chain-gone", reason: "ponder met a reorg deeper than its finalized block" };
      for (const each of watches) {
        const path = each.network.deploymentPath;
        if (!existsSync(path) || readFileSync(path, "utf8") !== each.deploymentText) return { kind: "deployment-changed" };
      }
      for (const each of watches) {
        const verdict = await visit(each);
        if (verdict) return verdict;
      }
      if (!caughtUp && watches.every((each) => each.readyBlock !== undefined)) {
        caughtUp = true;
        const chainIds = Object.fromEntries(watches.map((each) => [each.network.config.name, each.deployment.chainId]));
        await store.setCaughtUp(watches[0]!.readyBlock, chainIds);
        for (const each of watches) log(`ready at block ${each.readyBlock}`, { network: single ? undefined : each.network.config.name });
      }
    }
  };

  const outcome = await watch();
  if (outcome.kind !== "exited") await ponder.stop();
  return outcome;
}
