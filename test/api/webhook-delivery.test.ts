import { readFileSync } from "node:fs";
import { expect } from "chai";
import { JsonRpcProvider, ZeroAddress, parseEther } from "ethers";
import pino from "pino";
import { chainFromProvider } from "../../api/services/chain";
import { WebhookPayloadSchema } from "../../api/services/webhooks/events";
import { WebhookOutbox } from "../../api/jobs/webhooks/outbox";
import { type SenderSettings, WebhookSender } from "../../api/jobs/webhooks/sender";
import { verifySignature } from "../../api/services/webhooks/signature";
import { startApiProcess } from "../helpers/api-process";
import { waitFor, type ManagedProcess } from "../helpers/processes";
import { type SettleStack, startSettleStack } from "../helpers/settle-stack";
import { type WebhookReceiver, startWebhookReceiver } from "../helpers/webhook-receiver";
import { SECRET, type TestApp, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";

const SETTINGS: SenderSettings = { production: false, timeoutMs: 1000, retryScheduleMs: [100, 200, 300] };
const AMOUNT = parseEther("1");

// This file runs its own node and indexer (test/helpers/settle-stack.ts) rather than the shared
// index: it reorgs the chain and moves its clock.
describeBackends("Webhooks against a real node and index", function () {
  this.timeout(300_000);

  let stack: SettleStack;
  let provider: JsonRpcProvider;
  let t: TestApp;
  let merchant: { auth: Record<string, string>; address: string };
  let payer: string;
  let outbox: WebhookOutbox;
  let sender: WebhookSender;
  const receivers: WebhookReceiver[] = [];

  before(async function () {
    stack = await startSettleStack();
    provider = new JsonRpcProvider(stack.node.url, undefined, { staticNetwork: true });
    t = await makeApp({
      deployment: stack.deploymentJson,
      chain: chainFromProvider(provider),
      index: stack.indexer.reader,
      env: { WEBHOOK_CONFIRMATIONS: "1" },
    });
    merchant = await signIn(t, stack.wallets[1]!);
    payer = stack.wallets[2]!.address;
    outbox = new WebhookOutbox(t.db, stack.indexer.reader, pino({ level: "silent" }));
    sender = new WebhookSender(t.db, SETTINGS, pino({ level: "silent" }));
    await stack.indexer.waitUntilIndexed();
  });

  afterEach(async function () {
    await t.db.updateTable("webhook_endpoints").set({ deleted_at: Date.now() }).where("deleted_at", "is", null).execute();
    await t.db.updateTable("webhook_deliveries").set({ status: "cancelled" }).where("status", "in", ["pending", "sending"]).execute();
  });

  after(async function () {
    for (const r of receivers) await r.close();
    provider?.destroy();
    await t?.close();
    await stack?.stop();
  });

  async function receiver(): Promise<WebhookReceiver> {
    const r = await startWebhookReceiver();
    receivers.push(r);
    return r;
  }

  async function register(
    url: string,
    options: { events?: string[]; confirmations?: number } = {},
  ): Promise<{ id: string; secret: string }> {
    const res = await t.app.request(
      "/webhooks",
      jsonRequest("POST", { url, events: options.events ?? ["*"], confirmations: options.confirmations }, merchant.auth),
    );
    expect(res.status, await res.clone().text()).to.equal(201);
    return (await res.json()) as { id: string; secret: string };
  }

  /** Creates an ETH invoice through the API (POST /invoices) and sends its transaction from the merchant. */
  async function createInvoice(): Promise<{ id: bigint; block: number }> {
    const res = await t.app.request(
      "/invoices",
      jsonRequest(
        "POST",
        {
          token: ZeroAddress,
          payer,
          dueDate: new Date(Date.now() + 30 * 86_400_000).toISOString(),
          lineItems: [{ description: "Widget", quantity: 1, unitPrice: AMOUNT.toString() }],
        },
        merchant.auth,
      ),
    );
    expect(res.status, await res.clone().text()).to.equal(201);
    const { transaction } = (await res.json()) as { transaction: { to: string; data: string; value: string } };
    const mined = await stack.send(merchant.address, transaction);
    return { id: await stack.invoiceCount(), block: mined.blockNumber };
  }

  /** Lets the index catch up with the node, then runs one outbox poll and sends what is due. */
  async function settle(): Promise<number> {
    await stack.indexer.waitUntilIndexed();
    const enqueued = await outbox.poll();
    await sender.drain();
    return enqueued;
  }

  async function deliveries(endpointId: string) {
    const res = await t.app.request(`/webhooks/${endpointId}/deliveries`, { headers: merchant.auth });
    expect(res.status).to.equal(200);
    return (
      (await res.json()) as {
        items: Array<{
          id: string;
          eventId: string;
          type: string;
          status: string;
          attempts: number;
          attemptLog: Array<{ statusCode: number | null; error: string | null }>;
        }>;
      }
    ).items;
  }

  it("delivers signed events in chain order, each once it has the endpoint's confirmations", async function () {
    const r = await receiver();
    const endpoint = await register(r.url, { confirmations: 3 });
    const invoice = await createInvoice();
    await stack.indexer.waitUntilIndexed(invoice.block);
    expect(await settle()).to.equal(0);
    await stack.node.mine(1);
    expect(await settle()).to.equal(0);
    expect(r.received).to.have.length(0);
    await stack.node.mine(1);
    expect(await settle()).to.equal(1);
    expect(r.received.map((w) => w.json.type)).to.deep.equal(["invoice.created"]);

    await stack.escrow(payer, "payNative", [invoice.id], AMOUNT / 4n);
    await stack.escrow(payer, "payNative", [invoice.id], AMOUNT - AMOUNT / 4n);
    await stack.escrow(payer, "release", [invoice.id, AMOUNT]);
    await settle();
    expect(r.received.map((w) => w.json.type)).to.deep.equal(["invoice.created", "invoice.partially_paid"]);
    await stack.node.mine(2);
    await settle();

    expect(r.received.map((w) => w.json.type)).to.deep.equal([
      "invoice.created",
      "invoice.partially_paid",
      "invoice.paid",
      "invoice.released",
    ]);
    const blocks = r.received.map((w) => (w.json.data.event as { blockNumber: number }).blockNumber);
    expect([...blocks].sort((a, b) => a - b)).to.deep.equal(blocks);
    for (const w of r.received) {
      expect(verifySignature(w.headers["settle-signature"] as string, w.body, endpoint.secret), w.json.type).to.equal(true);
      expect(verifySignature(w.headers["settle-signature"] as string, w.body, "whsec_wrong")).to.equal(false);
      expect(w.headers["settle-event-id"]).to.equal(w.json.id);
      expect(w.headers["settle-event-type"]).to.equal(w.json.type);
      expect(w.json.id).to.match(/^evt_[0-9a-f]{32}$/);
      expect(w.json.data.invoiceId).to.equal(invoice.id.toString());
      expect(WebhookPayloadSchema.safeParse(w.json).success, w.body).to.equal(true);
    }
    expect(new Set(r.received.map((w) => w.json.id)).size).to.equal(4);
    expect((r.received[2]!.json.data.event as { args: { totalPaid: string } }).args.totalPaid).to.equal(AMOUNT.toString());

    const log = await deliveries(endpoint.id);
    expect(log.map((d) => d.status)).to.deep.equal(["delivered", "delivered", "delivered", "delivered"]);
    expect(log.map((d) => d.eventId).reverse()).to.deep.equal(r.received.map((w) => w.json.id));
    expect(await settle()).to.equal(0);
    expect(r.received).to.have.length(4);
  });

  it("redelivers on request with the same id and body (to a URL by host name)", async function () {
    const r = await receiver();
    const endpoint = await register(r.url.replace("127.0.0.1", "localhost"), { events: ["invoice.created"] });
    await createInvoice();
    await settle();
    expect(r.received).to.have.length(1);
    const [delivery] = await deliveries(endpoint.id);
    const res = await t.app.request(`/webhooks/${endpoint.id}/deliveries/${delivery!.id}/redeliver`, {
      method: "POST",
      headers: merchant.auth,
    });
    expect(res.status).to.equal(202);
    await sender.drain();
    expect(r.received).to.have.length(2);
    expect(r.received[1]!.body).to.equal(r.received[0]!.body);
    expect(r.received[1]!.headers["settle-delivery-attempt"]).to.equal("2");
    expect(verifySignature(r.received[1]!.headers["settle-signature"] as string, r.received[1]!.body, endpoint.secret)).to.equal(true);
  });

  it("retries after 500s on the back-off schedule with the same id and body, and gives up when it is used up", async function () {
    const r = await receiver();
    r.answers.push({ status: 500 }, { status: 503 });
    const endpoint = await register(r.url, { events: ["invoice.created"] });
    await createInvoice();
    await settle();
    const first = await t.db.selectFrom("webhook_deliveries").selectAll().where("endpoint_id", "=", endpoint.id).executeTakeFirstOrThrow();
    const attempt1 = await t.db.selectFrom("webhook_attempts").selectAll().where("delivery_id", "=", first.id).executeTakeFirstOrThrow();
    expect(first.status).to.equal("pending");
    expect(first.next_attempt_at).to.equal(attempt1.started_at + attempt1.duration_ms + SETTINGS.retryScheduleMs[0]!);
    await waitFor("the delivery to succeed", async () => {
      await sender.drain();
      return (await deliveries(endpoint.id))[0]!.status === "delivered";
    });
    expect(r.received.map((w) => w.answered)).to.deep.equal([500, 503, 200]);
    expect(r.received.map((w) => w.headers["settle-delivery-attempt"])).to.deep.equal(["1", "2", "3"]);
    expect(new Set(r.received.map((w) => w.body)).size).to.equal(1);
    const [log] = await deliveries(endpoint.id);
    expect(log!.attemptLog.map((a) => a.statusCode)).to.deep.equal([500, 503, 200]);

    const down = await receiver();
    down.answers.push(...Array.from({ length: 10 }, () => ({ status: 500 })));
    const failing = await register(down.url, { events: ["invoice.created"] });
    await createInvoice();
    await settle();
    await waitFor("the delivery to fail for good", async () => {
      await sender.drain();
      return (await deliveries(failing.id))[0]!.status === "failed";
    });
    expect(down.received).to.have.length(SETTINGS.retryScheduleMs.length + 1);
    const [failed] = await deliveries(failing.id);
    expect(failed!.attempts).to.equal(4);
  });

  it("retries after a timeout", async function () {
    const r = await receiver();
    r.answers.push({ delayMs: 5 * SETTINGS.timeoutMs });
    const endpoint = await register(r.url, { events: ["invoice.created"] });
    await createInvoice();
    await settle();
    await waitFor("the delivery to succeed", async () => {
      await sender.drain();
      return (await deliveries(endpoint.id))[0]!.status === "delivered";
    });
    const [log] = await deliveries(endpoint.id);
    expect(log!.attemptLog[0]!.error).to.match(/timed out/);
    expect(log!.attemptLog[1]!.statusCode).to.equal(200);
    expect(r.received).to.have.length(2);
    expect(r.received[0]!.json.id).to.equal(r.received[1]!.json.id);
  });

  it("does not follow redirects, and stops reading a response at the size cap", async function () {
    const r = await receiver();
    r.answers.push({ status: 302, headers: { Location: `${r.url}/elsewhere` } }, { endlessBody: true });
    const endpoint = await register(r.url, { events: ["invoice.created"] });
    await createInvoice();
    await settle();
    expect(r.received).to.have.length(1);
    const [redirected] = await deliveries(endpoint.id);
    expect(redirected!.status).to.equal("pending");
    expect(redirected!.attemptLog[0]!.statusCode).to.equal(302);
    await waitFor("the delivery to succeed", async () => {
      await sender.drain();
      return (await deliveries(endpoint.id))[0]!.status === "delivered";
    });
    // The second answer is a 200 whose body never ends: only a capped read lets the attempt finish (before the time limit).
    const [log] = await deliveries(endpoint.id);
    expect(log!.attemptLog.map((a) => [a.statusCode, a.error])).to.deep.equal([
      [302, "HTTP 302"],
      [200, null],
    ]);
    expect(r.received.map((w) => w.path)).to.deep.equal(["/hooks", "/hooks"]);
  });

  it("in production mode refuses to deliver to a loopback address, by IP or by name", async function () {
    const r = await receiver();
    const byIp = await register(r.url, { events: ["invoice.created"] });
    const byName = await register(r.url.replace("127.0.0.1", "localhost"), { events: ["invoice.created"] });
    await createInvoice();
    await stack.indexer.waitUntilIndexed();
    await outbox.poll();
    await new WebhookSender(t.db, { ...SETTINGS, production: true }, pino({ level: "silent" })).drain();
    expect(r.received).to.have.length(0);
    for (const endpoint of [byIp, byName]) {
      const [log] = await deliveries(endpoint.id);
      expect(log!.attemptLog[0]!.error).to.match(/^refused: resolves to (127\.0\.0\.1|::1)/);
      expect(log!.status).to.equal("pending");
    }
  });

  it("sends invoice.expired once the indexed chain time passes an unpaid invoice's due date", async function () {
    const r = await receiver();
    const endpoint = await register(r.url, { events: ["invoice.expired"] });
    const res = await t.app.request(
      "/invoices",
      jsonRequest(
        "POST",
        {
          token: ZeroAddress,
          payer,
          dueDate: new Date(t.clock.now + 3_600_000).toISOString(),
          lineItems: [{ description: "Soon due", quantity: 1, unitPrice: "5" }],
        },
        merchant.auth,
      ),
    );
    const { transaction } = (await res.json()) as { transaction: { to: string; data: string; value: string } };
    await stack.send(merchant.address, transaction);
    const id = await stack.invoiceCount();
    await settle();
    expect(r.received).to.have.length(0);
    await stack.node.rpc("evm_increaseTime", [2 * 3600]);
    await stack.node.mine(1);
    await settle();
    await settle();
    expect(r.received.map((w) => [w.json.type, w.json.data.invoiceId])).to.deep.equal([["invoice.expired", id.toString()]]);
    expect((r.received[0]!.json.data.invoice as { status: string }).status).to.equal("expired");
    expect(verifySignature(r.received[0]!.headers["settle-signature"] as string, r.received[0]!.body, endpoint.secret)).to.equal(true);
  });

  describe("when the API process stops in the middle of the outbox", function () {
    let api: ManagedProcess | undefined;
    async function startApi(): Promise<ManagedProcess> {
      const started = await startApiProcess(
        {
          APP_DB_PATH: t.deps.config.appDbPath,
          ...(t.deps.config.appDatabaseUrl ? { APP_DATABASE_URL: t.deps.config.appDatabaseUrl } : {}),
          INDEX_DB_PATH: stack.indexer.databasePath,
          RPC_URL: stack.node.url,
          SETTLE_DEPLOYMENTS_DIR: stack.deployment.deploymentsDir,
          JWT_SECRET: SECRET,
          WEBHOOK_POLL_MS: "50",
          WEBHOOK_TIMEOUT_MS: String(SETTINGS.timeoutMs),
          WEBHOOK_RETRY_SCHEDULE: "100ms,200ms",
        },
        t.dir,
      );
      return started.process;
    }
    afterEach(async function () {
      await api?.stop();
    });

    it("loses nothing and keeps ids and order across a crash and a restart, then stops cleanly", async function () {
      const r = await receiver();
      r.answers.push(...Array.from({ length: 12 }, () => ({ delayMs: 300 })));
      const endpoint = await register(r.url, { events: ["*"] });
      for (let i = 0; i < 2; i++) {
        const invoice = await createInvoice();
        await stack.escrow(payer, "payNative", [invoice.id], AMOUNT);
        await stack.escrow(payer, "release", [invoice.id, AMOUNT]);
      }
      await stack.indexer.waitUntilIndexed();
      api = await startApi();
      await waitFor("two deliveries", () => r.received.length >= 2, { timeoutMs: 60_000, intervalMs: 20 });
      await api.stop("SIGKILL");
      const before = r.received.length;
      expect(before).to.be.below(6);

      api = await startApi();
      await waitFor(
        "every delivery",
        async () =>
          (await t.db.selectFrom("webhook_deliveries").select("status").where("endpoint_id", "=", endpoint.id).execute()).every(
            (d) => d.status === "delivered",
          ) && r.received.length >= 6,
        { timeoutMs: 120_000 },
      );
      await api.stop("SIGTERM");
      expect(await api.exited, "a clean stop exits 0").to.equal("0");
      expect(readFileSync(api.logFile, "utf8")).to.contain("webhook worker stopped");
      const events = await t.db
        .selectFrom("webhook_events")
        .select(["id", "type"])
        .where("merchant", "=", merchant.address.toLowerCase())
        .where(
          "block_number",
          ">",
          (await t.db.selectFrom("webhook_endpoints").select("from_block").where("id", "=", endpoint.id).executeTakeFirstOrThrow())
            .from_block,
        )
        .orderBy("block_number")
        .orderBy("log_index")
        .execute();
      expect(events.map((e) => e.type)).to.deep.equal([
        "invoice.created",
        "invoice.paid",
        "invoice.released",
        "invoice.created",
        "invoice.paid",
        "invoice.released",
      ]);
      const firstSeen = [...new Set(r.received.map((w) => w.json.id))];
      expect(firstSeen).to.deep.equal(events.map((e) => e.id));
      expect(r.received.length - firstSeen.length, "duplicates beyond the one in flight").to.be.at.most(1);
      for (const id of firstSeen) expect(new Set(r.received.filter((w) => w.json.id === id).map((w) => w.body)).size).to.equal(1);
      for (const w of r.received) expect(verifySignature(w.headers["settle-signature"] as string, w.body, endpoint.secret)).to.equal(true);
    });
  });

  it("sends invoice.reorged when a reorg removes events it delivered, nothing for ones it had not, then the new branch's events", async function () {
    const r = await receiver();
    const quick = await register(r.url, { confirmations: 1 });
    const slowReceiver = await receiver();
    await register(slowReceiver.url, { confirmations: 20 });
    const snapshot = await stack.node.rpc<string>("evm_snapshot");
    const start = await stack.node.blockNumber();
    const invoice = await createInvoice();
    await stack.escrow(payer, "payNative", [invoice.id], AMOUNT);
    await settle();
    expect(r.received.map((w) => w.json.type)).to.deep.equal(["invoice.created", "invoice.paid"]);
    const delivered = r.received.map((w) => w.json.id);
    const dropped = (await stack.node.blockNumber()) - start;

    expect(await stack.node.rpc<boolean>("evm_revert", [snapshot])).to.equal(true);
    // The new branch has an invoice too, at the same heights as the dropped one.
    const replacement = await createInvoice();
    await stack.escrow(payer, "payNative", [replacement.id], AMOUNT);
    expect(replacement.block).to.equal(invoice.block);
    await stack.node.mine(3);
    await settle();

    const notices = r.received.slice(2, 4);
    expect(notices.map((w) => w.json.type)).to.deep.equal(["invoice.reorged", "invoice.reorged"]);
    expect(new Set(notices.map((w) => (w.json.data as { reorgedEventId: string }).reorgedEventId))).to.deep.equal(new Set(delivered));
    for (const w of notices) {
      expect(verifySignature(w.headers["settle-signature"] as string, w.body, quick.secret)).to.equal(true);
      expect(WebhookPayloadSchema.safeParse(w.json).success, w.body).to.equal(true);
    }
    const fresh = r.received.slice(4);
    expect(fresh.map((w) => w.json.type)).to.deep.equal(["invoice.created", "invoice.paid"]);
    for (const w of fresh) expect(delivered).to.not.include(w.json.id);
    expect(dropped).to.equal(2);
    const removed = await t.db
      .selectFrom("webhook_events")
      .select("id")
      .where("id", "in", delivered)
      .where("removed_at", "is not", null)
      .execute();
    expect(removed).to.have.length(2);
    await stack.node.mine(25);
    await settle();
    expect(r.received).to.have.length(6);
    expect(slowReceiver.received.map((w) => w.json.id)).to.deep.equal(fresh.map((w) => w.json.id));
  });
});
