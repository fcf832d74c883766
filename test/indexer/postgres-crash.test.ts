import { JsonRpcProvider } from "ethers";
import { testPostgres } from "../helpers/app-db";
import { deployEventGenerator, generateSettleEvents, type EventGenerator } from "../helpers/events";
import { expectIndexMatchesChain } from "../helpers/index-truth";
import { startIndexer } from "../helpers/indexer";
import { deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { stopAllProcesses, waitFor } from "../helpers/processes";

describe("Indexer: PostgreSQL killed (-9) and restarted", function () {
  this.timeout(600_000);

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
    await generateSettleEvents(node, deployment, 1_500, { generator });
    accounts = [(await provider.getSigner(0)).address, generator.address];
  });

  after(async function () {
    provider?.destroy();
    await stopAllProcesses();
  });

  it("during a backfill, then during live indexing: the index converges to the chain's truth", async function () {
    const cluster = await testPostgres();
    const indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir, backend: "postgres" });
    try {
      await waitFor("the backfill to be under way", async () => (await indexer.completedEvents()) > 0, { intervalMs: 5 });
      await cluster.kill();
      await cluster.start();
      await indexer.waitUntilIndexed(undefined, 300_000);
      await expectIndexMatchesChain(provider, deployment, indexer.location, { accounts, tokens: [] });

      // Live: events while the database is down, and after it is back.
      await generator.stakeCycles(5);
      await cluster.kill();
      await generator.transfers(2);
      await node.mine(3);
      await cluster.start();
      await generator.stakeCycles(5);
      await indexer.waitUntilIndexed(undefined, 300_000);
      await expectIndexMatchesChain(provider, deployment, indexer.location, { accounts, tokens: [] });
    } finally {
      await indexer.stop();
    }
  });
});
