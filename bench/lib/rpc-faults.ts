/**
 * The indexer through the fault proxy (scripts/stack/rpc-fault-proxy.ts), for `npm run bench:indexer`:
 *
 * - a public RPC as the large providers serve one (100 ms per answer, eth_getLogs over at most 1,000 blocks), with the
 *   indexer's settings for a public chain: the backfill's seconds, blocks/s and events/s next to the direct backfill's
 *   of the same run;
 * - a flaky RPC: the same backfill with 5 ms of latency only and with faults on (an outage, 429 with Retry-After, 503,
 *   eth_getLogs capped at 200 blocks), then the recovery time after an outage during the live tail: from the RPC's
 *   return until a transaction sent during the outage is readable.
 */
import { IndexReader } from "../../api/index/reader";
import { startIndexer, type RunningIndexer } from "../../scripts/stack/indexer";
import type { HardhatNode, LocalDeployment } from "../../scripts/stack/node";
import { startFaultProxy, type FaultCounts, type FaultProfile, type FaultProxy } from "../../scripts/stack/rpc-fault-proxy";
import { median } from "./backfill";
import { RPC_SETTING_VARIABLES, rpcDefaults, type RpcSettings } from "../../core/networks";

/** A public provider as issue 13 describes one: 100 ms per answer, eth_getLogs over at most 1,000 blocks (stated). */
export const PUBLIC_RPC = { latencyMs: 100, maxLogsBlockRange: 1_000, logsErrorWording: "quicknode" } as const satisfies FaultProfile;

/**
 * The indexer's RPC settings for a public chain (core/networks.ts's defaults, any chain that is not local: 1 here), as
 * the variables that set them: the node behind the proxy is local, the provider it plays is not.
 */
export function publicChainSettingsEnv(): Record<string, string> {
  const defaults = rpcDefaults(1);
  return Object.fromEntries(
    (Object.keys(RPC_SETTING_VARIABLES) as (keyof RpcSettings)[]).map((key) => [
      RPC_SETTING_VARIABLES[key].variable,
      String(defaults[key]),
    ]),
  );
}

/** One backfill's speed: seconds from launch to the head readable, and what went by per second. */
export interface BackfillSpeed {
  seconds: number;
  blocksPerSecond: number;
  eventsPerSecond: number;
}

/** The backfill through a public RPC ({@link PUBLIC_RPC}) next to the direct one of the same run (SQLite, Settle's handlers). */
export interface PublicRpcBenchResult {
  latencyMs: number;
  maxLogsBlockRange: number;
  /** Blocks from the deploy block to the head, and the Settle events in them. */
  blocks: number;
  events: number;
  /** Straight to the node (the median of bench:indexer's rounds). */
  direct: BackfillSpeed;
  /** Through the proxy (the median of as many rounds). */
  publicRpc: BackfillSpeed;
  publicRpcRounds: number[];
  /** publicRpc seconds ÷ direct seconds: how many times longer the backfill takes through the public RPC. */
  toDirect: number;
  /** The indexer's settings, a public chain's ({@link publicChainSettingsEnv}). */
  settings: Record<string, string>;
  /** What the proxy did in the last round (logsRefused: eth_getLogs refused for the range). */
  faults: FaultCounts;
}

/** The speed of a backfill of `blocks` blocks and `events` events in `seconds`. */
export function backfillSpeed(seconds: number, blocks: number, events: number): BackfillSpeed {
  return { seconds, blocksPerSecond: Math.round(blocks / seconds), eventsPerSecond: Math.round(events / seconds) };
}

/** The chain a backfill covers: its deploy block, its head, and its Settle events. */
export interface BenchChain {
  node: HardhatNode;
  deployment: LocalDeployment;
  startBlock: number;
  head: number;
  events: number;
}

/**
 * A backfill up to the chain's head through a new fault proxy with `profile` (seed 18), from launching the indexer on
 * an empty SQLite index to the head readable; `duringBackfill` may act on the proxy meanwhile, `env` adds to the
 * indexer's environment. The indexer and the proxy are left running.
 */
async function proxiedBackfill(
  chain: BenchChain,
  profile: FaultProfile,
  duringBackfill: (proxy: FaultProxy) => (() => void) | void = () => {},
  env: Record<string, string> = {},
): Promise<{ seconds: number; indexer: RunningIndexer<IndexReader>; proxy: FaultProxy }> {
  const proxy = await startFaultProxy(chain.node.url, profile, 18);
  const started = Date.now();
  const indexer = await startIndexer({
    rpcUrl: proxy.url,
    deploymentsDir: chain.deployment.deploymentsDir,
    openReader: (location) => new IndexReader(location),
    env,
  });
  const done = duringBackfill(proxy);
  await indexer.waitUntilIndexed(chain.head, 900_000);
  done?.();
  return { seconds: (Date.now() - started) / 1000, indexer, proxy };
}

/** Times `rounds` backfills through a public RPC ({@link PUBLIC_RPC}) and sets them against `directSeconds`. */
export async function benchPublicRpc(chain: BenchChain, directSeconds: number, rounds: number): Promise<PublicRpcBenchResult> {
  const blocks = chain.head - chain.startBlock + 1;
  const settings = publicChainSettingsEnv();
  const seconds: number[] = [];
  let faults: FaultCounts | undefined;
  for (let round = 1; round <= rounds; round++) {
    const run = await proxiedBackfill(chain, PUBLIC_RPC, undefined, settings);
    faults = { ...run.proxy.counts };
    await run.indexer.stop();
    await run.proxy.close();
    seconds.push(Number(run.seconds.toFixed(2)));
    console.log(
      `backfill through a public RPC (${PUBLIC_RPC.latencyMs} ms, eth_getLogs ≤ ${PUBLIC_RPC.maxLogsBlockRange} blocks), ` +
        `round ${round}/${rounds}: ${run.seconds.toFixed(2)} s (${faults.requests} requests, ${faults.logsRefused} eth_getLogs refused)`,
    );
  }
  const publicRpc = backfillSpeed(median(seconds), blocks, chain.events);
  return {
    latencyMs: PUBLIC_RPC.latencyMs,
    maxLogsBlockRange: PUBLIC_RPC.maxLogsBlockRange,
    blocks,
    events: chain.events,
    direct: backfillSpeed(directSeconds, blocks, chain.events),
    publicRpc,
    publicRpcRounds: seconds,
    toDirect: Number((publicRpc.seconds / directSeconds).toFixed(2)),
    settings,
    faults: faults!,
  };
}

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

/** Runs both backfills up to the chain's head and the recovery measurement; `transfer` sends one transaction straight to the node. */
export async function benchRpcFaults(
  chain: BenchChain,
  transfer: () => Promise<string>,
  outageMs = Number(process.env.BENCH_OUTAGE_MS ?? 10_000),
): Promise<RpcFaultsBenchResult> {
  const clean = await proxiedBackfill(chain, { latencyMs: LATENCY_MS });
  await clean.indexer.stop();
  await clean.proxy.close();
  console.log(`backfill through the proxy, latency only: ${clean.seconds.toFixed(2)} s`);

  // An outage of 3 s once Ponder has started asking for logs.
  const faulty = await proxiedBackfill(chain, FAULTS, (proxy) => {
    const timer = setTimeout(() => proxy.startOutage(3_000), 4_000);
    return () => clearTimeout(timer);
  });
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
