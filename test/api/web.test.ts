import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type TestApp, makeApp } from "../helpers/api-app";
import { useRealIndex } from "../helpers/real-index";

const HTML = { Accept: "text/html,application/xhtml+xml" };
const INDEX = "<!doctype html><title>Settle</title><div id=main></div>";

describe("API: the web page from the same origin", function () {
  useRealIndex();
  describe("with a built page", function () {
    let t: TestApp;
    before(async function () {
      const dist = mkdtempSync(join(tmpdir(), "settle-dist-"));
      mkdirSync(join(dist, "assets"));
      writeFileSync(join(dist, "index.html"), INDEX);
      writeFileSync(join(dist, "assets", "main-abc123.js"), "console.log('settle')");
      t = await makeApp({ env: { WEB_DIST_DIR: dist } });
    });
    after(() => t.close());

    it("serves index.html at / with revalidation", async function () {
      const res = await t.app.request("/", { headers: HTML });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^text\/html/);
      expect(res.headers.get("cache-control")).to.equal("no-cache");
      expect(res.headers.get("content-security-policy")).to.contain("object-src 'none'");
      expect(await res.text()).to.equal(INDEX);
    });

    it("serves hashed assets as immutable with their type", async function () {
      const res = await t.app.request("/assets/main-abc123.js");
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/javascript/);
      expect(res.headers.get("cache-control")).to.contain("immutable");
      expect(await res.text()).to.equal("console.log('settle')");
    });

    it("answers a browser's request for any other page path with index.html", async function () {
      const res = await t.app.request("/somewhere/deep", { headers: HTML });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-security-policy")).to.contain("frame-ancestors 'none'");
      expect(await res.text()).to.equal(INDEX);
    });

    it("never shadows an API route, even for a browser", async function () {
      const health = await t.app.request("/health", { headers: HTML });
      expect(health.headers.get("content-type")).to.match(/^application\/json/);
      const spec = await t.app.request("/openapi.json", { headers: HTML });
      expect(((await spec.json()) as { openapi: string }).openapi).to.equal("3.1.0");
    });

    it("keeps the API's JSON 404 for clients that do not ask for HTML, and for other methods", async function () {
      const res = await t.app.request("/nothing-here", { headers: { Accept: "application/json" } });
      expect(res.status).to.equal(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal("route_not_found");
      const post = await t.app.request("/", { method: "POST", headers: HTML });
      expect(post.status).to.equal(404);
    });

    it("does not serve files outside the page's folder", async function () {
      const res = await t.app.request("/assets/..%2F..%2Fetc%2Fpasswd");
      expect(res.status).to.equal(404);
    });
  });

  describe("without a built page", function () {
    let t: TestApp;
    before(async function () {
      t = await makeApp({ env: { WEB_DIST_DIR: join(mkdtempSync(join(tmpdir(), "settle-dist-")), "missing") } });
    });
    after(() => t.close());

    it("tells a browser how to build it", async function () {
      const res = await t.app.request("/", { headers: HTML });
      expect(res.status).to.equal(503);
      expect(await res.text()).to.contain("npm run build:web");
    });

    it("answers API clients with the JSON 404", async function () {
      const res = await t.app.request("/");
      expect(res.status).to.equal(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal("route_not_found");
    });
  });
});
