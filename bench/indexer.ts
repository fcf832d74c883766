/**
 * `npm run bench:indexer`: the indexer's backfill throughput and steady-state lag, measured on this
 * machine against a real Hardhat node, the real deploy, the real indexer (launcher + Ponder) and
 * the API's read module. Writes bench/results/indexer.json; see bench/README.md for the method.
 *
 * Environment: BENCH_EVENTS (default 50000) sets how many Settle events to generate at least;
 * BENCH_LAG_SAMPLES (default 200) how many transactions the lag is measured over.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { Contract, ContractFactory, JsonRpcProvider, getAddress, id as topicOf, type InterfaceAbi } from "ethers";
import { deploySettle, startHardhatNode, REPO_ROOT, type HardhatNode, type TestDeployment } from "../test/support/node";
import { startIndexer } from "../test/support/indexer";
import { stopAllProcesses } from "../test/support/processes";

/** Events of Settle's contracts the indexer handles (topic0 by signature). */
const INDEXED_EVENTS = [
  "Transfer(address,address,uint256)",
  "Staked(address,uint256,uint256,uint256)",
  "Withdrawn(address,uint256,uint256,uint256)",
  "RewardPaid(address,uint256)",
  "RewardAdded(uint256,uint256,uint256,uint256,uint256)",
  "RewardsDurationUpdated(uint256)",
  "Recovered(address,uint256,address)",
];

/** Transfers per `BenchSettle.transfers` call: 100 recipients x 28 rounds, about 13 M gas. */
const RECIPIENTS = 100;
const TRANSFER_ROUNDS = 28;
/** Stake+withdraw cycles per `BenchSettle.stakeCycles` call (4 events each): about 12 M gas before refunds. */
const STAKE_CYCLES = 250;
/** One transaction stays under the node's 16,777,216 gas cap. */
const TX_GAS = 16_000_000n;

/** Result written to bench/results/indexer.json. */
export interface IndexerBenchResult {
  events: number;
  backfillSeconds: number;
  eventsPerSecond: number;
  lagMsP50: number;
  lagMsP99: number;
}

function artifact(path: string): { abi: InterfaceAbi; bytecode: string } {
  return JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", path), "utf8")) as { abi: InterfaceAbi; bytecode: string };
}

/** Counts the Settle events the indexer handles, from the chain's logs. */
export async function countIndexedEvents(provider: JsonRpcProvider, deployment: TestDeployment): Promise<number> {
  const topics = new Set(INDEXED_EVENTS.map((signature) => topicOf(signature)));
  const addresses = Object.values(deployment.contracts).map((contract) => contract.address);
  const logs = await provider.getLogs({ address: addresses, fromBlock: 0, toBlock: "latest" });
  return logs.filter((log) => topics.has(log.topics[0]!)).length;
}

/**
 * Puts at least `target` Settle events on the chain: SETL transfers (one event each) and
 * stake/withdraw cycles (four events each), many per transaction through the BenchSettle helper,
 * one transaction per block. Returns the number of indexed events on the chain.
 */
export async function generateEvents(node: HardhatNode, deployment: TestDeployment, target: number): Promise<number> {
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1 });
  // The node mines each transaction as it arrives: poll for receipts often (ethers' default is 4 s).
  provider.pollingInterval = 20;
  const deployer = await provider.getSigner(0);
  const token = new Contract(deployment.contracts.SettleToken.address, artifact("SettleToken.sol/SettleToken.json").abi, deployer);
  const bench = artifact("test/BenchSettle.sol/BenchSettle.json");
  const helper = await new ContractFactory(bench.abi, bench.bytecode, deployer).deploy(
    deployment.contracts.SettleToken.address,
    deployment.contracts.StakingRewards.address,
  );
  await helper.waitForDeployment();
  await (await token.getFunction("transfer")(await helper.getAddress(), 10_000_000n * 10n ** 18n)).wait();
  const recipients = Array.from({ length: RECIPIENTS }, (_, i) => getAddress("0x" + (0xbe0000 + i).toString(16).padStart(40, "0")));

  let events = await countIndexedEvents(provider, deployment);
  // About three quarters transfers, one quarter staking events.
  let round = 0;
  while (events < target) {
    const staking = round % 4 === 3;
    const tx = staking
      ? await helper.getFunction("stakeCycles")(STAKE_CYCLES, 10n ** 18n, { gasLimit: TX_GAS })
      : await helper.getFunction("transfers")(recipients, TRANSFER_ROUNDS, 1n, { gasLimit: TX_GAS });
    const receipt = await tx.wait();
    events += receipt!.logs.length;
    round++;
  }
  // Bury the events below Ponder's finality (30 blocks on a local chain), one evm_mine per block.
  await node.mine(32);
  return countIndexedEvents(provider, deployment);
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
    const events = await generateEvents(node, deployment, target);
    const head = await node.blockNumber();
    console.log(`generated ${events} indexed events up to block ${head} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Backfill: from launching the indexer on an empty index to every event readable.
    started = Date.now();
    const indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir });
    await indexer.waitUntilIndexed(head, 600_000);
    const backfillSeconds = (Date.now() - started) / 1000;
    const rows = indexer.reader.stats();
    console.log(`backfill: ${backfillSeconds.toFixed(2)} s, ${Math.round(events / backfillSeconds)} events/s (head ${rows.block?.number})`);

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
      while (indexer.reader.historyByTxHash(hash).length === 0) {
        if (performance.now() - mined > 10_000) throw new Error(`transaction ${hash} not indexed after 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      lags.push(performance.now() - mined);
    }
    lags.sort((a, b) => a - b);
    const result: IndexerBenchResult = {
      events,
      backfillSeconds: Number(backfillSeconds.toFixed(2)),
      eventsPerSecond: Math.round(events / backfillSeconds),
      lagMsP50: Number(percentile(lags, 50).toFixed(1)),
      lagMsP99: Number(percentile(lags, 99).toFixed(1)),
    };
    console.log(
      `lag over ${samples} transactions: p50 ${result.lagMsP50} ms, p99 ${result.lagMsP99} ms (max ${lags[lags.length - 1]!.toFixed(1)} ms)`,
    );
    console.log(
      `targets: >= 3000 events/s (${result.eventsPerSecond >= 3000 ? "met" : "MISSED"}), lag p99 <= 300 ms (${result.lagMsP99 <= 300 ? "met" : "MISSED"})`,
    );
    const out = join(REPO_ROOT, "bench", "results", "indexer.json");
    mkdirSync(join(REPO_ROOT, "bench", "results"), { recursive: true });
    writeFileSync(out, JSON.stringify(result, null, 2) + "\n");
    console.log(`wrote ${out}`);
    await indexer.stop();
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
