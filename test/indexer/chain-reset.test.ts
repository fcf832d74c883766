import { expect } from "chai";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { JsonRpcProvider } from "ethers";
import { dumpIndex } from "../helpers/index-dump";
import { startIndexer } from "../helpers/indexer";
import { deploySettle, startHardhatNode } from "../helpers/node";
import { stopAllProcesses, waitFor } from "../helpers/processes";
import { Actor } from "../helpers/actor";
import { expectIndexMatchesChain, indexedTxHashes } from "../helpers/index-truth";
import { describeBackends } from "../helpers/app-db";

// Both cases on both backends: the rebuild drops and remakes the index (a file, or a schema on PostgreSQL).
describeBackends("Indexer: a restarted node (a new chain)", function (backend) {
  this.timeout(backend === "postgres" ? 360_000 : 240_000);

  after(async function () {
    await stopAllProcesses();
  });

  it("keeps serving the old chain's rows while the node is down, then rebuilds once from the new chain by itself", async function () {
    const node = await startHardhatNode();
    const deployment = await deploySettle(node);
    const accounts = await node.rpc<string[]>("eth_accounts");
    const indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir });
    const old = new Actor(node, deployment, accounts);
    const oldOnly = [await old.transfer("old chain 1"), ...(await old.paidInvoice("old chain")), await old.transfer("old chain 2")];
    await indexer.waitUntilIndexed();
    expect((await indexer.reader.historyByTxHash(oldOnly[0]!))).to.have.length.greaterThan(0);

    // The node goes away: nobody can tell yet whether its chain is gone, so the index stays, and the indexer waits.
    await node.stop();
    await waitFor("the indexer to say it waits for the node", () => /waiting for the node to answer/.test(indexer.log()), { timeoutMs: 30_000 });
    expect((await indexer.reader.isReady())).to.equal(true);
    expect((await indexer.reader.historyByTxHash(oldOnly[0]!))).to.have.length.greaterThan(0);
    expect(indexer.log()).not.to.match(/rebuilding the index/);

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
      const dump = await expectIndexMatchesChain(provider, redeployed, indexer.location, { accounts: accounts.slice(0, 3), tokens: [] });
      const indexed = indexedTxHashes(dump);
      for (const hash of oldOnly) expect(indexed.has(hash), `row of the old chain's transaction ${hash}`).to.equal(false);
      expect((await dumpIndex(indexer.location)).History.length).to.be.greaterThan(0);
    } finally {
      provider.destroy();
    }
    expect(indexer.log().match(/rebuilding the index from scratch/g), "rebuilds").to.have.length(1);
    expect(indexer.log()).to.match(/the chain the index was built from is gone/);
  });
  it("stops with both chain ids, keeping the index, when the node now reports another chain id", async function () {
    const node = await startHardhatNode();
    const deployment = await deploySettle(node);
    // In front of the node: answers eth_chainId with 1 (Ethereum) once told to, forwards everything else.
    let lie = false;
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: number; method: string };
      const answer =
        lie && body.method === "eth_chainId"
          ? JSON.stringify({ jsonrpc: "2.0", id: body.id, result: "0x1" })
          : await (await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).text();
      res.writeHead(200, { "content-type": "application/json" }).end(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const indexer = await startIndexer({ rpcUrl: url, deploymentsDir: deployment.deploymentsDir });
      await indexer.waitUntilIndexed(await node.blockNumber());
      lie = true;
      await waitFor("the indexer to stop", () => indexer.process.hasExited(), { timeoutMs: 30_000 });
      expect(indexer.log()).to.match(/reports chain id 1, but .* are for chain id 31337/);
      expect(indexer.log()).not.to.match(/rebuilding the index/);
      expect(await indexer.reader.isReady(), "the index is kept").to.equal(true);
      await indexer.reader.close();
    } finally {
      server.close();
    }
  });
});
