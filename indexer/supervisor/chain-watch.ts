/**
 * A watch over one Ponder run: it stops Ponder when the chain the index was built from is gone (a node that answers
 * with another deploy block hash: a restarted local node; a reorg deeper than Ponder's finality) or the deployment
 * file changes, records when the index has caught up with the head, and records the sync's health (ok, lagging,
 * degraded) for /health. A node that does not answer never stops Ponder: Ponder retries, the watch backs off and says
 * what it waits for once per interval.
 */
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Deployment } from "../../core/deployment";
import { isLocalChain } from "../../core/chains";
import type { IndexerSettings } from "../lib/settings";
import { Backoff, logWait } from "./backoff";
import { log } from "./log";
import type { FinalizedBlock, IndexStore } from "./store";
import { ponderStatus, startPonder } from "./ponder-process";
import { wrongChainMessage } from "./chain-check";
import type { BlockRef, RpcClient } from "./rpc";
import { SyncHealthTracker } from "./sync-health";

/** Why the supervisor stopped a Ponder run. */
export type RunOutcome =
  | { kind: "exited"; code: number | null; ranMs: number }
  | { kind: "chain-gone"; reason: string }
  | { kind: "wrong-chain"; message: string }
  | { kind: "deployment-changed" }
  | { kind: "stopping" };

/** What a check of the chain found that ends the run, if anything. */
type Verdict = Extract<RunOutcome, { kind: "chain-gone" | "wrong-chain" }> | undefined;

/**
 * Runs `ponder start` until it exits, the chain is gone, the deployment changes or `stop` resolves, and returns why.
 * Ponder is stopped (if still running) before this returns.
 */
export async function runPonder(
  settings: IndexerSettings,
  store: IndexStore,
  rpc: RpcClient,
  deployment: Deployment,
  startBlock: BlockRef,
  stop: Promise<void>,
): Promise<RunOutcome> {
  const deploymentText = readFileSync(settings.deploymentPath, "utf8");
  const local = isLocalChain(deployment.chainId);
  const tickMs = local ? 250 : 5_000;
  await store.releasePonderLock();
  const startedAt = Date.now();
  const ponder = startPonder(settings);
  const exited = ponder.exited.then((code): RunOutcome => ({ kind: "exited", code, ranMs: Date.now() - startedAt }));
  const health = new SyncHealthTracker();
  // Capped low: the sync health must say "ok" again soon after the node is back.
  const backoff = new Backoff(tickMs, local ? 2_000 : 10_000);
  let caughtUp = false;
  let headAtReady: number | undefined;
  // Ponder's finalized block (it never revisits it) and its hash when first seen here.
  let finalized: (FinalizedBlock & { hash?: string }) | undefined;

  /** One check of the chain and of Ponder's progress; throws when the node does not answer. */
  const check = async (): Promise<Verdict> => {
    const chainId = await rpc.chainId();
    if (chainId !== deployment.chainId)
      return { kind: "wrong-chain", message: wrongChainMessage(settings, rpc, chainId, deployment.chainId) };
    const start = await rpc.blockAt(startBlock.number);
    // A remote node (or one of several providers) may lag behind; a local node without the block lost its chain.
    if (start === null && !local) throw new Error(`the node has no block ${startBlock.number} (the deploy block) yet: it lags behind`);
    if (start?.hash !== startBlock.hash) {
      return {
        kind: "chain-gone",
        reason: `the node answers without the index's block ${startBlock.number} (${start ? "another hash" : "no such block"})`,
      };
    }
    const current = await store.finalizedBlock();
    if (current && current.number !== finalized?.number) finalized = current;
    if (finalized) {
      const block = await rpc.blockAt(finalized.number);
      if (!block || block.timestamp !== finalized.timestamp || (finalized.hash !== undefined && block.hash !== finalized.hash)) {
        return {
          kind: "chain-gone",
          reason: `Ponder's finalized block ${finalized.number} was replaced (a reorg deeper than its finality)`,
        };
      }
      finalized.hash = block.hash;
    }
    const head = await rpc.head();
    const status = await ponderStatus(settings, deployment.network);
    health.answered(head, status?.block);
    // Ponder says ready once the finalized part is indexed; the index is served once it has also caught up with the
    // head the chain had then.
    if (!caughtUp && status?.ready && status.block !== undefined) {
      headAtReady ??= head.number;
      if (status.block.number >= headAtReady) {
        caughtUp = true;
        await store.setCaughtUp(status.block.number);
        log(`ready at block ${status.block.number}`);
      }
    }
    return undefined;
  };

  const watch = async (): Promise<RunOutcome> => {
    let delayMs = tickMs;
    while (true) {
      const woke = await Promise.race([
        sleep(delayMs).then(() => "tick" as const),
        exited.then(() => "exited" as const),
        stop.then(() => "stop" as const),
      ]);
      if (woke === "exited") return exited;
      if (woke === "stop") return { kind: "stopping" };
      if (ponder.metUnrecoverableReorg()) return { kind: "chain-gone", reason: "ponder met a reorg deeper than its finalized block" };
      if (!existsSync(settings.deploymentPath) || readFileSync(settings.deploymentPath, "utf8") !== deploymentText) {
        return { kind: "deployment-changed" };
      }
      const downSince = health.downSince;
      try {
        const verdict = await check();
        if (verdict) return verdict;
        if (downSince !== null) log("the node answers again", { downS: Math.round((Date.now() - downSince) / 1000) });
        backoff.reset();
        delayMs = tickMs;
      } catch (error) {
        health.failed(error as Error);
        delayMs = backoff.next();
        logWait(
          { what: "the node to answer (Ponder keeps retrying)", reason: (error as Error).message, since: health.downSince! },
          delayMs,
        );
      }
      await store.writeSyncHealth(deployment.network, health.snapshot());
    }
  };

  const outcome = await watch();
  if (outcome.kind !== "exited") await ponder.stop();
  return outcome;
}
