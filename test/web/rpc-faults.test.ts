/**
 * The page when the API's node misbehaves: a second API process (api/main.ts, serving the same page, deployment and
 * index as the journeys' backend) talks to the node through the fault proxy. The node goes into an outage: the
 * transaction page shows the API's message naming the node and the problem, and retries by itself; the outage ends;
 * the page recovers without a click and shows the verified transaction. An action (creating an invoice) during an
 * outage is not resent by itself: the page shows the message and a Retry button, which creates it once the node is back.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import { startApiProcess, type ApiProcess } from "../helpers/api-process";
import { Backend, BrowserSession, journeySteps } from "../helpers/browser-stack";
import { waitFor } from "../helpers/processes";
import { startFaultProxy, type FaultProxy } from "../../scripts/stack/rpc-fault-proxy";

describe("web: the API's node in an outage", function () {
  this.timeout(180_000);
  journeySteps();
  let backend: Backend;
  let proxy: FaultProxy;
  let api: ApiProcess;
  let session: BrowserSession;
  let hash: string;
  const tmp = mkdtempSync(join(tmpdir(), "settle-rpc-faults-web-"));

  before(async function () {
    backend = await Backend.shared();
    proxy = await startFaultProxy(backend.rpcUrl);
    api = await startApiProcess(
      {
        RPC_URL: proxy.url,
        SETTLE_DEPLOYMENTS_DIR: backend.deployment.deploymentsDir,
        APP_DB_PATH: join(tmp, "app.sqlite"),
        INDEX_DB_PATH: join(backend.tmp, "index", "public.db"),
        WEB_DIST_DIR: join(backend.tmp, "dist"),
        JWT_SECRET: "rpc-faults-journey-secret-of-at-least-32-bytes!",
        SETTLE_RPC_TIMEOUT_MS: "1000",
        LOG_LEVEL: "warn",
      },
      tmp,
    );
    // Account 19 (used by no other journey) sends the transaction the page verifies.
    const sender = backend.signer(19);
    hash = (await sender.sendTransaction({ to: Wallet.createRandom().address, value: 1n })).hash;
    await sender.provider!.waitForTransaction(hash);
    sender.provider!.destroy();
    // Account 14 (used by no other journey) signs in and bills.
    session = await BrowserSession.start(backend, { name: "rpc-faults", accountIndex: 14 });
  });
  after(async function () {
    await session?.stop();
    await api?.process.stop();
    await proxy?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("shows the API's message naming the node and the problem, and keeps retrying", async function () {
    proxy.startOutage();
    await session.page.goto(`${api.url}/#/tx/${hash}`);
    const host = new URL(proxy.url).host;
    const text = await session.waitForText(".notice-retrying", (t) => t.includes(host));
    expect(text).to.match(/cannot be reached/);
    expect(text).to.match(/Retrying in \d+ s/);
    expect(await session.page.locator("#tx-summary").count()).to.equal(0);
    // The page asks again by itself: the API goes back to the node (reset by the outage) more than once.
    const before = proxy.counts.outageResets;
    await waitFor("the page to retry twice", async () => proxy.counts.outageResets >= before + 2, { timeoutMs: 30_000 });
    await session.screenshot("outage");
  });

  it("recovers by itself once the outage ends and shows the transaction", async function () {
    proxy.endOutage();
    await session.page.locator("#tx-summary").waitFor({ timeout: 45_000 });
    expect(await session.page.locator(".notice-retrying").count()).to.equal(0);
    expect(await session.page.textContent("#tx-summary")).to.contain(hash);
    await session.screenshot("recovered");
    expect(session.problems).to.deep.equal([]);
  });

  it("an action during an outage: shows the message and a Retry button, sends nothing by itself", async function () {
    const page = session.page;
    await page.goto(`${api.url}/#/invoices/new`);
    await page.click("#gate-connect");
    await page.locator("#sign-in").waitFor();
    await page.click((await page.locator("#gate-signin").count()) > 0 ? "#gate-signin" : "#sign-in");
    await page.locator("#account-button .signed-in-mark").waitFor();
    await page.waitForSelector("#invoice-form");
    const row = page.locator(".line-item").first();
    await row.locator('input[name$="-description"]').fill("Audit of the payment flow");
    await row.locator('input[name$="-quantity"]').fill("1");
    await row.locator('input[name$="-price"]').fill("40");
    proxy.startOutage();
    await page.click("#create-invoice");
    const text = await session.waitForText(".form-error-slot", (t) => t.includes(new URL(proxy.url).host));
    expect(text).to.match(/cannot be reached/);
    await page.locator(".form-error-slot button", { hasText: "Retry" }).waitFor();
    // Nothing is resent behind the person's back: no retry countdown, no transaction asked of the wallet.
    expect(await page.locator(".notice-retrying").count()).to.equal(0);
    expect(session.wallet.requestsOf("eth_sendTransaction")).to.have.length(0);
    await session.screenshot("action-outage");
  });

  it("Retry after the outage creates the invoice", async function () {
    proxy.endOutage();
    await session.page.click(".form-error-slot button");
    await session.page.locator("#create-tx .tx-card").waitFor();
    await session.page.waitForURL(/#\/invoice\/\d+\?created=1$/, { timeout: 60_000 });
    expect(session.wallet.requestsOf("eth_sendTransaction")).to.have.length(1);
    expect(session.problems).to.deep.equal([]);
  });
});
