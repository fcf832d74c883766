import { expect } from "chai";
import { execFileSync } from "node:child_process";
import Database from "better-sqlite3";
import { JsonRpcProvider } from "ethers";
import { SYNC_HEALTH_TABLE, type SyncHealth } from "../../core/index-schema";
import { startFaultProxy, type FaultProfile, type FaultProxy } from "../../scripts/stack/rpc-fault-proxy";
import { Actor } from "../helpers/actor";
import { deployEventGenerator, generateSettleEvents } from "../helpers/events";
import { expectIndexMatchesChain } from "../helpers/index-truth";
import { startIndexer, type RunningIndexer } from "../helpers/indexer";
import { deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { stopAllProcesses, waitFor } from "../helpers/processes";

/** An outage of the RPC (during the backfill, during the live tail), and a spell that resets every connection. */
const OUTAGE_MS = 30_000;
const RESETS_MS = 20_000;
/** The index must be current this soon after the RPC is back. */
const RECOVERY_MS = 10_000;

/** The sync health the supervisor recorded for `localhost`, or undefined before the first record. */
function syncHealth(databasePath: string): SyncHealth | undefined {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT value FROM ${SYNC_HEALTH_TABLE} WHERE network = 'localhost'`).get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as SyncHealth) : undefined;
  } catch {
    return undefined;
  } finally {
    db.close();
  }
}

describe("Indexer: a flaky RPC (through the fault proxy)", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let deployment: TestDeployment;
  let provider: JsonRpcProvider;
  let proxy: FaultProxy;
  let indexer: RunningIndexer;
  let actor: Actor;
  let accounts: string[];

  /** Waits until the index has the node's head (asked of the node itself, not through the proxy); returns the time it took. */
  async function timeToCurrent(timeoutMs = 120_000): Promise<number> {
    const started = Date.now();
    await indexer.waitUntilIndexed(await node.blockNumber(), timeoutMs);
    return Date.now() - started;
  }

  /** Runs `during` while the proxy has `profile` for `ms`, then a clean pass-through again. */
  async function withFaults(profile: FaultProfile, ms: number, during: () => Promise<unknown>): Promise<void> {
    proxy.setProfile(profile);
    const ends = new Promise((resolve) => setTimeout(resolve, ms));
    await during();
    await ends;
    proxy.setProfile({});
  }

  before(async function () {
    node = await startHardhatNode();
    deployment = await deploySettle(node);
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    accounts = await node.rpc<string[]>("eth_accounts");
    actor = new Actor(node, deployment, accounts);
    const generator = await deployEventGenerator(node, deployment);
    // A backfill of several thousand events spread over more than 200 blocks (the proxy's eth_getLogs cap).
    await generateSettleEvents(node, deployment, 3_000, { generator, bury: false });
    for (let i = 0; i < 3; i++) {
      await actor.transfer(`spread ${i}`);
      await node.mine(120);
    }
    accounts = [...accounts.slice(0, 3), generator.address];
    proxy = await startFaultProxy(node.url, {}, 18);
  });

  after(async function () {
    await indexer?.stop();
    await proxy?.close();
    provider?.destroy();
    await stopAllProcesses();
  });

  it("rides out an outage during the backfill, with eth_getLogs capped in a wording Ponder does not know", async function () {
    // Ponder asks for fewer than 200 blocks at once on this short chain: a cap of 50 makes it hit the cap.
    proxy.setProfile({ latencyMs: 20, maxLogsBlockRange: 50, logsErrorWording: "generic" });
    indexer = await startIndexer({ rpcUrl: proxy.url, deploymentsDir: deployment.deploymentsDir });
    await waitFor("the backfill to be under way", () => proxy.counts.logsRefused > 0, { timeoutMs: 60_000, intervalMs: 5 });
    expect((await indexer.reader.isReady()), "ready before the outage").to.equal(false);
    proxy.startOutage(OUTAGE_MS);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    const recovery = await timeToCurrent();
    expect(recovery, "ms from the RPC's return to a current index").to.be.below(RECOVERY_MS + 20_000);
    await expectIndexMatchesChain(provider, deployment, indexer.location, { accounts, tokens: [] });
    expect(indexer.log()).to.match(/eth_getLogs range now \d+ blocks/);
  });

  it("rides out an outage during the live tail, serving the index marked degraded, current within 10 s after", async function () {
    proxy.setProfile({ latencyMs: 2 });
    await timeToCurrent();
    await waitFor("the sync health to say ok", () => syncHealth(indexer.databasePath)?.state === "ok", { timeoutMs: 10_000 });
    proxy.startOutage(OUTAGE_MS);
    const outageEnds = Date.now() + OUTAGE_MS;
    for (let i = 0; i < 3; i++) await actor.transfer(`during the outage ${i}`);
    await actor.paidInvoice("during the outage");
    await waitFor("the sync health to say degraded", () => syncHealth(indexer.databasePath)?.state === "degraded", { timeoutMs: 10_000 });
    const health = syncHealth(indexer.databasePath)!;
    expect(health.unreachableSince).to.be.a("number");
    expect(health.lastError).to.be.a("string");
    expect((await indexer.reader.isReady()), "the index is still served during the outage").to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, outageEnds - Date.now()));
    expect(await timeToCurrent()).to.be.below(RECOVERY_MS);
    await waitFor("the sync health to say ok", () => syncHealth(indexer.databasePath)?.state === "ok", { timeoutMs: 5_000 });
    await expectIndexMatchesChain(provider, deployment, indexer.location, { accounts, tokens: [] });
  });

  it("rides out every connection reset, then a 429 storm with Retry-After and 5xx answers", async function () {
    await withFaults({ dropProbability: 1 }, RESETS_MS, async () => {
      for (let i = 0; i < 3; i++) await actor.transfer(`during the resets ${i}`);
    });
    expect(await timeToCurrent()).to.be.below(RECOVERY_MS);
    await withFaults({ rateLimitProbability: 0.6, retryAfterSeconds: 1, serverErrorProbability: 0.1, truncateProbability: 0.05 }, 6_000, async () => {
      for (let i = 0; i < 3; i++) await actor.transfer(`during the storm ${i}`);
      await actor.paidInvoice("during the storm");
    });
    expect(await timeToCurrent()).to.be.below(RECOVERY_MS);
    expect(proxy.counts.rateLimited).to.be.greaterThan(0);
    await expectIndexMatchesChain(provider, deployment, indexer.location, { accounts, tokens: [] });
  });

  it("never rebuilt the index nor let Ponder exit", function () {
    expect(indexer.log()).not.to.match(/rebuilding the index/);
    expect(indexer.log()).not.to.match(/ponder exited|Fatal error/);
    expect(indexer.log()).to.match(/waiting for the node to answer/);
  });

  it("restarts a Ponder that dies on the same index, serving it meanwhile, without a rebuild", async function () {
    const supervisor = indexer.process.child.pid!;
    // The supervisor's children: Ponder, and tsx's esbuild service.
    const ponder = Number(execFileSync("pgrep", ["-P", String(supervisor), "-f", "ponder.js start"], { encoding: "utf8" }).trim());
    process.kill(ponder, "SIGKILL");
    await waitFor("the supervisor to restart Ponder", () => /ponder exited: restarting it on the same index/.test(indexer.log()), { timeoutMs: 10_000 });
    expect((await indexer.reader.isReady()), "the index is served while Ponder restarts").to.equal(true);
    await actor.transfer("after the restart");
    await timeToCurrent(60_000);
    await expectIndexMatchesChain(provider, deployment, indexer.location, { accounts, tokens: [] });
    expect(indexer.log()).not.to.match(/rebuilding the index/);
  });

  it("indexes through the second of several RPC URLs while the first is down", async function () {
    const down = await startFaultProxy(node.url);
    down.startOutage();
    try {
      const second = await startIndexer({ rpcUrl: `${down.url},${proxy.url}`, deploymentsDir: deployment.deploymentsDir });
      await actor.transfer("through the second URL");
      await second.waitUntilIndexed(await node.blockNumber(), 120_000);
      await expectIndexMatchesChain(provider, deployment, second.location, { accounts, tokens: [] });
      expect(second.log()).to.match(new RegExp(`network localhost at ${down.url}, ${proxy.url}`));
      expect(second.log()).not.to.match(/rebuilding the index|ponder exited/);
      await second.stop();
    } finally {
      await down.close();
    }
  });
});
