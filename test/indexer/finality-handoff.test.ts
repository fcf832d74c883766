import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "../../core/chains";
import { Actor } from "../helpers/actor";
import { describeBackends } from "../helpers/app-db";
import { expectIndexMatchesChain } from "../helpers/index-truth";
import { startIndexer, type RunningIndexer } from "../helpers/indexer";
import { deploySettle, latestTimestamp, shareClock, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { stopAllProcesses, waitFor } from "../helpers/processes";

/** Ponder's finality on chains it does not know (the local ones): a block 30 below the head is final. */
const FINALITY_BLOCKS = 30;

/**
 * Chains whose finalized blocks are at different times: public chains of different finality (Ethereum 65 blocks of
 * 12 s, an OP chain 30 of 2 s) or, here, a second local chain whose clock runs an hour ahead. Ponder 0.6.23's
 * historical sync stops at the earliest finalized time of all chains and each chain's realtime sync starts after its
 * own finalized block; without indexer/patches/ the second chain's events between the two were never indexed.
 */
describeBackends("Indexer: events between the chains' finalized blocks at the hand-off to realtime", function () {
  this.timeout(300_000);

  let nodes: HardhatNode[];
  let deployments: TestDeployment[];
  let providers: JsonRpcProvider[];
  let indexer: RunningIndexer;
  let deploymentsDir: string;

  /** Both chains go on on one clock (the later one's) until the index has reached both heads; then they stop mining. */
  async function followBothChains(): Promise<void> {
    await shareClock(nodes, 300);
    const heads = await Promise.all(nodes.map((node) => node.blockNumber()));
    await waitFor(
      "the index to reach both chains' heads",
      async () => {
        const status = await indexer.reader.status();
        return nodes.every((node, i) => (status.chains.find((head) => head.chainId === node.chainId)?.block?.number ?? -1n) >= BigInt(heads[i]!));
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    await shareClock(nodes, 0);
  }

  /** An hour on the second chain's clock, an invoice paid and a transfer there, and both chains final past them. */
  async function secondChainRunsAhead(label: string): Promise<void> {
    const [first, second] = nodes as [HardhatNode, HardhatNode];
    await first.mine(FINALITY_BLOCKS + 10);
    await second.rpc("evm_increaseTime", [3_600]);
    const actor = new Actor(second, deployments[1]!, await second.rpc<string[]>("eth_accounts"));
    await actor.paidInvoice(label);
    await actor.transfer(label);
    await second.mine(FINALITY_BLOCKS + 10);
    const secondFinalized = (await second.blockNumber()) - FINALITY_BLOCKS;
    expect(await latestTimestamp(first)).to.be.lessThan(Number((await providers[1]!.getBlock(secondFinalized))!.timestamp));
  }

  /** Each chain's rows in the index equal its truth. */
  async function expectBothChainsTruth(): Promise<void> {
    for (const [i, provider] of providers.entries()) {
      await expectIndexMatchesChain(provider, deployments[i]!, indexer.location, { accounts: [], tokens: [] });
    }
  }

  before(async function () {
    deploymentsDir = mkdtempSync(join(tmpdir(), "settle-deployments-"));
    nodes = [await startHardhatNode(), await startHardhatNode({ chainId: LOCAL_CHAIN_ID_2 })];
    deployments = [await deploySettle(nodes[0]!, deploymentsDir), await deploySettle(nodes[1]!, deploymentsDir, "localhost2")];
    providers = nodes.map((node) => new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 }));
    const [first, second] = nodes as [HardhatNode, HardhatNode];
    // The first chain: an invoice at the current time; the second then runs an hour ahead.
    await new Actor(first, deployments[0]!, await first.rpc<string[]>("eth_accounts")).paidInvoice("first chain");
    await secondChainRunsAhead("second chain, between the finalized blocks");

    indexer = await startIndexer({
      rpcUrl: first.url,
      deploymentsDir,
      env: { SETTLE_NETWORKS: "localhost,localhost2", RPC_URL_LOCALHOST2: second.url },
    });
    await indexer.waitUntilReady();
    await followBothChains();
  });

  after(async function () {
    for (const provider of providers ?? []) provider.destroy();
    await stopAllProcesses();
  });

  it("indexes the second chain's events that Ponder's hand-off would skip, and each chain equals its truth", async function () {
    const second = await indexer.reader.invoice(1n, LOCAL_CHAIN_ID_2);
    expect(second, "the second chain's invoice #1").to.not.equal(undefined);
    expect((await indexer.reader.historyByInvoice(1n, LOCAL_CHAIN_ID_2)).length).to.be.greaterThan(0);
    expect((await indexer.reader.invoice(1n, LOCAL_CHAIN_ID))?.chainId).to.equal(LOCAL_CHAIN_ID);
    await expectBothChainsTruth();
  });

  it("does it again on a restart of the indexer, delivering nothing twice", async function () {
    await indexer.stop();
    await secondChainRunsAhead("second chain, while the indexer was stopped");
    indexer = await startIndexer({
      rpcUrl: nodes[0]!.url,
      deploymentsDir,
      indexDir: indexer.indexDir,
      env: { SETTLE_NETWORKS: "localhost,localhost2", RPC_URL_LOCALHOST2: nodes[1]!.url },
    });
    await indexer.waitUntilReady();
    await followBothChains();
    expect(await indexer.reader.invoice(2n, LOCAL_CHAIN_ID_2), "the second chain's invoice #2").to.not.equal(undefined);
    await expectBothChainsTruth();
    expect(indexer.log()).to.not.match(/rebuilding the index from scratch/);
  });
});
