import { expect } from "chai";
import { Wallet } from "ethers";
import pino from "pino";
import { type AppDb, openAppDatabase, migrateToLatest } from "../../api/db";
import { type OutboxIndex, WebhookOutbox } from "../../api/jobs/webhooks/outbox";
import { WebhookSender } from "../../api/jobs/webhooks/sender";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { freshPostgresDatabase, testPostgres } from "../helpers/app-db";
import { useRealIndex } from "../helpers/real-index";
import { startWebhookReceiver } from "../helpers/webhook-receiver";

/** Several API replicas on one PostgreSQL database: what one does, the others see at once, and work is shared once. */

describe("two API replicas on one PostgreSQL database", function () {
  useRealIndex();
  let a: TestApp;
  let b: TestApp;
  before(async function () {
    a = await makeApp({ backend: "postgres" });
    b = await makeApp({ backend: "postgres", env: { APP_DATABASE_URL: a.deps.config.appDatabaseUrl! } });
  });
  after(async function () {
    await b.close();
    await a.close();
  });

  it("refuses on one replica at once a session signed out on the other", async function () {
    const { auth } = await signIn(a, Wallet.createRandom());
    expect((await a.app.request("/auth/me", { headers: auth })).status).to.equal(200);
    expect((await b.app.request("/auth/me", { headers: auth })).status).to.equal(200);
    expect((await b.app.request("/auth/logout", { method: "POST", headers: auth })).status).to.equal(204);
    const res = await a.app.request("/auth/me", { headers: auth });
    expect(res.status).to.equal(401);
    expect(await errorCode(res)).to.equal("session_revoked");
  });

  it("replays on one replica an Idempotency-Key first used on the other", async function () {
    const { auth } = await signIn(a, Wallet.createRandom());
    const body = { name: "Shop", scopes: ["invoices:read"] };
    const first = await a.app.request("/api-clients", jsonRequest("POST", body, { ...auth, "Idempotency-Key": "replicas-1" }));
    expect(first.status).to.equal(201);
    const replay = await b.app.request("/api-clients", jsonRequest("POST", body, { ...auth, "Idempotency-Key": "replicas-1" }));
    expect(replay.status).to.equal(201);
    expect(replay.headers.get("idempotent-replayed")).to.equal("true");
    const firstClient = (await first.json()) as { clientId: string };
    expect(((await replay.json()) as { clientId: string }).clientId).to.equal(firstClient.clientId);
  });

  it("lets one of two concurrent requests with one Idempotency-Key through, on two replicas", async function () {
    const { auth } = await signIn(a, Wallet.createRandom());
    const body = { name: "Race", scopes: ["invoices:read"] };
    const answers = await Promise.all(
      [a, b].map((replica) => replica.app.request("/api-clients", jsonRequest("POST", body, { ...auth, "Idempotency-Key": "race-1" }))),
    );
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).to.satisfy((list: number[]) => list.includes(201) && list.every((s) => s === 201 || s === 409), String(statuses));
    const created = await a.db.selectFrom("api_clients").select("id").where("name", "=", "Race").execute();
    expect(created).to.have.length(1);
  });
});

