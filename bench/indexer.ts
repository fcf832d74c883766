/**
 * `npm run bench:indexer`: the indexer's backfill throughput and steady-state lag, measured on this
 * machine against a real Hardhat node, the real deploy, the real indexer (launcher + Ponder) and
 * the API's read module. Writes bench/results/indexer.json; see bench/README.md for the method.
 *
 * Both backends in one run (a throwaway PostgreSQL cluster, scripts/stack/postgres.ts), each backfill also timed with
 * handlers that write nothing (bench/lib/backfill.ts), and where Settle's handlers spend their time, per file; then the
 * same backfill through a public RPC and through a flaky one (bench/lib/rpc-faults.ts). Empty blocks are mined after
 * the events so that the chain spans at least {@link SPAN_BLOCKS} blocks and the proxies' eth_getLogs caps bite.
 *
 * Environment: BENCH_EVENTS (default 20000) sets how many Settle events to generate at least;
 * BENCH_ROUNDS (default 1) how many backfills from scratch of each variant are timed (the median is reported: the
 * machine is shared); BENCH_LAG_SAMPLES (default 100) how many transactions the lag is measured over;
 * BENCH_OUTAGE_MS (default 10000) the outage the recovery time is measured after (bench/lib/rpc-faults.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Contract, JsonRpcProvider, type InterfaceAbi } from "ethers";
import { startBlockOf } from "../core/deployment";
import { generateSettleEvents } from "../scripts/stack/events";
import { deploySettle, startHardhatNode } from "../scripts/stack/node";
import { REPO_ROOT } from "../scripts/stack/paths";
import { IndexReader } from "../api/index/reader";
import type { RunningIndexer } from "../scripts/stack/indexer";
import { type PostgresCluster, startPostgres } from "../scripts/stack/postgres";
import { freePort, stopAllProcesses } from "../scripts/stack/processes";
import { benchBackfills, type BackendBackfill, type BenchBackend } from "./lib/backfill";
import { benchPublicRpc, benchRpcFaults, type BenchChain, type PublicRpcBenchResult, type RpcFaultsBenchResult } from "./lib/rpc-faults";

/** Blocks from the deploy block to the head, at least: a public chain's history is mostly blocks without our events. */
const SPAN_BLOCKS = 5_000;

function artifact(path: string): { abi: InterfaceAbi } {
  return JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", path), "utf8")) as { abi: InterfaceAbi };
}

/** One backend's figures: the backfill (ours and the no-op handlers') and the lag. */
export interface BackendFigures extends BackendBackfill {
  lagMsP50: number;
  lagMsP99: number;
}

/** A target of the benchmark: what it asks, the figure measured, whether met. */
export interface BenchTarget {
  target: string;
  figure: number;
  met: boolean;
}

