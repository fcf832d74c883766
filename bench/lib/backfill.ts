/**
 * Backfills timed for `npm run bench:indexer` on both backends, with Settle's handlers and with handlers that write
 * nothing (./noop-handlers.ts), interleaved round by round so that the machine's noise hits every variant alike.
 */
import { IndexReader } from "../../api/index/reader";
import { startIndexer, type RunningIndexer } from "../../scripts/stack/indexer";
import type { HardhatNode, LocalDeployment } from "../../scripts/stack/node";
import type { PostgresCluster } from "../../scripts/stack/postgres";
import { handlerCostByFile, makeNoopProject, type HandlerFileCost } from "./noop-handlers";

/** The index's backends. */
export type BenchBackend = "sqlite" | "postgres";

/** One backend's backfill figures. */
export interface BackendBackfill {
  /** Median seconds from launching the indexer on an empty index to every event readable, and events per second. */
  backfillSeconds: number;
  eventsPerSecond: number;
  backfillRounds: number[];
  /** The same with handlers that write nothing. */
  noopBackfillSeconds: number;
  noopEventsPerSecond: number;
  noopBackfillRounds: number[];
  /** Our events/s ÷ the no-op handlers' events/s, in the same run (1 = our handlers cost nothing). */
  handlerRatio: number;
  /** Where our handlers spent their time in the last round, per handler file (Ponder's own measurement). */
  handlerCost: Record<string, HandlerFileCost>;
}

/** Median of `values`. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Times `rounds` backfills up to `head` of each variant; leaves the last round's indexer with Settle's handlers of
 * each backend running (for the lag measurement) in `keep`.
 */
export async function benchBackfills(
  node: HardhatNode,
  deployment: LocalDeployment,
  head: number,
  events: number,
  cluster: PostgresCluster,
  rounds: number,
): Promise<{ results: Record<BenchBackend, BackendBackfill>; keep: Record<BenchBackend, RunningIndexer<IndexReader>> }> {
  const noop = makeNoopProject();
  let databases = 0;
  const backfill = async (backend: BenchBackend, handlers: "settle" | "noop") => {
    let indexDatabaseUrl: string | undefined;
    if (backend === "postgres") {
      const name = `bench_index_${++databases}`;
      await cluster.createDatabase(name);
      indexDatabaseUrl = cluster.url(name);
    }
    const started = Date.now();
    const indexer = await startIndexer({
      rpcUrl: node.url,
      deploymentsDir: deployment.deploymentsDir,
      indexDatabaseUrl,
      openReader: (location) => new IndexReader(location),
      env: handlers === "noop" ? { SETTLE_PONDER_ROOT: noop.dir } : {},
    });
    await indexer.waitUntilIndexed(head, 900_000);
    const seconds = Number(((Date.now() - started) / 1000).toFixed(2));
    console.log(
      `  ${backend} ${handlers === "settle" ? "Settle's handlers" : "no-op handlers"}: ${seconds} s, ${Math.round(events / seconds)} events/s`,
    );
    return { indexer, seconds };
  };
  const seconds: Record<string, number[]> = {};
  const costs: Partial<Record<BenchBackend, Record<string, HandlerFileCost>>> = {};
  const keep: Partial<Record<BenchBackend, RunningIndexer<IndexReader>>> = {};
  try {
    for (let round = 1; round <= rounds; round++) {
      console.log(`backfill round ${round}/${rounds}`);
      for (const backend of ["sqlite", "postgres"] as const) {
        for (const handlers of ["noop", "settle"] as const) {
          const { indexer, seconds: took } = await backfill(backend, handlers);
          (seconds[`${backend}/${handlers}`] ??= []).push(took);
          if (handlers === "settle") costs[backend] = await handlerCostByFile(indexer.port);
          if (handlers === "settle" && round === rounds) keep[backend] = indexer;
          else await indexer.stop();
        }
      }
    }
  } finally {
    noop.remove();
  }
  const figures = (backend: BenchBackend): BackendBackfill => {
    const ours = median(seconds[`${backend}/settle`]!);
    const bare = median(seconds[`${backend}/noop`]!);
    return {
      backfillSeconds: ours,
      eventsPerSecond: Math.round(events / ours),
      backfillRounds: seconds[`${backend}/settle`]!,
      noopBackfillSeconds: bare,
      noopEventsPerSecond: Math.round(events / bare),
      noopBackfillRounds: seconds[`${backend}/noop`]!,
      handlerRatio: Number((bare / ours).toFixed(2)),
      handlerCost: costs[backend]!,
    };
  };
  return {
    results: { sqlite: figures("sqlite"), postgres: figures("postgres") },
    keep: keep as Record<BenchBackend, RunningIndexer<IndexReader>>,
  };
}
