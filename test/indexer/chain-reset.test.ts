import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { IndexNotReadyError } from "../../api/index/errors";
import { dumpIndex } from "../helpers/index-dump";
import { startIndexer } from "../helpers/indexer";
import { deploySettle, startHardhatNode } from "../helpers/node";
import { stopAllProcesses, waitFor } from "../helpers/processes";
import { Actor } from "../helpers/actor";
import { expectIndexMatchesChain, indexedTxHashes } from "../helpers/index-truth";

describe("Indexer: a restarted node (a new chain)", function () {
  this.timeout(240_000);

  after(async function () {
    await stopAllProcesses();
  });

  it("stops serving the old chain's rows at once, then rebuilds from the new chain by itself", async function () {
    const node = await startHardhatNode();
    const deployment = await deploySettle(node);
    const accounts = await node.rpc<string[]>("eth_accounts");
    const indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir });
    const old = new Actor(node, deployment, accounts);
    const oldOnly = [await old.transfer("old chain 1"), ...(await old.paidInvoice("old chain")), await old.transfer("old chain 2")];
    await indexer.waitUntilIndexed();
    expect(indexer.reader.historyByTxHash(oldOnly[0]!)).to.have.length.greaterThan(0);

    // The node goes away with its chain: the index of that chain is withdrawn.
    await node.stop();
    await waitFor("the old chain's index to be withdrawn", () => !indexer.reader.isReady(), { timeoutMs: 30_000 });
    expect(() => indexer.reader.historyByTxHash(oldOnly[0]!)).to.throw(IndexNotReadyError);

    // A new node on the same port, the same deploy (same addresses and deploy blocks, other block hashes).
    const fresh = await startHardhatNode({ port: node.port });
    const redeployed = await deploySettle(fresh, deployment.deploymentsDir);
    expect(redeployed.contracts.PaymentEscrow.address).to.equal(deployment.contracts.PaymentEscrow.address);
    const actor = new Actor(fresh, redeployed, accounts);
    for (let i = 0; i < 3; i++) await actor.transfer(`new chain ${i}`);
    await actor.paidInvoice("new chain");
    await indexer.waitUntilIndexed();

    const provider = new JsonRpcProvider(fresh.url, undefined, { staticNetwork: true });
    try {
      const dump = await expectIndexMatchesChain(provider, redeployed, indexer.databasePath, { accounts: accounts.slice(0, 3), tokens: [] });
      const indexed = indexedTxHashes(dump);
      for (const hash of oldOnly) expect(indexed.has(hash), `row of the old chain's transaction ${hash}`).to.equal(false);
      expect(dumpIndex(indexer.databasePath).History.length).to.be.greaterThan(0);
    } finally {
      provider.destroy();
    }
    expect(indexer.log()).to.match(/the chain the index was built from is gone/);
  });
});
