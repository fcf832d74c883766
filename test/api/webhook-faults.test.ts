import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Interface, Wallet } from "ethers";
import { startFaultProxy, type FaultProfile, type FaultProxy } from "../../scripts/stack/rpc-fault-proxy";
import { signInToApi } from "../../tasks/lib/api";
import { verifySignature } from "../../api/services/webhooks/signature";
import { Actor } from "../helpers/actor";
import { startApiProcess } from "../helpers/api-process";
import { startIndexer, type RunningIndexer } from "../helpers/indexer";
import { deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { stopAllProcesses, waitFor } from "../helpers/processes";
import { hardhatKey } from "../helpers/settle-stack";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver";

/** Paid invoices made in each phase (before, during and after the outage): two events each. */
const INVOICES_PER_PHASE = 4;
/** The outage in the middle of the run. */
const OUTAGE_MS = 15_000;
/** Every fault of a public RPC at once (the outage comes on top). */
const ALL_FAULTS: FaultProfile = {
  latencyMs: 20,
  rateLimitProbability: 0.1,
  retryAfterSeconds: 1,
  serverErrorProbability: 0.05,
  dropProbability: 0.05,
  truncateProbability: 0.03,
  maxLogsBlockRange: 5,
  headLagBlocks: 3,
};

const ESCROW = new Interface(["function invoiceCount() view returns (uint256)"]);

describe("Webhooks: the worker neither loses nor duplicates events while the indexer's RPC misbehaves", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let deployment: TestDeployment;
  let proxy: FaultProxy;
  let indexer: RunningIndexer;
  let receiver: WebhookReceiver;
  let actor: Actor;

  before(async function () {
    node = await startHardhatNode();
    deployment = await deploySettle(node);
    actor = new Actor(node, deployment, await node.rpc<string[]>("eth_accounts"));
    proxy = await startFaultProxy(node.url, {}, 29);
    receiver = await startWebhookReceiver();
    indexer = await startIndexer({ rpcUrl: proxy.url, deploymentsDir: deployment.deploymentsDir });
    await indexer.waitUntilIndexed(await node.blockNumber(), 120_000);
  });

  after(async function () {
    await receiver?.close();
    await indexer?.stop();
    await proxy?.close();
    await stopAllProcesses();
  });

  /** The escrow's latest invoice id, asked of the node itself. */
  async function invoiceCount(): Promise<bigint> {
    const to = deployment.contracts.PaymentEscrow.address;
    return BigInt(await node.rpc<string>("eth_call", [{ to, data: ESCROW.encodeFunctionData("invoiceCount") }, "latest"]));
  }

  /** `count` paid ETH invoices of merchant #1, a block mined between each. */
  async function paidInvoices(count: number, label: string): Promise<void> {
    for (let i = 0; i < count; i++) {
      await actor.paidInvoice(`${label} ${i}`);
      await node.mine(1);
    }
  }

  it("delivers every invoice event exactly once after faults, an outage and a lagging head", async function () {
    const dir = mkdtempSync(join(tmpdir(), "settle-webhook-faults-"));
    const api = await startApiProcess(
      {
        APP_DB_PATH: join(dir, "app.sqlite"),
        INDEX_DB_PATH: indexer.databasePath,
        RPC_URL: node.url,
        SETTLE_DEPLOYMENTS_DIR: deployment.deploymentsDir,
        JWT_SECRET: "webhook-faults-secret-webhook-faults-secret-0123",
        WEBHOOK_POLL_MS: "100",
        WEBHOOK_CONFIRMATIONS: "1",
        WEBHOOK_TIMEOUT_MS: "2000",
        WEBHOOK_RETRY_SCHEDULE: "100ms,200ms,500ms,1s,2s",
      },
      dir,
    );
    const token = await signInToApi(api.url, new Wallet(hardhatKey(1)));
    const registered = await fetch(`${api.url}/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ url: receiver.url, events: ["*"] }),
    });
    expect(registered.status, await registered.clone().text()).to.equal(201);
    const endpoint = (await registered.json()) as { id: string; secret: string };
    const first = (await invoiceCount()) + 1n;

    proxy.setProfile(ALL_FAULTS);
    await paidInvoices(INVOICES_PER_PHASE, "before the outage");
    proxy.startOutage(OUTAGE_MS);
    const outageEnds = Date.now() + OUTAGE_MS;
    await paidInvoices(INVOICES_PER_PHASE, "during the outage");
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageEnds - Date.now())));
    await paidInvoices(INVOICES_PER_PHASE, "after the outage");
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    proxy.setProfile({});
    // The lagging head kept the last blocks back: a few more let every event reach its confirmation.
    await node.mine(ALL_FAULTS.headLagBlocks! + 2);
    await indexer.waitUntilIndexed(await node.blockNumber(), 120_000);

    const last = await invoiceCount();
    const expected: string[] = [];
    for (let id = first; id <= last; id++) expected.push(`invoice.created ${id}`, `invoice.paid ${id}`);
    expect(expected).to.have.length(3 * INVOICES_PER_PHASE * 2);
    const received = () => receiver.received.map((w) => `${w.json.type} ${String(w.json.data.invoiceId)}`);
    await waitFor("every event delivered", () => received().length >= expected.length, { timeoutMs: 60_000, intervalMs: 50 });
    // A few more rounds of the worker: a duplicate would come now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await api.process.stop();

    expect(proxy.counts.rateLimited + proxy.counts.serverErrors + proxy.counts.dropped, "faults injected").to.be.greaterThan(0);
    expect(proxy.counts.logsRefused + proxy.counts.outageResets, "eth_getLogs refused and connections reset").to.be.greaterThan(0);
    expect([...received()].sort()).to.deep.equal([...expected].sort());
    const ids = receiver.received.map((w) => w.json.id);
    expect(new Set(ids).size, "each event delivered once").to.equal(ids.length);
    for (const w of receiver.received)
      expect(verifySignature(w.headers["settle-signature"] as string, w.body, endpoint.secret)).to.equal(true);
    // In chain order, as the worker promises.
    const created = receiver.received.filter((w) => w.json.type === "invoice.created").map((w) => BigInt(String(w.json.data.invoiceId)));
    expect(created).to.deep.equal([...created].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