/** Result written to bench/results/indexer.json: SQLite's figures at the top level, PostgreSQL's beside them. */
export interface IndexerBenchResult extends BackendFigures {
  events: number;
  postgres: BackendFigures;
  targets: Record<string, BenchTarget>;
  /** The same backfill through a public RPC (100 ms per answer, eth_getLogs ≤ 1,000 blocks) next to the direct one (SQLite). */
  publicRpc: PublicRpcBenchResult;
  /** The same backfill through a flaky RPC (fault proxy) next to a latency-only one, and the recovery after an outage (SQLite). */
  rpcFaults: RpcFaultsBenchResult;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** Milliseconds from a mined SETL transfer to its History rows in `indexer`'s read module, over `samples` transfers. */
async function measureLag(
  indexer: RunningIndexer<IndexReader>,
  samples: number,
  transfer: () => Promise<string>,
): Promise<{ p50: number; p99: number }> {
  const lags: number[] = [];
  for (let i = 0; i < samples; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 100));
    const hash = await transfer();
    const mined = performance.now();
    while ((await indexer.reader.historyByTxHash(hash)).length === 0) {
      if (performance.now() - mined > 60_000) throw new Error(`transaction ${hash} not indexed after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    lags.push(performance.now() - mined);
  }
  lags.sort((a, b) => a - b);
  return { p50: Number(percentile(lags, 50).toFixed(1)), p99: Number(percentile(lags, 99).toFixed(1)) };
}

async function main(): Promise<void> {
  const target = Number(process.env.BENCH_EVENTS ?? 20_000);
  const samples = Number(process.env.BENCH_LAG_SAMPLES ?? 100);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
  if (!(rounds >= 1)) throw new Error("BENCH_ROUNDS must be at least 1");
  let cluster: PostgresCluster | undefined;
  try {
    console.log(
      `bench:indexer — ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    );
    cluster = await startPostgres({ port: await freePort() });
    const node = await startHardhatNode();
    const deployment = await deploySettle(node);
    const started = Date.now();
    const events = await generateSettleEvents(node, deployment, target);
    const startBlock = startBlockOf(deployment);
    const empty = SPAN_BLOCKS - ((await node.blockNumber()) - startBlock + 1);
    if (empty > 0) await node.mine(empty);
    const head = await node.blockNumber();
    console.log(`generated ${events} indexed events, blocks ${startBlock} to ${head}, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const chain: BenchChain = { node, deployment, startBlock, head, events };

    const { results, keep } = await benchBackfills(node, deployment, head, events, cluster, rounds);

    // Lag: a SETL transfer is mined (the node answers eth_sendTransaction once the block exists),
    // then the read module is polled until its History rows are there.
    const from = (await new JsonRpcProvider(node.url).listAccounts())[1]!.address;
    const data = new Contract(
      deployment.contracts.SettleToken.address,
      artifact("SettleToken.sol/SettleToken.json").abi,
    ).interface.encodeFunctionData("transfer", ["0x00000000000000000000000000000000000be001", 1n]);
    const transfer = () =>
      node.rpc<string>("eth_sendTransaction", [{ from, to: deployment.contracts.SettleToken.address, data, gas: "0x30000" }]);
    const figures = {} as Record<BenchBackend, BackendFigures>;
    for (const backend of ["sqlite", "postgres"] as const) {
      const lag = await measureLag(keep[backend], samples, transfer);
      await keep[backend].stop();
      figures[backend] = { ...results[backend], lagMsP50: lag.p50, lagMsP99: lag.p99 };
      const f = figures[backend];
      console.log(
        `${backend}: backfill ${f.backfillSeconds} s (${f.eventsPerSecond} events/s), no-op handlers ${f.noopBackfillSeconds} s ` +
          `(${f.noopEventsPerSecond} events/s), handlerRatio ${f.handlerRatio}; lag p50 ${f.lagMsP50} ms, p99 ${f.lagMsP99} ms`,
      );
      for (const [file, cost] of Object.entries(f.handlerCost)) {
        console.log(
          `  ${file}: ${cost.events} events, ${cost.totalMs} ms (${cost.msPerEvent} ms/event, ${Math.round(cost.share * 100)} %)`,
        );
      }
    }
    const publicRpc = await benchPublicRpc(chain, figures.sqlite.backfillSeconds, rounds);
    const rpcFaults = await benchRpcFaults(chain, transfer);
    const pgVsSqlite = Number((figures.postgres.eventsPerSecond / figures.sqlite.eventsPerSecond).toFixed(2));
    const targets: Record<string, BenchTarget> = {
      "postgres backfill ≥ 0.5 × sqlite (same run)": { target: ">= 0.5", figure: pgVsSqlite, met: pgVsSqlite >= 0.5 },
      "sqlite lag p99 ≤ 300 ms": { target: "<= 300", figure: figures.sqlite.lagMsP99, met: figures.sqlite.lagMsP99 <= 300 },
      "postgres lag p99 ≤ 300 ms": { target: "<= 300", figure: figures.postgres.lagMsP99, met: figures.postgres.lagMsP99 <= 300 },
      "flaky RPC: faulty ≤ 2 × latency-only": {
        target: "<= 2",
        figure: rpcFaults.faultyToLatencyOnly,
        met: rpcFaults.faultyToLatencyOnly <= 2,
      },
      "recovery after an outage < 10 s": { target: "< 10", figure: rpcFaults.recoverySeconds, met: rpcFaults.recoverySeconds < 10 },
    };
    const result: IndexerBenchResult = { events, ...figures.sqlite, postgres: figures.postgres, targets, publicRpc, rpcFaults };
    for (const [name, speed] of [
      ["direct", publicRpc.direct],
      [`public RPC (${publicRpc.latencyMs} ms, eth_getLogs ≤ ${publicRpc.maxLogsBlockRange} blocks)`, publicRpc.publicRpc],
    ] as const) {
      console.log(
        `backfill ${name}: ${speed.seconds} s, ${speed.blocksPerSecond} blocks/s, ${speed.eventsPerSecond} events/s ` +
          `(${publicRpc.blocks} blocks, ${publicRpc.events} events)`,
      );
    }
    console.log(`public RPC / direct: ${publicRpc.toDirect} × the time`);
    for (const [name, t] of Object.entries(targets)) console.log(`target ${name}: ${t.figure} (${t.met ? "met" : "MISSED"})`);
    const out = join(REPO_ROOT, "bench", "results", "indexer.json");
    mkdirSync(join(REPO_ROOT, "bench", "results"), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
    console.log(`wrote ${out}`);
    await node.stop();
  } finally {
    await stopAllProcesses();
    await cluster?.drop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench:indexer failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
