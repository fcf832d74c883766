import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { deployEventGenerator, generateSettleEvents, type EventGenerator } from "../helpers/events";
import { startIndexer } from "../helpers/indexer";
import { deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { stopAllProcesses, waitFor } from "../helpers/processes";
import { expectIndexMatchesChain } from "../helpers/index-truth";
import { describeBackends } from "../helpers/app-db";

describeBackends("Indexer: restarts", function (backend) {
  // A backfill into PostgreSQL is slower on this 2-core machine (bench/README.md).
  this.timeout(backend === "postgres" ? 600_000 : 240_000);

  let node: HardhatNode;
  let deployment: TestDeployment;
  let provider: JsonRpcProvider;
  let generator: EventGenerator;
  let accounts: string[];

  before(async function () {
    node = await startHardhatNode();
    deployment = await deploySettle(node);
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    generator = await deployEventGenerator(node, deployment);
    // Enough events for a backfill that lasts long enough to be interrupted.
    await generateSettleEvents(node, deployment, 2_500, { generator });
    accounts = [(await provider.getSigner(0)).address, generator.address];
  });

  after(async function () {
    provider?.destroy();
    await stopAllProcesses();
  });

  it("resumes a backfill interrupted twice (SIGTERM, then SIGKILL): nothing missing, nothing duplicated", async function () {
    let indexDir: string | undefined;
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      const indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir, indexDir });
      indexDir = indexer.indexDir;
      await waitFor("the backfill to be under way", async () => (await indexer.completedEvents()) > 0, { intervalMs: 5 });
      expect((await indexer.reader.isReady()), "ready before the backfill was interrupted").to.equal(false);
      await indexer.process.stop(signal);
      await indexer.reader.close();
    }
    const indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir, indexDir });
    await indexer.waitUntilIndexed();
    await expectIndexMatchesChain(provider, deployment, indexer.location, { accounts, tokens: [] });
    // The SIGKILL left Ponder's lock behind: the launcher released it rather than wait for it to expire.
    expect(indexer.log()).to.match(/released the lock left by a Ponder process/);
    await indexer.stop();
  });

  it("catches up after being stopped while following the chain", async function () {
    const indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir });
    await indexer.waitUntilIndexed();
    // Realtime blocks (some of them still unfinalized when it stops).
    await generator.stakeCycles(10);
    await node.mine(3);
    await generator.transfers(1);
    await indexer.waitUntilIndexed();
    await indexer.stop();

    // While it is down: more events, some soon buried below the finality depth, some not.
    await generator.transfers(2);
    await node.mine(35);
    await generator.stakeCycles(10);
    await node.mine(2);
    const restarted = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir, indexDir: indexer.indexDir });
    await restarted.waitUntilIndexed();
    await expectIndexMatchesChain(provider, deployment, restarted.location, { accounts, tokens: [] });
    expect(restarted.log()).to.match(/Detected cache hit/, "the restart resumed the existing index");
    await restarted.stop();
  });
});
