import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Interface, Wallet } from "ethers";
import { startFaultProxy, type FaultProfile, type FaultProxy } from "../../scripts/stack/rpc-fault-proxy";
import { signInToApi } from "../../tasks/lib/api";
import { verifySignature } from "../../api/services/webhooks/signature";
import { Actor } from "../helpers/actor";
import { startApiProcess, type ApiProcess } from "../helpers/api-process";
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

describe("Webhooks: the worker neither loses nor duplicates events while the indexer's RPC misbehaves and Ponder restarts", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let deployment: TestDeployment;
  let proxy: FaultProxy;
  let indexer: RunningIndexer;
  let receiver: WebhookReceiver;
  let actor: Actor;
  let api: ApiProcess;
  let endpoint: { id: string; secret: string };

  before(async function () {
    node = await startHardhatNode();
    deployment = await deploySettle(node);
    actor = new Actor(node, deployment, await node.rpc<string[]>("eth_accounts"));
    proxy = await startFaultProxy(node.url, {}, 29);
    receiver = await startWebhookReceiver();
    indexer = await startIndexer({ rpcUrl: proxy.url, deploymentsDir: deployment.deploymentsDir });
    await indexer.waitUntilIndexed(await node.blockNumber(), 120_000);
    const dir = mkdtempSync(join(tmpdir(), "settle-webhook-faults-"));
    api = await startApiProcess(
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
    endpoint = (await registered.json()) as { id: string; secret: string };
  });

  after(async function () {
    await api?.process.stop();
    await receiver?.close();
    await indexer?.stop();
    await proxy?.close();
    await stopAllProcesses();
  });

  /** Kills the indexer's Ponder (the supervisor's child; the other is tsx's esbuild service). */
  async function killPonder(): Promise<void> {
    const supervisor = indexer.process.child.pid!;
    const ponder = Number(execFileSync("pgrep", ["-P", String(supervisor), "-f", "ponder.js start"], { encoding: "utf8" }).trim());
    process.kill(ponder, "SIGKILL");
  }

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

  it("delivers every invoice event exactly once after faults, an outage, a lagging head and a Ponder restart", async function () {
    const first = (await invoiceCount()) + 1n;

    proxy.setProfile(ALL_FAULTS);
    await paidInvoices(INVOICES_PER_PHASE, "before the outage");
    proxy.startOutage(OUTAGE_MS);
    const outageEnds = Date.now() + OUTAGE_MS;
    await paidInvoices(INVOICES_PER_PHASE, "during the outage");
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageEnds - Date.now())));
    await paidInvoices(INVOICES_PER_PHASE, "after the outage");
    // Ponder dies and the supervisor restarts it on the same index: it takes the blocks after its finalized
    // checkpoint out and indexes them again, under the worker's polls.
    await killPonder();
    await waitFor("the supervisor to restart Ponder", () => /ponder exited: restarting it on the same index/.test(indexer.log()), {
      timeoutMs: 30_000,
    });
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
    expect(readFileSync(api.process.logFile, "utf8"), "an event taken for removed").not.to.contain("webhook event removed by a reorg");

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

  it("neither reports removed nor loses events the index takes out and puts back while its head stays", async function () {
    // What Ponder does to the blocks after its finalized checkpoint when it restarts, done by hand on the stopped
    // indexer's index: the latest invoice events leave the index, then come back the same.
    await indexer.stop();
    const delivered = receiver.received.length;
    const index = new Database(indexer.databasePath);
    try {
      const rows = index.prepare(`SELECT * FROM "InvoiceEvent" ORDER BY rowid DESC LIMIT 2`).all() as Record<string, unknown>[];
      expect(rows).to.have.length(2);
      const columns = Object.keys(rows[0]!);
      const ids = rows.map((row) => row.id);
      index.prepare(`DELETE FROM "InvoiceEvent" WHERE id IN (?, ?)`).run(...ids);
      await waitForPolls();
      const insert = index.prepare(
        `INSERT INTO "InvoiceEvent" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
      );
      for (const row of rows) insert.run(row);
      await waitForPolls();
    } finally {
      index.close();
    }
    expect(readFileSync(api.process.logFile, "utf8")).not.to.contain("webhook event removed by a reorg");
    expect(
      receiver.received.slice(delivered).map((w) => w.json.type),
      "nothing sent: no invoice.reorged, no repeat",
    ).to.deep.equal([]);
  });

  it("sends an event again after its invoice.reorged when the index puts it back after its head moved", async function () {
    // The head moving while the events are out (a reorg as the worker sees it), then the same events back.
    const delivered = receiver.received.length;
    const index = new Database(indexer.databasePath);
    let rows: Record<string, unknown>[];
    try {
      rows = index.prepare(`SELECT * FROM "InvoiceEvent" ORDER BY rowid DESC LIMIT 2`).all() as Record<string, unknown>[];
      index.prepare(`DELETE FROM "InvoiceEvent" WHERE id IN (?, ?)`).run(...rows.map((row) => row.id));
      const status = index.prepare(`SELECT value FROM _ponder_meta WHERE key = 'status'`).get() as { value: string };
      const moved = JSON.parse(status.value) as Record<string, { block: { number: number } }>;
      for (const network of Object.values(moved)) network.block.number += 1;
      index.prepare(`UPDATE _ponder_meta SET value = ? WHERE key = 'status'`).run(JSON.stringify(moved));
      await waitFor("two invoice.reorged", () => receiver.received.length >= delivered + 2, { timeoutMs: 10_000, intervalMs: 50 });
      const columns = Object.keys(rows[0]!);
      const insert = index.prepare(
        `INSERT INTO "InvoiceEvent" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
      );
      for (const row of rows) insert.run(row);
      await waitFor("the events again", () => receiver.received.length >= delivered + 4, { timeoutMs: 10_000, intervalMs: 50 });
      await waitForPolls();
    } finally {
      index.close();
    }
    const [notices, again] = [receiver.received.slice(delivered, delivered + 2), receiver.received.slice(delivered + 2)];
    expect(notices.map((w) => w.json.type)).to.deep.equal(["invoice.reorged", "invoice.reorged"]);
    const removed = notices.map((w) => (w.json.data as { reorgedEventId: string }).reorgedEventId);
    expect(again.map((w) => w.json.id).sort(), "each removed event sent again, once").to.deep.equal([...removed].sort());
    for (const w of again) {
      const first = receiver.received.find((x) => x.json.id === w.json.id)!;
      expect(w.body, "the same bytes as the first time").to.equal(first.body);
    }
  });

  /** Lets the worker (polling every 100 ms) run a good number of rounds. */
  async function waitForPolls(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  }
});
