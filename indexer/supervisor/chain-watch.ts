/**
 * The chain as the supervisor sees it: whether the deployment's contracts are on the node's chain, and a watch over
 * one Ponder run that stops it when that chain is gone (a restarted local node, a reorg deeper than Ponder's
 * finality) or the deployment file changes, and records when the index has caught up with the head.
 */
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { isLocalChain } from "../../core/chains";
import { startBlockOf, type Deployment } from "../../core/deployment";
import { readDeployment } from "../../core/deployment-file";
import type { IndexerSettings } from "../lib/settings";
import { log } from "./log";
import { finalizedBlock, releasePonderLock, setCaughtUp, type FinalizedBlock } from "./ponder-db";
import { ponderStatus, startPonder } from "./ponder-process";
import { RpcUnavailableError, type BlockRef, type RpcClient } from "./rpc";

/** Why the supervisor stopped a Ponder run. */
export type RunOutcome =
  | { kind: "exited"; code: number | null; wasReady: boolean }
  | { kind: "chain-gone"; reason: string }
  | { kind: "deployment-changed" }
  | { kind: "stopping" };

/** Outcome of {@link checkDeployment}. */
export type DeploymentCheck =
  { ok: true; deployment: Deployment; startBlock: BlockRef } | { ok: false; reason: string; chainGone: boolean };

/** True for the error of a node that refuses connections: a local node that does has lost its chain (it lives in memory). */
const isRefusal = (error: unknown): boolean => error instanceof RpcUnavailableError && /ECONNREFUSED|fetch failed/.test(error.message);

/** Checks that the deployment file describes contracts that exist on the node's chain. */
export async function checkDeployment(settings: IndexerSettings, rpc: RpcClient): Promise<DeploymentCheck> {
  let deployment: Deployment;
  try {
    deployment = readDeployment(settings.deploymentsDir, settings.network);
  } catch (error) {
    return { ok: false, reason: (error as Error).message, chainGone: false };
  }
  try {
    const chainId = await rpc.chainId();
    if (chainId !== deployment.chainId) {
      return { ok: false, reason: `the node is chain ${chainId}, the deployment is for chain ${deployment.chainId}`, chainGone: true };
    }
    const start = startBlockOf(deployment);
    const startBlock = await rpc.blockAt(start);
    if (!startBlock) return { ok: false, reason: `the chain has no block ${start} (deploy block): node restarted?`, chainGone: true };
    for (const [name, contract] of Object.entries(deployment.contracts)) {
      const code = await rpc.request<string>("eth_getCode", [contract.address, "latest"]);
      if (code === "0x") return { ok: false, reason: `no ${name} code at ${contract.address}: deploy again`, chainGone: true };
    }
    return { ok: true, deployment, startBlock };
  } catch (error) {
    return { ok: false, reason: (error as Error).message, chainGone: isLocalChain(deployment.chainId) && isRefusal(error) };
  }
}

/**
 * Runs `ponder start` until it exits, the chain is gone, the deployment changes or `stop` resolves, and returns why.
 * Ponder is stopped (if still running) before this returns.
 */
export async function runPonder(
  settings: IndexerSettings,
  rpc: RpcClient,
  deployment: Deployment,
  startBlock: BlockRef,
  stop: Promise<void>,
): Promise<RunOutcome> {
  const deploymentText = readFileSync(settings.deploymentPath, "utf8");
  const local = isLocalChain(deployment.chainId);
  releasePonderLock(settings);
  setCaughtUp(settings, undefined);
  const ponder = startPonder(settings);
  let readyAt: number | undefined;
  const exited = ponder.exited.then((code): RunOutcome => ({ kind: "exited", code, wasReady: readyAt !== undefined }));

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
        stop.then(() => "stop" as const),
      ]);
      if (woke === "exited") return exited;
      if (woke === "stop") return { kind: "stopping" };
      if (ponder.metUnrecoverableReorg()) return { kind: "chain-gone", reason: "ponder met a reorg deeper than its finalized block" };
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
        const status = await ponderStatus(settings, deployment.network);
        if (status?.ready && status.block !== undefined && readyAt === undefined) {
          if (headAtReady === undefined) headAtReady = await rpc.blockNumber();
          if (status.block >= headAtReady) {
            readyAt = status.block;
            setCaughtUp(settings, status.block);
            log(`ready at block ${status.block}`);
          }
        }
      } catch (error) {
        // Two refusals in a row: the local node is down, and its chain with it.
        if (local && isRefusal(error) && ++refusals >= 2) {
          return { kind: "chain-gone", reason: `the node refuses connections (${(error as Error).message})` };
        }
      }
    }
  };

  const outcome = await watch();
  if (outcome.kind !== "exited") await ponder.stop();
  return outcome;
}
