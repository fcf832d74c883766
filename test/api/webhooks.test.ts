import { expect } from "chai";
import { Wallet } from "ethers";
import { ConfigError, loadConfig } from "../../api/env";
import { guardedLookup, isPublicAddress } from "../../api/services/webhooks/ssrf";
import { signatureHeader, verifySignature } from "../../api/services/webhooks/signature";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  confirmations: number;
  secret?: string;
}

describeBackends("Webhook endpoints: routes, URL policy and signatures", function () {
  let t: TestApp;
  let merchant: { auth: Record<string, string>; address: string };

  beforeEach(async function () {
    t = await makeApp();
    merchant = await signIn(t, Wallet.createRandom());
  });
  afterEach(async function () {
    await t.close();
  });

  const register = (body: object, headers: Record<string, string> = merchant.auth) =>
    t.app.request("/webhooks", jsonRequest("POST", body, headers));

  it("registers an endpoint with a generated secret shown once, default confirmations, and lists it without the secret", async function () {
    const res = await register({ url: "http://127.0.0.1:9/hooks", events: ["invoice.paid", "invoice.released"] });
    expect(res.status).to.equal(201);
    const created = (await res.json()) as Endpoint;
    expect(created.id).to.match(/^wh_[0-9a-f]{32}$/);
    expect(created.secret).to.match(/^whsec_[\w-]{43}$/);
    expect(created.confirmations).to.equal(2);
    const list = (await (await t.app.request("/webhooks", { headers: merchant.auth })).json()) as { items: Endpoint[] };
    expect(list.items.map((e) => e.id)).to.deep.equal([created.id]);
    expect(JSON.stringify(list)).to.not.contain("whsec_");
  });

  it("keeps a given secret and confirmations", async function () {
    const secret = "my-own-secret-of-24-chars-or-more";
    const res = await register({ url: "https://shop.example/hooks", events: ["*"], secret, confirmations: 5 });
    const created = (await res.json()) as Endpoint;
    expect(created.secret).to.equal(secret);
    expect(created.confirmations).to.equal(5);
  });

  it("refuses non-http(s) URLs, URLs with credentials, unknown events and short secrets", async function () {
    for (const [body, code] of [
      [{ url: "ftp://shop.example/hooks", events: ["*"] }, "webhook_url_not_allowed"],
      [{ url: "file:///etc/passwd", events: ["*"] }, "webhook_url_not_allowed"],
      [{ url: "http://user:pw@shop.example/", events: ["*"] }, "webhook_url_not_allowed"],
      [{ url: "not a url", events: ["*"] }, "webhook_url_not_allowed"],
      [{ url: "https://shop.example/", events: ["invoice.exploded"] }, "validation_failed"],
      [{ url: "https://shop.example/", events: [] }, "validation_failed"],
      [{ url: "https://shop.example/", events: ["*"], secret: "short" }, "validation_failed"],
      [{ url: "https://shop.example/", events: ["*"], confirmations: 0 }, "validation_failed"],
    ] as const) {
      const res = await register(body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(await errorCode(res)).to.equal(code);
    }
  });

  it("in production refuses loopback, private and link-local addresses, resolved names included", async function () {
    const prod = await makeApp({ env: { SETTLE_ENV: "production" } });
    try {
      const { auth } = await signIn(prod, Wallet.createRandom());
      for (const url of [
        "http://127.0.0.1:8080/",
        "http://localhost:8080/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
      ]) {
        const res = await prod.app.request("/webhooks", jsonRequest("POST", { url, events: ["*"] }, auth));
        expect(res.status, url).to.equal(400);
        expect(await errorCode(res)).to.equal("webhook_url_not_allowed");
      }
      const publicIp = await prod.app.request(
        "/webhooks",
        jsonRequest("POST", { url: "https://93.184.215.14/hooks", events: ["*"] }, auth),
      );
      expect(publicIp.status).to.equal(201);
    } finally {
      await prod.close();
    }
  });

  it("tells public from non-public addresses", function () {
    for (const ip of ["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "::ffff:808:808"]) expect(isPublicAddress(ip), ip).to.equal(true);
    for (const ip of [
      "127.0.0.1",
      "10.0.0.1",
      "100.64.0.1",
      "172.31.255.255",
      "192.168.0.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:10.0.0.1",
      "224.0.0.1",
      "not-an-ip",
    ]) {
      expect(isPublicAddress(ip), ip).to.equal(false);
    }
  });

  it("refuses at connection time, in production, a name that resolves to loopback (what DNS rebinding would try)", async function () {
    const lookup = (production: boolean) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown }>((resolve) =>
        guardedLookup({ production })("localhost", { all: true }, (err, address) => resolve({ err, address })),
      );
    const prod = await lookup(true);
    expect(prod.err?.code).to.equal("ESSRF");
    const dev = await lookup(false);
    expect(dev.err).to.equal(null);
    expect((dev.address as Array<{ address: string }>).map((a) => a.address)).to.include.oneOf(["127.0.0.1", "::1"]);
  });

  it("replays an Idempotency-Key and refuses it with another body", async function () {
    const headers = { ...merchant.auth, "Idempotency-Key": "wh-1" };
    const first = (await (await register({ url: "https://shop.example/a", events: ["*"] }, headers)).json()) as Endpoint;
    const replay = await register({ url: "https://shop.example/a", events: ["*"] }, headers);
    expect(replay.headers.get("Idempotent-Replayed")).to.equal("true");
    expect(((await replay.json()) as Endpoint).id).to.equal(first.id);
    const reused = await register({ url: "https://shop.example/b", events: ["*"] }, headers);
    expect(reused.status).to.equal(409);
    expect(await t.db.selectFrom("webhook_endpoints").select("id").execute()).to.have.length(1);
  });

  it("deletes an endpoint, cancelling its pending deliveries; others' endpoints are 404", async function () {
    const created = (await (await register({ url: "https://shop.example/a", events: ["*"] })).json()) as Endpoint;
    await t.db
      .insertInto("webhook_deliveries")
      .values({
        id: "whd_" + "0".repeat(32),
        seq: 1,
        endpoint_id: created.id,
        event_id: "evt_x",
        type: "invoice.paid",
        body: "{}",
        status: "pending",
        attempts: 0,
        next_attempt_at: 0,
        locked_until: null,
        last_status_code: null,
        last_error: null,
        created_at: 0,
        delivered_at: null,
      })
      .execute();
    const stranger = await signIn(t, Wallet.createRandom());
    expect((await t.app.request(`/webhooks/${created.id}`, { method: "DELETE", headers: stranger.auth })).status).to.equal(404);
    expect((await t.app.request(`/webhooks/${created.id}/deliveries`, { headers: stranger.auth })).status).to.equal(404);
    expect((await t.app.request(`/webhooks/${created.id}`, { method: "DELETE", headers: merchant.auth })).status).to.equal(204);
    const delivery = await t.db.selectFrom("webhook_deliveries").select("status").executeTakeFirstOrThrow();
    expect(delivery.status).to.equal("cancelled");
    expect(((await (await t.app.request("/webhooks", { headers: merchant.auth })).json()) as { items: unknown[] }).items).to.deep.equal([]);
  });

  it("answers 404 for an unknown delivery and 400 for malformed ids", async function () {
    const created = (await (await register({ url: "https://shop.example/a", events: ["*"] })).json()) as Endpoint;
    const unknown = await t.app.request(`/webhooks/${created.id}/deliveries/whd_${"1".repeat(32)}/redeliver`, {
      method: "POST",
      headers: merchant.auth,
    });
    expect(unknown.status).to.equal(404);
    expect(await errorCode(unknown)).to.equal("delivery_not_found");
    expect((await t.app.request(`/webhooks/nope/deliveries`, { headers: merchant.auth })).status).to.equal(400);
  });

  it("needs the webhooks:manage scope with a client token", async function () {
    const clientRes = await t.app.request("/api-clients", jsonRequest("POST", { name: "x", scopes: ["invoices:read"] }, merchant.auth));
    const client = (await clientRes.json()) as { clientId: string; clientSecret: string };
    const tokenRes = await t.app.request("/oauth/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "client_credentials", client_id: client.clientId, client_secret: client.clientSecret }),
    });
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const res = await t.app.request("/webhooks", { headers: { Authorization: `Bearer ${access_token}` } });
    expect(res.status).to.equal(403);
    expect(((await res.json()) as { error: { details: { requiredScope: string } } }).error.details.requiredScope).to.equal(
      "webhooks:manage",
    );
  });

  it("documents the routes in /openapi.json", async function () {
    const doc = (await (await t.app.request("/openapi.json")).json()) as {
      paths: Record<string, unknown>;
      webhooks: Record<string, unknown>;
    };
    expect(doc.webhooks).to.have.property("/webhooks/event");
    for (const path of [
      "/api-clients",
      "/api-clients/{id}",
      "/oauth/token",
      "/webhooks",
      "/webhooks/{id}",
      "/webhooks/{id}/deliveries",
      "/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    ]) {
      expect(doc.paths, path).to.have.property(path);
    }
  });

  it("reads the merchant settings from the environment, one line per bad value", function () {
    const config = loadConfig({ WEBHOOK_RETRY_SCHEDULE: "250ms,2s,1m,1h", SETTLE_ENV: "production", OAUTH_TOKEN_TTL_SECONDS: "120" });
    expect(config.webhookRetryScheduleMs).to.deep.equal([250, 2000, 60_000, 3_600_000]);
    expect(config.production).to.equal(true);
    expect(config.oauthTokenTtlSeconds).to.equal(120);
    expect(loadConfig({}).webhookRetryScheduleMs).to.deep.equal([
      30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000,
    ]);
    let problems: string[] = [];
    try {
      loadConfig({ WEBHOOK_RETRY_SCHEDULE: "30s,soon", SETTLE_ENV: "prod", WEBHOOK_TIMEOUT_MS: "5", WEBHOOK_CONFIRMATIONS: "0" });
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems).to.have.length(4);
    expect(problems.join("\n"))
      .to.match(/WEBHOOK_RETRY_SCHEDULE must be/)
      .and.match(/SETTLE_ENV must be development or production/);
    for (const line of problems) expect(line).to.not.contain("\n");
  });

  describe("signatures", function () {
    const secret = "whsec_test";
    const body = '{"id":"evt_1","type":"invoice.paid"}';
    it("verifies its own header and refuses a changed body, another secret, an old timestamp or garbage", function () {
      const now = 1_800_000_000;
      const header = signatureHeader(secret, now, body);
      expect(header).to.match(/^t=1800000000,v1=[0-9a-f]{64}$/);
      expect(verifySignature(header, body, secret, now)).to.equal(true);
      expect(verifySignature(header, body + " ", secret, now)).to.equal(false);
      expect(verifySignature(header, body, "whsec_other", now)).to.equal(false);
      expect(verifySignature(header, body, secret, now + 301)).to.equal(false);
      expect(verifySignature("t=abc,v1=zz", body, secret, now)).to.equal(false);
      expect(verifySignature(undefined, body, secret, now)).to.equal(false);
    });
  });
});