describe("webhook deliveries from two replicas on one PostgreSQL", function () {
  let target: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let replicas: AppDb[];
  before(async function () {
    target = await freshPostgresDatabase();
    replicas = await Promise.all([0, 1].map(() => openAppDatabase({ appDbPath: "", appDatabaseUrl: target.url })));
  });
  after(async function () {
    await Promise.all(replicas.map((db) => db.destroy()));
    await target.drop();
  });

  it("enqueues and delivers each of 200 events once per endpoint, in order, when two replicas poll and send together", async function () {
    this.timeout(120_000);
    await migrateToLatest(replicas[0]!);
    const receiver = await startWebhookReceiver();
    const owner = "0x00000000000000000000000000000000000000aa";
    const db = replicas[0]!;
    await db
      .insertInto("users")
      .values({
        address: owner,
        display_name: null,
        email: null,
        company: null,
        billing_address: null,
        tax_id: null,
        created_at: 1,
        updated_at: 1,
        last_sign_in_at: null,
      })
      .execute();
    const endpoints = ["ep_a", "ep_b"];
    for (const id of endpoints) {
      await db
        .insertInto("webhook_endpoints")
        .values({
          id,
          owner,
          url: `http://127.0.0.1:${receiver.port}/${id}`,
          events: '["*"]',
          secret: "whsec_test",
          confirmations: 1,
          from_block: 0,
          enqueued_through: 0,
          created_at: 1,
          deleted_at: null,
        })
        .execute();
    }
    // 200 invoice events as the outbox's scan records them, far below the re-scanned window of the index's head.
    await db
      .insertInto("webhook_events")
      .values(
        Array.from({ length: 200 }, (_, i) => ({
          id: `evt_${i}`,
          source_id: `log-${i}`,
          type: "invoice.created",
          merchant: owner,
          invoice_id: String(i + 1),
          block_number: i + 1,
          log_index: 0,
          data: JSON.stringify({ invoiceId: String(i + 1), createdAt: "2030-01-01T00:00:00.000Z" }),
          observed_at: 1,
          removed_at: null,
        })),
      )
      .execute();
    await db.insertInto("webhook_cursor").values({ name: "invoice-events", block_number: 1000 }).execute();
    const index: OutboxIndex = {
      status: () => ({ ready: true, network: "localhost", block: { number: 1000n, timestamp: 0n }, chains: [] }),
      invoiceEventsInBlocks: () => [],
      invoice: () => undefined,
      invoicesByAccount: () => ({ items: [], nextCursor: null }),
    } as unknown as OutboxIndex;

    const logger = pino({ level: "silent" });
    const settings = { production: false, timeoutMs: 5000, retryScheduleMs: [60_000] };
    const outboxes = [replicas[0]!, replicas[1]!].map((replica) => new WebhookOutbox(replica, index, logger));
    const senders = [replicas[0]!, replicas[1]!].map((replica) => new WebhookSender(replica, settings, logger));
    const enqueued = await Promise.all(outboxes.map((outbox) => outbox.poll()));
    expect(enqueued.reduce((a, b) => a + b)).to.equal(400);
    const deadline = Date.now() + 90_000;
    while (receiver.received.length < 400 && Date.now() < deadline) {
      await Promise.all([...senders.map((sender) => sender.drain()), ...outboxes.map((outbox) => outbox.poll())]);
    }
    await receiver.close();

    const byEndpoint = new Map<string, string[]>();
    for (const hook of receiver.received) byEndpoint.set(hook.path, [...(byEndpoint.get(hook.path) ?? []), hook.json.id]);
    const inOrder = Array.from({ length: 200 }, (_, i) => `evt_${i}`);
    expect(byEndpoint.get("/ep_a")).to.deep.equal(inOrder);
    expect(byEndpoint.get("/ep_b")).to.deep.equal(inOrder);
    const delivered = await db
      .selectFrom("webhook_deliveries")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("status", "=", "delivered")
      .executeTakeFirstOrThrow();
    expect(Number(delivered.n)).to.equal(400);
  });
});

describe("API on PostgreSQL while the database is down", function () {
  useRealIndex();
  let t: TestApp;
  before(async function () {
    t = await makeApp({ backend: "postgres" });
  });
  after(async () => t.close());

  it("answers 503 database_unavailable while PostgreSQL is killed, then serves again once it is back", async function () {
    const cluster = await testPostgres();
    expect((await t.app.request("/auth/nonce")).status).to.equal(200);
    await cluster.kill();
    try {
      for (const path of ["/auth/nonce", "/users/0x00000000000000000000000000000000000000aa"]) {
        const res = await t.app.request(path);
        expect(res.status, path).to.equal(503);
        expect(res.headers.get("retry-after")).to.equal("5");
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).to.equal("database_unavailable");
        expect(body.error.message).to.equal("The app database is not answering right now; retry shortly");
      }
    } finally {
      await cluster.start();
    }
    expect((await t.app.request("/auth/nonce")).status).to.equal(200);
  });
});
