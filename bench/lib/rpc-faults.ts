/**
 * The indexer through a flaky RPC, for `npm run bench:indexer`: the same backfill through the fault proxy
 * (scripts/stack/rpc-fault-proxy.ts) with latency only and with faults on (an outage, 429 with Retry-After, 503,
 * eth_getLogs capped at 200 blocks), then the recovery time after an outage during the live tail: from the RPC's
 * return until a transaction sent during the outage is readable.
 */
import { IndexReader } from "../../api/index/reader";
import { startIndexer, type RunningIndexer } from "../../scripts/stack/indexer";
import type { HardhatNode, LocalDeployment } from "../../scripts/stack/node";
import { startFaultProxy, type FaultCounts, type FaultProfile } from "../../scripts/stack/rpc-fault-proxy";

/** What the flaky-RPC part of the benchmark measured. */
export interface RpcFaultsBenchResult {
  /** Backfill seconds through the proxy with latency only, and with faults on. */
  latencyOnlyBackfillSeconds: number;
  faultyBackfillSeconds: number;
  /** faulty / latency-only (goal: at most 2). */
  faultyToLatencyOnly: number;
  /** Seconds from the end of an outage to a transaction sent during it being readable (goal: under 10). */
  recoverySeconds: number;
  outageMs: number;
  /** What the proxy did during the faulty backfill. */
  faults: FaultCounts;
  /** Index rebuilds and Ponder exits seen in the indexer's log (goal: none). */
  rebuilds: number;
  ponderExits: number;
}

/** Latency of every answer in both backfills (ms): a provider across the internet. */
const LATENCY_MS = 5;
/** The faults of the faulty backfill, besides the outage. */
const FAULTS: FaultProfile = {
  latencyMs: LATENCY_MS,
  rateLimitProbability: 0.05,
  retryAfterSeconds: 1,
  serverErrorProbability: 0.05,
  maxLogsBlockRange: 200,
  logsErrorWording: "alchemy",
};

/** Runs both backfills up to `head` and the recovery measurement; `transfer` sends one transaction straight to the node. */
export async function benchRpcFaults(
  node: HardhatNode,
  deployment: LocalDeployment,
  head: number,
  transfer: () => Promise<string>,
  outageMs = Number(process.env.BENCH_OUTAGE_MS ?? 10_000),
): Promise<RpcFaultsBenchResult> {
  const backfill = async (profile: FaultProfile, outage: boolean) => {
    const proxy = await startFaultProxy(node.url, profile, 18);
    const started = Date.now();
    const indexer = await startIndexer({
      rpcUrl: proxy.url,
      deploymentsDir: deployment.deploymentsDir,
      openReader: (location) => new IndexReader(location),
    });
    // An outage of 3 s once Ponder has started asking for logs.
    const outageTimer = outage ? setTimeout(() => proxy.startOutage(3_000), 4_000) : undefined;
    await indexer.waitUntilIndexed(head, 600_000);
    clearTimeout(outageTimer);
    return { seconds: (Date.now() - started) / 1000, indexer, proxy };
  };

  const clean = await backfill({ latencyMs: LATENCY_MS }, false);
  await clean.indexer.stop();
  await clean.proxy.close();
  console.log(`backfill through the proxy, latency only: ${clean.seconds.toFixed(2)} s`);

  const faulty = await backfill(FAULTS, true);
  const faults = { ...faulty.proxy.counts };
  console.log(`backfill through the proxy, faults on: ${faulty.seconds.toFixed(2)} s (${JSON.stringify(faults)})`);

  // Recovery: an outage during the live tail with a transaction sent in the middle of it.
  faulty.proxy.setProfile({ latencyMs: LATENCY_MS });
  faulty.proxy.startOutage(outageMs);
  const back = Date.now() + outageMs;
  const hash = await transfer();
  await new Promise((resolve) => setTimeout(resolve, back - Date.now()));
  const recoverySeconds = await secondsUntilIndexed(faulty.indexer, hash);
  console.log(`recovery after a ${outageMs / 1000} s outage: ${recoverySeconds.toFixed(2)} s`);

  const log = faulty.indexer.log();
  await faulty.indexer.stop();
  await faulty.proxy.close();
  return {
    latencyOnlyBackfillSeconds: Number(clean.seconds.toFixed(2)),
    faultyBackfillSeconds: Number(faulty.seconds.toFixed(2)),
    faultyToLatencyOnly: Number((faulty.seconds / clean.seconds).toFixed(2)),
    recoverySeconds: Number(recoverySeconds.toFixed(2)),
    outageMs,
    faults,
    rebuilds: log.match(/rebuilding the index from scratch/g)?.length ?? 0,
    ponderExits: log.match(/ponder exited/g)?.length ?? 0,
  };
}

/** Seconds until the History rows of `hash` are readable. */
async function secondsUntilIndexed(indexer: RunningIndexer<IndexReader>, hash: string): Promise<number> {
  const started = Date.now();
  while ((await indexer.reader.historyByTxHash(hash)).length === 0) {
    if (Date.now() - started > 120_000) throw new Error(`transaction ${hash} not indexed 120 s after the outage`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return (Date.now() - started) / 1000;
}
