import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IndexAmbiguousError } from "../../api/index/errors";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "../../core/chains";
import { Actor } from "../helpers/actor";
import { describeBackends } from "../helpers/app-db";
import { dumpIndex } from "../helpers/index-dump";
import { expectIndexMatchesChain } from "../helpers/index-truth";
import { startIndexer, type RunningIndexer } from "../helpers/indexer";
import { deploySettle, latestTimestamp, shareClock, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { stopAllProcesses, waitFor } from "../helpers/processes";
import { runScenario, type ScenarioResult } from "../helpers/scenario-actions";

/** One local chain of the test: its node, deployment, a provider on it and what the scenario did there. */
interface Chain {
  node: HardhatNode;
  deployment: TestDeployment;
  provider: JsonRpcProvider;
  scenario: ScenarioResult;
}

// Two local chains (31337 and 31338, the same deployer: the same contract addresses on both) behind one indexer.
describeBackends("Indexer: two chains in one index", function () {
  this.timeout(480_000);

  const chains: Chain[] = [];
  let indexer: RunningIndexer;

  /** Waits until the index has reached every chain's current head. */
  async function waitUntilBothIndexed(): Promise<void> {
    const heads = await Promise.all(chains.map((chain) => chain.node.blockNumber()));
    await waitFor(
      "the index to reach both chains' heads",
      async () => {
        if (!(await indexer.reader.isReady())) return false;
        const status = await indexer.reader.status();
        return chains.every((chain, i) => {
          const indexed = status.chains.find((head) => head.chainId === chain.deployment.chainId)?.block;
          return indexed !== null && indexed !== undefined && indexed.number >= BigInt(heads[i]!);
        });
      },
      { timeoutMs: 180_000, intervalMs: 100 },
    );
  }

  before(async function () {
    const deploymentsDir = mkdtempSync(join(tmpdir(), "settle-deployments-"));
    const nodes = [await startHardhatNode(), await startHardhatNode({ chainId: LOCAL_CHAIN_ID_2 })];
    const deployments = [await deploySettle(nodes[0]!, deploymentsDir), await deploySettle(nodes[1]!, deploymentsDir, "localhost2")];
    for (const [i, node] of nodes.entries()) {
      const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
      chains.push({ node, deployment: deployments[i]!, provider, scenario: { accounts: [], tokens: [] } });
    }
    // Started on idle chains with fewer than 30 blocks (Ponder's finality on local chains): everything goes through
    // Ponder's realtime sync.
    indexer = await startIndexer({
      rpcUrl: nodes[0]!.url,
      deploymentsDir,
      env: { SETTLE_NETWORKS: "localhost,localhost2", RPC_URL_LOCALHOST2: nodes[1]!.url },
    });
    await indexer.waitUntilReady();
    await shareClock(nodes, 500);
    await waitUntilBothIndexed();
    // The indexer follows both chains while the scenarios run (each on its own clock: blocks only on transactions):
    // the realtime path, on both at once.
    await shareClock(nodes, 0);
    const scenarios = await Promise.all(chains.map((chain) => runScenario(chain.node, chain.deployment)));
    scenarios.forEach((scenario, i) => (chains[i]!.scenario = scenario));
    await shareClock(nodes, 500);
    await waitUntilBothIndexed();
  });

  after(async function () {
    for (const chain of chains) chain.provider.destroy();
    await stopAllProcesses();
  });

  it("deploys the same addresses on both chains, each deployment on its own chain id", function () {
    expect(chains.map((chain) => chain.deployment.chainId)).to.deep.equal([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);
    expect(chains[1]!.deployment.contracts.PaymentEscrow.address).to.equal(chains[0]!.deployment.contracts.PaymentEscrow.address);
  });

  it("holds each chain's rows, equal to that chain's truth, and no others", async function () {
    for (const chain of chains) await expectIndexMatchesChain(chain.provider, chain.deployment, indexer.location, chain.scenario);
    const dump = await dumpIndex(indexer.location);
    for (const [table, rows] of Object.entries(dump)) {
      const chainIds = new Set(rows.map((row) => row.chainId));
      expect([...chainIds].sort(), `chains of ${table}`).to.deep.equal(rows.length === 0 ? [] : [LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);
    }
    // ERC-20 transfers into and out of the second chain's escrow (the filters per network) are there.
    const setl = chains[1]!.deployment.contracts.SettleToken.address.toLowerCase();
    const escrowTokenRows = dump.TokenTransfer.filter((row) => row.chainId === LOCAL_CHAIN_ID_2 && row.token !== setl);
    expect(escrowTokenRows.length, "ERC-20 transfers of the escrow on chain 31338").to.be.greaterThan(0);
  });

  it("finds invoice #1 on both chains, and says so when asked without a chain", async function () {
    const matches = await indexer.reader.invoiceMatches(1n);
    expect(matches.map((invoice) => [invoice.chainId, invoice.id])).to.deep.equal([
      [LOCAL_CHAIN_ID, 1n],
      [LOCAL_CHAIN_ID_2, 1n],
    ]);
    const ambiguous = await indexer.reader.invoice(1n).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ambiguous).to.be.instanceOf(IndexAmbiguousError);
    expect((ambiguous as IndexAmbiguousError).candidates.map((candidate) => candidate.chainId)).to.deep.equal([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);
    const second = (await indexer.reader.invoice(1n, LOCAL_CHAIN_ID_2))!;
    expect(second.chainId).to.equal(LOCAL_CHAIN_ID_2);
    const history = await indexer.reader.historyByInvoice(1n, LOCAL_CHAIN_ID_2);
    expect(history.length).to.be.greaterThan(0);
    expect(history.every((row) => row.chainId === LOCAL_CHAIN_ID_2 && row.invoiceId === 1n)).to.equal(true);
    expect((await indexer.reader.historyByInvoice(1n)).length).to.be.greaterThan(history.length);
    const merchant = chains[0]!.scenario.accounts[1]!;
    const page = await indexer.reader.invoicesByAccount(merchant, { role: "merchant", chainId: LOCAL_CHAIN_ID_2, limit: 500 });
    expect(page.items.length).to.be.greaterThan(0);
    expect(page.items.every((invoice) => invoice.chainId === LOCAL_CHAIN_ID_2)).to.equal(true);
    const all = await indexer.reader.invoicesByAccount(merchant, { role: "merchant", limit: 500 });
    expect(all.items.length).to.equal(page.items.length + (await indexer.reader.invoicesByAccount(merchant, { role: "merchant", chainId: LOCAL_CHAIN_ID, limit: 500 })).items.length);
  });

  it("rebuilds the index once when the second node restarts on a new chain, and then holds both chains' truth again", async function () {
    const [first, old] = chains as [Chain, Chain];
    await indexer.stop();
    await old.node.stop();
    old.provider.destroy();
    // The second chain's events all fall below its finalized block and before the first chain's (which the first
    // run's events are older than): they come through Ponder's historical sync. finality-handoff.test.ts covers the
    // other layout, events between the chains' finalized blocks.
    await first.node.rpc("evm_setIntervalMining", [0]);
    const eventsBefore = await latestTimestamp(first.node);
    await first.node.mine(200);
    const node = await startHardhatNode({ port: old.node.port, chainId: LOCAL_CHAIN_ID_2 });
    await node.rpc("evm_setNextBlockTimestamp", [eventsBefore + 2]);
    await node.rpc("evm_mine");
    const deployment = await deploySettle(node, old.deployment.deploymentsDir, "localhost2");
    const accounts = await node.rpc<string[]>("eth_accounts");
    const actor = new Actor(node, deployment, accounts);
    await actor.transfer("new second chain");
    await actor.paidInvoice("new second chain");
    await node.mine(31);
    chains[1] = {
      node,
      deployment,
      provider: new JsonRpcProvider(node.url, undefined, { staticNetwork: true }),
      scenario: { accounts: accounts.slice(0, 3), tokens: [] },
    };
    indexer = await startIndexer({
      rpcUrl: first.node.url,
      deploymentsDir: deployment.deploymentsDir,
      indexDir: indexer.indexDir,
      env: { SETTLE_NETWORKS: "localhost,localhost2", RPC_URL_LOCALHOST2: node.url },
    });
    await indexer.waitUntilReady();
    await shareClock([first.node, node], 500);
    await waitUntilBothIndexed();
    for (const chain of chains) await expectIndexMatchesChain(chain.provider, chain.deployment, indexer.location, chain.scenario);
    expect(indexer.log().match(/rebuilding the index from scratch/g), "rebuilds").to.have.length(1);
    expect(indexer.log()).to.match(/rebuilding the index from scratch .*localhost2/);
  });
});
