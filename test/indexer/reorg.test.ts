import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { dumpIndex } from "../helpers/index-dump";
import { startIndexer, type RunningIndexer } from "../helpers/indexer";
import { deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { stopAllProcesses } from "../helpers/processes";
import { Actor } from "../helpers/actor";
import { expectIndexMatchesChain, indexedTxHashes } from "../helpers/index-truth";
import { describeBackends } from "../helpers/app-db";

describeBackends("Indexer: reorgs", function () {
  this.timeout(240_000);

  let node: HardhatNode;
  let deployment: TestDeployment;
  let provider: JsonRpcProvider;
  let indexer: RunningIndexer;
  let actor: Actor;
  let accounts: string[];

  before(async function () {
    node = await startHardhatNode();
    deployment = await deploySettle(node);
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    accounts = await node.rpc<string[]>("eth_accounts");
    actor = new Actor(node, deployment, accounts);
    indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir });
    await actor.transfer("before");
    await actor.paidInvoice("before");
    await indexer.waitUntilIndexed();
  });

  after(async function () {
    provider?.destroy();
    await stopAllProcesses();
  });

  /** Runs `branch` on top of a snapshot, waits until the index has it, and reverts to the snapshot. */
  async function droppedBranch(branch: () => Promise<string[]>): Promise<string[]> {
    const snapshot = await node.rpc<string>("evm_snapshot");
    const hashes = await branch();
    await indexer.waitUntilIndexed();
    const indexed = indexedTxHashes((await dumpIndex(indexer.location)));
    for (const hash of hashes) expect(indexed.has(hash), `dropped-to-be transaction ${hash} was indexed`).to.equal(true);
    expect(await node.rpc<boolean>("evm_revert", [snapshot])).to.equal(true);
    return hashes;
  }

  it("follows a reorg: the dropped blocks' rows go, the new branch's rows come", async function () {
    const dropped = await droppedBranch(async () => [
      await actor.transfer("dropped 1"),
      ...(await actor.paidInvoice("dropped")),
      await actor.transfer("dropped 2"),
    ]);
    // A different, longer branch.
    for (let i = 0; i < 3; i++) await actor.transfer(`kept ${i}`);
    await actor.paidInvoice("kept");
    await node.mine(1);
    await indexer.waitUntilIndexed();
    const dump = await expectIndexMatchesChain(provider, deployment, indexer.location, { accounts: accounts.slice(0, 3), tokens: [] });
    const indexed = indexedTxHashes(dump);
    for (const hash of dropped) expect(indexed.has(hash), `row of dropped transaction ${hash}`).to.equal(false);
    expect(indexer.log()).to.match(/Reconciled \d+-block reorg/);
  });

  it("rebuilds from scratch after a reorg below Ponder's finalized block", async function () {
    // Ponder finalizes blocks 30 deep, in steps of 30: 65 blocks on top make it finalize some of them.
    const dropped = await droppedBranch(async () => {
      const hashes = [await actor.transfer("deep 1"), ...(await actor.paidInvoice("deep"))];
      await node.mine(65);
      return hashes;
    });
    await actor.transfer("deep kept");
    await node.mine(70);
    await indexer.waitUntilIndexed();
    const dump = await expectIndexMatchesChain(provider, deployment, indexer.location, { accounts: accounts.slice(0, 3), tokens: [] });
    const indexed = indexedTxHashes(dump);
    for (const hash of dropped) expect(indexed.has(hash), `row of dropped transaction ${hash}`).to.equal(false);
    expect(indexer.log()).to.match(/rebuilding the index from scratch/);
  });
});
