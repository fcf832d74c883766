import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZERO_ADDRESS } from "../../core/address";
import { ConfigError, loadConfig, resolveJwtSecret } from "../../api/env";
import { MIGRATIONS, migrateToLatest, openAppDb } from "../../api/db";
import type { Chain } from "../../api/services/chain";
import { ORIGIN, type TestApp, errorCode, jsonRequest, makeApp, signIn, unbuiltIndex } from "../helpers/api-app";
import { realIndex, useRealIndex } from "../helpers/real-index";
import { Wallet } from "ethers";
import Database from "better-sqlite3";
import { SYNC_HEALTH_TABLE, type SyncHealth } from "../../core/index-schema";

/** Writes the indexer's sync health record of `localhost` into the index at `path`. */
function writeHealth(path: string, health: SyncHealth): void {
  const db = new Database(path);
  db.exec(`CREATE TABLE IF NOT EXISTS ${SYNC_HEALTH_TABLE} (network TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  db.prepare(`INSERT OR REPLACE INTO ${SYNC_HEALTH_TABLE} (network, value) VALUES ('localhost', ?)`).run(JSON.stringify(health));
  db.close();
}

const deadChain: Chain = {
  blockNumber: () => Promise.reject(new Error("ECONNREFUSED")),
  getReceipt: () => Promise.reject(new Error("ECONNREFUSED")),
  getTransaction: () => Promise.reject(new Error("ECONNREFUSED")),
  getCode: () => Promise.reject(new Error("ECONNREFUSED")),
  call: () => Promise.reject(new Error("ECONNREFUSED")),
};

describe("API platform", function () {
  useRealIndex();
  describe("config", function () {
    it("reports every bad value on its own line", function () {
      let error: unknown;
      try {
        loadConfig({
          JWT_SECRET: "short",
          PORT: "99999",
          PUBLIC_ORIGIN: "localhost:8000/x",
          LOG_LEVEL: "loud",
          TRUST_PROXY: "maybe",
          RPC_URL: "ws://127.0.0.1:8545",
        });
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).to.include("JWT_SECRET must be at least 32 bytes");
      expect(problems.some((p) => p.startsWith("PORT must be an integer between 1 and 65535"))).to.equal(true);
      expect(problems.some((p) => p.startsWith("PUBLIC_ORIGIN must be an origin"))).to.equal(true);
      expect(problems.some((p) => p.startsWith("LOG_LEVEL must be one of"))).to.equal(true);
      expect(problems.some((p) => p.startsWith("TRUST_PROXY must be true or false"))).to.equal(true);
      // The RPC URL's rule is core/networks' (parseRpcUrls), reported among the others.
      expect(problems.some((p) => p.startsWith("RPC_URL must be an http(s) URL"))).to.equal(true);
      expect(problems.every((p) => !p.includes("\n"))).to.equal(true);
    });

    it("defaults to port 8000 and the public origin as the only CORS origin", function () {
      const config = loadConfig({});
      expect(config.port).to.equal(8000);
      expect(config.publicOrigin).to.equal("http://localhost:8000");
      expect(config.corsOrigins).to.deep.equal(["http://localhost:8000"]);
    });

    it("generates a 0600 secret beside app.sqlite once, then reuses it; refuses a readable one", function () {
      const dir = mkdtempSync(join(tmpdir(), "settle-secret-"));
      try {
        const config = loadConfig({ APP_DB_PATH: join(dir, "db", "app.sqlite") });
        const first = resolveJwtSecret(config);
        const path = join(dir, "db", "jwt-secret");
        expect(statSync(path).mode & 0o777).to.equal(0o600);
        expect(first).to.have.length(64);
        expect(resolveJwtSecret(config)).to.equal(first);
        chmodSync(path, 0o644);
        expect(() => resolveJwtSecret(config)).to.throw(ConfigError, /mode 0600/);
        writeFileSync(join(dir, "x"), "");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("app.sqlite", function () {
    it("runs the migrations once, in WAL mode", async function () {
      const dir = mkdtempSync(join(tmpdir(), "settle-db-"));
      const db = openAppDb(join(dir, "app.sqlite"));
      expect(await migrateToLatest(db)).to.deep.equal(Object.keys(MIGRATIONS));
      expect(await migrateToLatest(db)).to.deep.equal([]);
      await db.destroy();
      expect(
        existsSync(join(dir, "app.sqlite-wal")) ||
          readFileSync(join(dir, "app.sqlite"))
            .subarray(18, 20)
            .equals(Buffer.from([2, 2])),
      ).to.equal(true);
      rmSync(dir, { recursive: true, force: true });
    });
  });

  describe("middleware", function () {
    let t: TestApp;
    beforeEach(async function () {
      t = await makeApp({ env: { BODY_LIMIT_BYTES: "2048", CORS_ORIGINS: `${ORIGIN},https://shop.example.com` } });
    });
    afterEach(async function () {
      await t.close();
    });

    it("answers 413 to a body over the limit, with Content-Length", async function () {
      const res = await t.app.request("/auth/verify", jsonRequest("POST", { message: "x".repeat(3000), signature: "0x" }));
      expect(res.status).to.equal(413);
      expect(await errorCode(res)).to.equal("payload_too_large");
    });

    it("answers 413 to a chunked body without Content-Length", async function () {
      const chunk = new TextEncoder().encode("x".repeat(1000));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 5) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const req = new Request("http://localhost/auth/verify", {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json" },
        duplex: "half",
      } as RequestInit & { duplex: "half" });
      expect(req.headers.get("content-length")).to.equal(null);
      const res = await t.app.request(req);
      expect(res.status).to.equal(413);
      expect(await errorCode(res)).to.equal("payload_too_large");
    });

    it("allows CORS for configured origins only, with credentials", async function () {
      const ok = await t.app.request("/auth/nonce", { headers: { Origin: "https://shop.example.com" } });
      expect(ok.headers.get("access-control-allow-origin")).to.equal("https://shop.example.com");
      expect(ok.headers.get("access-control-allow-credentials")).to.equal("true");
      const preflight = await t.app.request("/users/me", {
        method: "OPTIONS",
        headers: { Origin: "https://shop.example.com", "Access-Control-Request-Method": "PATCH" },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get("access-control-allow-methods")).to.include("PATCH");
      const evil = await t.app.request("/auth/nonce", { headers: { Origin: "https://evil.example.com" } });
      expect(evil.headers.get("access-control-allow-origin")).to.equal(null);
      expect(ok.headers.get("vary")).to.include("Origin");
      // Without an Origin (no browser cross-origin call): no CORS headers, but the answer still varies by origin.
      const plain = await t.app.request("/auth/nonce");
      expect(plain.headers.get("access-control-allow-origin")).to.equal(null);
      expect(plain.headers.get("access-control-allow-credentials")).to.equal(null);
      expect(plain.headers.get("vary")).to.include("Origin");
    });

    it("sets secure headers and a request id (echoing a valid incoming one)", async function () {
      const res = await t.app.request("/auth/nonce", { headers: { "X-Request-Id": "abc-123" } });
      expect(res.headers.get("x-content-type-options")).to.equal("nosniff");
      expect(res.headers.get("x-frame-options")).to.equal("SAMEORIGIN");
      expect(res.headers.get("strict-transport-security")).to.match(/max-age/);
      expect(res.headers.get("x-request-id")).to.equal("abc-123");
      const fresh = await t.app.request("/auth/nonce");
      expect(fresh.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
    });

    it("answers unknown routes with the error shape (404 route_not_found)", async function () {
      const res = await t.app.request("/nope");
      expect(res.status).to.equal(404);
      expect(await errorCode(res)).to.equal("route_not_found");
    });

    it("logs one JSON line per request carrying the request id", async function () {
      const lines: string[] = [];
      const pino = (await import("pino")).default;
      const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
      t.deps.logger = logger;
      const { createApp } = await import("../../api/app");
      const app = createApp(t.deps);
      const res = await app.request("/auth/nonce", { headers: { "X-Request-Id": "req-42" } });
      expect(res.status).to.equal(200);
      const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; status?: number });
      expect(entries.length).to.be.greaterThan(0);
      expect(entries.every((e) => e.reqId === "req-42")).to.equal(true);
      expect(entries.some((e) => e.status === 200)).to.equal(true);
    });
  });

  describe("GET /health", function () {
    it("is 200 when app db, deployment, node and a fresh index are ready", async function () {
      const t = await makeApp();
      await t.real.waitForIndex();
      const res = await t.app.request("/health");
      const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
      expect(res.status, JSON.stringify(body)).to.equal(200);
      expect(body.status).to.equal("ok");
      expect(Object.values(body.checks).every((c) => c.ok)).to.equal(true);
      await t.close();
    });

    it("is 503 with the failing checks when the node is down and the index missing", async function () {
      const t = await makeApp({ chain: deadChain, index: unbuiltIndex() });
      const res = await t.app.request("/health");
      expect(res.status).to.equal(503);
      const body = (await res.json()) as { error: { code: string; details: { checks: Record<string, { ok: boolean }> } } };
      expect(body.error.code).to.equal("not_ready");
      expect(body.error.details.checks.appDb!.ok).to.equal(true);
      expect(body.error.details.checks.node!.ok).to.equal(false);
      expect(body.error.details.checks.index!.ok).to.equal(false);
      await t.close();
    });

    it("is 200 degraded, still serving, when the index lags more than INDEX_MAX_LAG_BLOCKS", async function () {
      // A copy of the real index, left at today's block while the chain moves on.
      const lagging = await (await realIndex()).snapshot();
      const t = await makeApp({ index: lagging, env: { INDEX_MAX_LAG_BLOCKS: "1" } });
      expect((await t.app.request("/health")).status).to.equal(200);
      await t.real.node.mine(2);
      const res = await t.app.request("/health");
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
      expect(body.status).to.equal("degraded");
      expect(body.checks.index!.ok).to.equal(false);
      expect(body.checks.node!.ok).to.equal(true);
      await lagging.close();
      await t.close();
    });

    it("is 200 degraded with each network's sync while the node is down, and marks answers stale", async function () {
      const snapshot = await (await realIndex()).snapshot();
      const t = await makeApp({ chain: deadChain, index: snapshot });
      // The indexer's record, as it writes it during an RPC outage: not current for a minute.
      const now = t.clock.now;
      const record = { headBlock: 10, indexedBlock: 8, lagBlocks: 2, lagSeconds: 2, checkedAt: now };
      writeHealth(snapshot.path!, {
        ...record,
        state: "degraded",
        currentAt: now - 60_000,
        unreachableSince: now - 58_000,
        lastError: "ECONNREFUSED",
      });
      const res = await t.app.request("/health");
      const body = (await res.json()) as { status: string; networks: Record<string, { state: string; unreachableSince: string | null }> };
      expect(res.status, JSON.stringify(body)).to.equal(200);
      expect(body.status).to.equal("degraded");
      expect(body.networks.localhost?.state).to.equal("degraded");
      expect(body.networks.localhost?.unreachableSince).to.equal(new Date(now - 58_000).toISOString());
      const stale = await t.app.request("/blockchain/contracts");
      expect(stale.status).to.equal(200);
      expect(stale.headers.get("X-Index-Stale-Seconds")).to.equal("60");
      const staleBody = (await stale.json()) as { chainId?: number; indexStale?: { seconds: number; blocks: number } };
      expect(staleBody.indexStale).to.deep.equal({ seconds: 60, blocks: 2 });
      // The answer's own fields are kept beside the mark.
      expect(staleBody.chainId).to.equal(31337);
      // The OpenAPI document does not come from the index: never marked, so it stays a valid document.
      const openapi = await t.app.request("/openapi.json");
      expect(openapi.headers.get("X-Index-Stale-Seconds")).to.equal(null);
      expect(await openapi.json()).to.not.have.property("indexStale");
      // Nor does a token's metadata (ETH here; a token's is read from its contract through the node).
      const eth = await t.app.request(`/blockchain/tokens/${ZERO_ADDRESS}`);
      expect(eth.status).to.equal(200);
      expect(eth.headers.get("X-Index-Stale-Seconds")).to.equal(null);
      expect(await eth.json()).to.not.have.property("indexStale");
      // Current again: no mark.
      t.clock.now += 2_000;
      writeHealth(snapshot.path!, {
        ...record,
        lagBlocks: 0,
        state: "ok",
        currentAt: t.clock.now,
        unreachableSince: null,
        lastError: null,
        checkedAt: t.clock.now,
      });
      expect((await t.app.request("/blockchain/contracts")).headers.get("X-Index-Stale-Seconds")).to.equal(null);
      await snapshot.close();
      await t.close();
    });
  });

  describe("/blockchain", function () {
    it("GET /blockchain/contracts returns the deployment with ABIs", async function () {
      const t = await makeApp();
      const res = await t.app.request("/blockchain/contracts");
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { chainId: number; contracts: Record<string, { address: string; abi: unknown[] | null }> };
      expect(body.chainId).to.equal(31337);
      expect(body.contracts.SettleToken!.address).to.equal(t.real.deployment.contracts.SettleToken.address);
      expect(body.contracts.SettleToken!.abi).to.be.an("array").with.length.greaterThan(0);
      // The local deploy's feeds: USD and EUR, each with the tokens a payer may pay it in.
      const { currencies } = body as unknown as { currencies: Array<{ code: string; tokens: Array<{ name: string; address: string }> }> };
      const d = t.real.deploymentFile;
      expect(currencies).to.deep.equal([
        {
          code: "EUR",
          tokens: [
            { name: "TestUSD", address: d.tokens!.TestUSD!.address },
            { name: "SettleToken", address: d.contracts.SettleToken.address },
          ],
        },
        {
          code: "USD",
          tokens: [
            { name: "TestUSD", address: d.tokens!.TestUSD!.address },
            { name: "ETH", address: "0x0000000000000000000000000000000000000000" },
          ],
        },
      ]);
      await t.close();
    });

    it("GET /blockchain/contracts is 503 without a deployment", async function () {
      const t = await makeApp({ deployment: null });
      const res = await t.app.request("/blockchain/contracts");
      expect(res.status).to.equal(503);
      expect(await errorCode(res)).to.equal("deployment_missing");
      await t.close();
    });

    it("GET /blockchain/status reports chain head, indexed head and lag", async function () {
      const lagging = await (await realIndex()).snapshot();
      const t = await makeApp({ index: lagging });
      const indexed = Number((await lagging.headBlock()).number);
      await t.real.node.mine(3);
      const res = await t.app.request("/blockchain/status");
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { chainHead: number; indexedHead: number; lagBlocks: number };
      expect(body.chainHead).to.equal(await t.real.node.blockNumber());
      expect(body.indexedHead).to.equal(indexed);
      expect(body.lagBlocks).to.equal(body.chainHead - indexed);
      await lagging.close();
      await t.close();
    });

    it("GET /blockchain/status is 503 when the node is down", async function () {
      const t = await makeApp({ chain: deadChain });
      const res = await t.app.request("/blockchain/status");
      expect(res.status).to.equal(503);
      expect(await errorCode(res)).to.equal("node_unreachable");
      await t.close();
    });
  });

  describe("OpenAPI and docs", function () {
    let t: TestApp;
    before(async function () {
      t = await makeApp();
    });
    after(async function () {
      await t.close();
    });

    it("serves an OpenAPI 3.1 document listing every route", async function () {
      const res = await t.app.request("/openapi.json");
      expect(res.status).to.equal(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).to.equal("3.1.0");
      expect(Object.keys(doc.paths)).to.include.members([
        "/auth/nonce",
        "/auth/verify",
        "/auth/logout",
        "/auth/me",
        "/users/me",
        "/users/{address}",
        "/health",
        "/blockchain/contracts",
      ]);
    });

    it("serves /docs from local files only, under a same-origin CSP", async function () {
      const page = await t.app.request("/docs");
      expect(page.status).to.equal(200);
      const html = await page.text();
      expect(html).to.not.match(/https?:\/\//);
      expect(page.headers.get("content-security-policy")).to.include("default-src 'self'");
      for (const asset of ["/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/init.js"]) {
        const res = await t.app.request(asset);
        expect(res.status, asset).to.equal(200);
        expect((await res.text()).length).to.be.greaterThan(10);
      }
    });

    it("documents the signed-in routes with the bearer scheme", async function () {
      const { auth } = await signIn(t, Wallet.createRandom());
      expect((await t.app.request("/auth/me", { headers: auth })).status).to.equal(200);
      const doc = (await (await t.app.request("/openapi.json")).json()) as { components: { securitySchemes: Record<string, unknown> } };
      expect(doc.components.securitySchemes).to.have.property("bearer");
    });
  });
});
