/**
 * `npm run bench:indexer`: the indexer's backfill throughput and steady-state lag, measured on this
 * machine against a real Hardhat node, the real deploy, the real indexer (launcher + Ponder) and
 * the API's read module. Writes bench/results/indexer.json; see bench/README.md for the method.
 *
 * Environment: BENCH_EVENTS (default 50000) sets how many Settle events to generate at least;
 * BENCH_ROUNDS (default 3) how many backfills from scratch are timed (the median is reported: the
 * machine is shared); BENCH_LAG_SAMPLES (default 200) how many transactions the lag is measured over;
 * BENCH_OUTAGE_MS (default 10000) the outage the recovery time is measured after (bench/lib/rpc-faults.ts).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Contract, JsonRpcProvider, type InterfaceAbi } from "ethers";
import { generateSettleEvents } from "../scripts/stack/events";
import { deploySettle, startHardhatNode } from "../scripts/stack/node";
import { REPO_ROOT } from "../scripts/stack/paths";
import { IndexReader } from "../api/index/reader";
import { startIndexer, type RunningIndexer } from "../scripts/stack/indexer";
import { stopAllProcesses } from "../scripts/stack/processes";
import { benchRpcFaults, type RpcFaultsBenchResult } from "./lib/rpc-faults";

function artifact(path: string): { abi: InterfaceAbi } {
  return JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", path), "utf8")) as { abi: InterfaceAbi };
}

/** Result written to bench/results/indexer.json. */
export interface IndexerBenchResult {
  events: number;
  backfillSeconds: number;
  eventsPerSecond: number;
  lagMsP50: number;
  lagMsP99: number;
  /** Every backfill's seconds, in the order they ran (`backfillSeconds` is their median). */
  backfillRounds: number[];
  /** The same backfill through a flaky RPC (fault proxy) next to a latency-only one, and the recovery after an outage. */
  rpcFaults: RpcFaultsBenchResult;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

async function main(): Promise<void> {
  const target = Number(process.env.BENCH_EVENTS ?? 50_000);
  const samples = Number(process.env.BENCH_LAG_SAMPLES ?? 200);
  try {
    console.log(
      `bench:indexer — ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    );
    const node = await startHardhatNode();
    const deployment = await deploySettle(node);
    let started = Date.now();
    const events = await generateSettleEvents(node, deployment, target);
    const head = await node.blockNumber();
    console.log(`generated ${events} indexed events up to block ${head} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Backfill: from launching the indexer on an empty index to every event readable; the last
    // round's indexer stays up for the lag measurement.
    const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
    const backfillRounds: number[] = [];
    let indexer: RunningIndexer<IndexReader> | undefined;
    for (let round = 1; round <= rounds; round++) {
      await indexer?.stop();
      started = Date.now();
      indexer = await startIndexer({
        rpcUrl: node.url,
        deploymentsDir: deployment.deploymentsDir,
        openReader: (location) => new IndexReader(location),
      });
      await indexer.waitUntilIndexed(head, 600_000);
      const seconds = (Date.now() - started) / 1000;
      backfillRounds.push(Number(seconds.toFixed(2)));
      const indexed = (await indexer.reader.stats()).block?.number;
      console.log(`backfill ${round}/${rounds}: ${seconds.toFixed(2)} s, ${Math.round(events / seconds)} events/s (head ${indexed})`);
    }
    if (!indexer) throw new Error("BENCH_ROUNDS must be at least 1");
    const backfillSeconds = percentile(
      [...backfillRounds].sort((a, b) => a - b),
      50,
    );

    // Lag: a SETL transfer is mined (the node answers eth_sendTransaction once the block exists),
    // then the read module is polled until its History rows are there.
    const from = (await new JsonRpcProvider(node.url).listAccounts())[1]!.address;
    const data = new Contract(
      deployment.contracts.SettleToken.address,
      artifact("SettleToken.sol/SettleToken.json").abi,
    ).interface.encodeFunctionData("transfer", ["0x00000000000000000000000000000000000be001", 1n]);
    const lags: number[] = [];
    for (let i = 0; i < samples; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 100));
      const hash = await node.rpc<string>("eth_sendTransaction", [
        { from, to: deployment.contracts.SettleToken.address, data, gas: "0x30000" },
      ]);
      const mined = performance.now();
      while ((await indexer.reader.historyByTxHash(hash)).length === 0) {
        if (performance.now() - mined > 10_000) throw new Error(`transaction ${hash} not indexed after 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      lags.push(performance.now() - mined);
    }
    lags.sort((a, b) => a - b);
    await indexer.stop();
    const rpcFaults = await benchRpcFaults(node, deployment, head, () =>
      node.rpc<string>("eth_sendTransaction", [{ from, to: deployment.contracts.SettleToken.address, data, gas: "0x30000" }]),
    );
    const result: IndexerBenchResult = {
      events,
      backfillSeconds,
      eventsPerSecond: Math.round(events / backfillSeconds),
      lagMsP50: Number(percentile(lags, 50).toFixed(1)),
      lagMsP99: Number(percentile(lags, 99).toFixed(1)),
      backfillRounds,
      rpcFaults,
    };
    console.log(
      `lag over ${samples} transactions: p50 ${result.lagMsP50} ms, p99 ${result.lagMsP99} ms (max ${lags[lags.length - 1]!.toFixed(1)} ms)`,
    );
    console.log(`backfill median of ${rounds}: ${backfillSeconds} s, ${result.eventsPerSecond} events/s`);
    console.log(
      `targets: >= 3000 events/s (${result.eventsPerSecond >= 3000 ? "met" : "MISSED"}), lag p99 <= 300 ms (${result.lagMsP99 <= 300 ? "met" : "MISSED"})`,
    );
    const out = join(REPO_ROOT, "bench", "results", "indexer.json");
    mkdirSync(join(REPO_ROOT, "bench", "results"), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
    console.log(
      `flaky RPC: faulty backfill ${rpcFaults.faultyToLatencyOnly}x the latency-only one (goal <= 2: ${rpcFaults.faultyToLatencyOnly <= 2 ? "met" : "MISSED"}), ` +
        `recovery ${rpcFaults.recoverySeconds} s (goal < 10: ${rpcFaults.recoverySeconds < 10 ? "met" : "MISSED"}), ${rpcFaults.rebuilds} rebuilds, ${rpcFaults.ponderExits} Ponder exits`,
    );
    console.log(`wrote ${out}`);
    await node.stop();
  } finally {
    await stopAllProcesses();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`bench:indexer failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
