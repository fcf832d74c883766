import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { parseEther } from "ethers";
import { DEMO_ACCOUNTS, DEMO_INVOICES, DEMO_STAKES, fillDemo } from "../../scripts/lib/demo";
import { testAccount } from "../../scripts/lib/test-accounts";
import { REPO_ROOT } from "../helpers/node";
import { Backend, BrowserSession, journeySteps } from "../helpers/browser-stack";

/** Where the README's screenshots live (committed; refreshed by this journey with SETTLE_SCREENSHOTS=1). */
const README_SHOTS = join(REPO_ROOT, "docs", "screenshots");

/** Takes a screenshot of the viewport and, with SETTLE_SCREENSHOTS=1, copies it for the README as `name`. */
async function readmeShot(session: BrowserSession, label: string, name: string): Promise<void> {
  const path = await session.screenshot(label, { fullPage: false });
  if (process.env.SETTLE_SCREENSHOTS !== "1") return;
  mkdirSync(README_SHOTS, { recursive: true });
  copyFileSync(path, join(README_SHOTS, name));
}

describe("web: the demo data (npm start -- --demo)", function () {
  this.timeout(300_000);
  journeySteps();
  // A chain of its own: the demo expects a fresh deployment, and the other journeys expect no demo.
  let backend: Backend;
  let merchant: BrowserSession;
  let made: Awaited<ReturnType<typeof fillDemo>>;

  before(async function () {
    backend = await Backend.start();
  });

  after(async function () {
    await merchant?.stop();
    await backend?.stop();
  });

  it("fills the chain through the API and the test accounts", async function () {
    const lines: string[] = [];
    made = await fillDemo({ rpcUrl: backend.rpcUrl, apiUrl: backend.baseUrl, deployment: backend.deployment, log: (l) => lines.push(l) });
    expect(made.invoices.map((i) => i.id)).to.deep.equal(DEMO_INVOICES.map((_, n) => BigInt(n + 1)));
    expect(lines).to.include("invoice #4 resolved by the arbiter");
  });

  it("leaves every invoice in the index in its intended status (all eight kinds), and the stakes", async function () {
    await backend.waitForIndex();
    const statuses = (await Promise.all(made.invoices.map(({ id }) => backend.index.invoice(id)))).map((row) => row?.status);
    expect(statuses).to.deep.equal(made.invoices.map((i) => i.expect));
    expect([...new Set(statuses)]).to.have.members([
      "open",
      "partially_paid",
      "paid",
      "disputed",
      "released",
      "refunded",
      "resolved",
      "cancelled",
    ]);
    for (const [role, amount] of Object.entries(DEMO_STAKES)) {
      const staker = testAccount(DEMO_ACCOUNTS[role as keyof typeof DEMO_ACCOUNTS]).address;
      expect((await backend.index.stake(staker))?.balance, `${role}'s stake`).to.equal(parseEther(amount));
    }
  });

  it("shows the merchant a living page: invoices by status, one invoice, the history, staking (from the keyboard)", async function () {
    merchant = await BrowserSession.start(backend, { name: "demo", accountIndex: DEMO_ACCOUNTS.merchant });
    await merchant.open("#/invoices");
    await merchant.page.click("#gate-connect");
    await merchant.page.click((await merchant.page.locator("#gate-signin").count()) > 0 ? "#gate-signin" : "#sign-in");
    await merchant.page.locator("#account-button .signed-in-mark").waitFor();
    await merchant.page.locator('tr[data-invoice="1"]').waitFor();
    const issued = DEMO_INVOICES.filter((invoice) => invoice.merchant === "merchant").length;
    expect(await merchant.page.locator("tr[data-invoice]").count()).to.equal(issued);
    await readmeShot(merchant, "invoices", "invoices.png");

    await merchant.go("#/invoice/1");
    await merchant.page.locator("#verification").waitFor();
    await merchant.waitForText(".page-actions .badge", "Released");
    expect(await merchant.page.textContent(".invoice-doc")).to.contain("Website redesign: visual design, per page");
    await readmeShot(merchant, "invoice", "invoice.png");

    await merchant.go("#/history");
    await merchant.page.locator(".history-table tbody tr").first().waitFor();
    const kinds = () =>
      merchant.page.locator(".history-table tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-kind")));
    // The stake's and the payouts' token transfers are told once, by their own rows...
    expect(await kinds())
      .to.include.members(["staked", "released", "invoice_created"])
      .and.not.include("transfer_out");
    await merchant.screenshot("history", { fullPage: false });
    // ...and listed under "Token transfers".
    await merchant.page.selectOption("#filter-kind", { label: "Token transfers" });
    await merchant.page.click("#history-filters button[type=submit]");
    await merchant.page.waitForURL(/kind=transfer_in%2Ctransfer_out/);
    await merchant.page.locator('.history-table tbody tr[data-kind="transfer_out"]').first().waitFor();

    await merchant.go("#/staking");
    await merchant.waitForText("#staking-staked", "500");
    // From the keyboard alone: type the amount, Enter submits, the wallet signs and sends.
    await merchant.page.focus("#stake-amount");
    await merchant.page.keyboard.type("100");
    await merchant.page.keyboard.press("Enter");
    expect(await merchant.txCard("#stake-tx", "indexed")).to.contain("Stake 100 SETL");
    await merchant.waitForText("#staking-staked", "600");
    await merchant.screenshot("staking", { fullPage: false });
  });

  it("shows an invoice to pay on a phone, without horizontal scrolling", async function () {
    const toPay = DEMO_INVOICES.findIndex((invoice) => invoice.payer === "merchant") + 1;
    await merchant.page.setViewportSize({ width: 390, height: 844 });
    await merchant.go(`#/invoice/${toPay}`);
    await merchant.page.locator("#pay-form").waitFor();
    await merchant.page.locator("#pay-form").scrollIntoViewIfNeeded();
    expect(await merchant.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")).to.be.at.most(0);
    await readmeShot(merchant, "phone-pay", "phone-pay.png");
  });

  it("raised no uncaught error and broke no Content-Security-Policy rule", function () {
    expect(merchant.problems).to.deep.equal([]);
  });
});
