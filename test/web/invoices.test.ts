import { expect } from "chai";
import { readFileSync } from "node:fs";
import { Contract, formatEther, parseEther } from "ethers";
import { Backend, BrowserSession, journeySteps } from "../helpers/browser-stack";

/** Opens `hash`, connects the wallet, and signs in with Ethereum (the page's gate card or the header's button). */
async function connectAndSignIn(session: BrowserSession, hash: string): Promise<void> {
  await session.open(hash);
  await session.page.click("#gate-connect");
  await session.page.locator("#sign-in").waitFor();
  await session.page.click((await session.page.locator("#gate-signin").count()) > 0 ? "#gate-signin" : "#sign-in");
  await session.page.locator("#account-button .signed-in-mark").waitFor();
}

/** SETL balance of `address`. */
async function setl(backend: Backend, address: string): Promise<bigint> {
  const signer = backend.signer(0);
  const token = new Contract(
    backend.deployment.contracts.SettleToken!.address,
    ["function balanceOf(address) view returns (uint256)"],
    signer,
  );
  const balance = BigInt(await token.getFunction("balanceOf")(address));
  signer.provider!.destroy();
  return balance;
}

/** Fills the new-invoice form: terms, then one line per [description, quantity, unit price]. */
async function fillInvoice(
  session: BrowserSession,
  terms: { token?: "SETL" | "ETH"; payer?: string; arbiter?: string; windowDays?: number; notes?: string },
  lines: [string, number, string][],
): Promise<void> {
  const page = session.page;
  await page.waitForSelector("#invoice-form");
  if (terms.token === "ETH") await page.selectOption("#invoice-token", { label: "ETH (native)" });
  if (terms.payer) await page.fill("#invoice-payer", terms.payer);
  if (terms.arbiter) await page.fill("#invoice-arbiter", terms.arbiter);
  if (terms.windowDays !== undefined) await page.fill("#invoice-window", String(terms.windowDays));
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) await page.click("#add-line");
    const [description, quantity, price] = lines[i]!;
    const row = page.locator(".line-item").nth(i);
    await row.locator('input[name$="-description"]').fill(description);
    await row.locator('input[name$="-quantity"]').fill(String(quantity));
    await row.locator('input[name$="-price"]').fill(price);
  }
  if (terms.notes) await page.fill("#invoice-notes", terms.notes);
}

/**
 * Creates an invoice through the form and returns its on-chain id once the page shows it (it
 * opens the invoice when the transaction is indexed).
 */
async function createInvoice(session: BrowserSession): Promise<string> {
  await session.page.click("#create-invoice");
  await session.page.locator("#create-tx .tx-card").waitFor();
  await session.page.waitForURL(/#\/invoice\/\d+\?created=1$/, { timeout: 60_000 });
  await session.page.locator("#verification").waitFor();
  return /#\/invoice\/(\d+)/.exec(session.page.url())![1]!;
}

describe("web: invoice journeys", function () {
  this.timeout(180_000);
  // Each step builds on the previous one: stop at the first failure.
  journeySteps();
  let backend: Backend;
  let merchant: BrowserSession;
  let payer: BrowserSession;
  let arbiter: BrowserSession;
  let invoiceId: string;
  let merchantAddress: string;
  let payerAddress: string;
  let arbiterAddress: string;
  let merchantBefore: bigint;

  before(async function () {
    backend = await Backend.shared();
    [merchant, payer, arbiter] = await Promise.all([
      BrowserSession.start(backend, { name: "merchant", accountIndex: 1 }),
      BrowserSession.start(backend, { name: "payer", accountIndex: 2 }),
      BrowserSession.start(backend, { name: "arbiter", accountIndex: 3 }),
    ]);
    [merchantAddress, payerAddress, arbiterAddress] = [merchant.wallet.address, payer.wallet.address, arbiter.wallet.address];
  });

  afterEach(async function () {
    if (this.currentTest?.state !== "failed") return;
    for (const session of [merchant, payer, arbiter])
      await session?.screenshot(`failed-${this.currentTest.title.slice(0, 40).replace(/\W+/g, "-")}`).catch(() => undefined);
  });

  after(async function () {
    await Promise.all([merchant, payer, arbiter].map((s) => s?.stop()));
  });

  describe("merchant signs in and creates an invoice", function () {
    it("signs in with Ethereum (nonce, personal_sign, verify)", async function () {
      await connectAndSignIn(merchant, "#/invoices");
      const signs = merchant.wallet.requestsOf("personal_sign");
      expect(signs).to.have.length(1);
      const message = Buffer.from((signs[0]!.params[0] as string).slice(2), "hex").toString("utf8");
      expect(message).to.contain(`${new URL(backend.baseUrl).host} wants you to sign in with your Ethereum account:\n${merchantAddress}`);
      expect(message).to.contain("Chain ID: 31337");
      await merchant.page.locator("#invoice-list .empty").waitFor();
      await merchant.screenshot("empty-list");
    });

    it("checks the form as the API does before sending anything", async function () {
      await merchant.go("#/invoices/new");
      await fillInvoice(merchant, { payer: merchantAddress, arbiter: payerAddress.toLowerCase() }, [["", 0, "abc"]]);
      await merchant.page.click("#create-invoice");
      expect(await merchant.page.textContent("#invoice-payer-error")).to.equal("You cannot be the payer of your own invoice.");
      expect(await merchant.page.textContent("#line-0-description-error")).to.equal("Describe this line.");
      expect(await merchant.page.textContent("#line-0-quantity-error")).to.equal("A whole number from 1.");
      expect(await merchant.page.textContent("#line-0-price-error")).to.equal("Enter a number such as 12.5.");
      await merchant.screenshot("form-errors");
      expect(merchant.wallet.requestsOf("eth_sendTransaction")).to.have.length(0);
    });

    it("creates the invoice: draft on the API, createInvoice from the wallet, shown once indexed", async function () {
      await merchant.go("#/invoices");
      await merchant.go("#/invoices/new");
      await fillInvoice(merchant, { payer: payerAddress, arbiter: arbiterAddress, windowDays: 7, notes: "Thank you for your business." }, [
        ["Design of the checkout flow", 2, "150"],
        ["Hosting, November", 1, "100"],
      ]);
      expect(await merchant.page.textContent("#invoice-total")).to.equal("400 SETL");
      await merchant.screenshot("new-invoice");
      merchantBefore = await setl(backend, merchantAddress);
      invoiceId = await createInvoice(merchant);
      expect(await merchant.waitForText("#verification strong", "Verified")).to.equal("Verified");
      expect(await merchant.page.textContent("#invoice-due")).to.contain("400");
      expect(await merchant.page.inputValue("#share-link")).to.equal(`${backend.baseUrl}/#/invoice/${invoiceId}`);
      await merchant.page.locator("#action-cancel").waitFor();
      await merchant.screenshot("created");
    });

    it("lists it under Awaiting payment", async function () {
      await merchant.go("#/invoices?role=merchant&tab=awaiting");
      await merchant.page.locator(`tr[data-invoice="${invoiceId}"]`).waitFor();
      expect(await merchant.page.textContent(`tr[data-invoice="${invoiceId}"]`)).to.contain("400 SETL");
      await merchant.go("#/invoices?role=merchant&tab=paid");
      await merchant.page.locator("#invoice-list .empty").waitFor();
    });
  });

  describe("payer pays by permit, then releases in parts", function () {
    it("opens the shared link and sees the amount due and the verification mark", async function () {
      await connectAndSignIn(payer, `#/invoice/${invoiceId}`);
      await payer.waitForText("#verification strong", "Verified");
      expect(await payer.page.textContent("#invoice-due")).to.contain("400");
      expect(await payer.page.textContent(".line-table")).to.contain("Design of the checkout flow");
      // A payer cannot cancel, claim or refund.
      expect(await payer.page.locator("#action-cancel, #action-claim, #action-refund").count()).to.equal(0);
      await payer.screenshot("invoice-to-pay");
    });

    it("says so when the permit signature is rejected in the wallet", async function () {
      payer.wallet.rejectNext("eth_signTypedData_v4");
      await payer.page.click("#action-pay");
      const card = await payer.txCard("#invoice-tx", "failed");
      expect(card).to.contain("You rejected the request in your wallet. Nothing was sent.");
      await payer.screenshot("permit-rejected");
    });

    it("pays with a permit signature and one transaction", async function () {
      const sent = payer.wallet.requestsOf("eth_sendTransaction").length;
      const before = await setl(backend, payerAddress);
      await payer.page.click("#action-pay");
      await payer.txCard("#invoice-tx", "indexed", "Pay 400 SETL with a permit");
      expect(payer.wallet.requestsOf("eth_signTypedData_v4").filter((r) => !r.error)).to.have.length(1);
      expect(payer.wallet.requestsOf("eth_sendTransaction").length - sent).to.equal(1);
      expect(before - (await setl(backend, payerAddress))).to.equal(parseEther("400"));
      await payer.waitForText(".page-actions .badge", "Paid, in escrow");
      expect(await payer.page.textContent("#invoice-held")).to.equal("400 SETL");
      await payer.page.locator("#action-release").waitFor();
      await payer.page.locator("#action-dispute").waitFor();
      await payer.screenshot("paid");
    });

    it("releases a first part, then the rest", async function () {
      await payer.page.fill("#release-amount", "150");
      await payer.page.click("#action-release");
      await payer.txCard("#invoice-tx", "indexed", "Release 150 SETL");
      await payer.waitForText("#invoice-released", "150 SETL");
      expect(await payer.page.textContent("#invoice-held")).to.equal("250 SETL");
      await payer.screenshot("released-part");
      expect(await payer.page.inputValue("#release-amount")).to.equal("250");
      await payer.page.click("#action-release");
      await payer.txCard("#invoice-tx", "indexed", "Release 250 SETL");
      await payer.waitForText(".page-actions .badge", "Released");
      await payer.screenshot("released");
    });
  });

  describe("merchant sees the funds and the history", function () {
    it("sees the invoice released and the funds (less the 1% fee) in the wallet", async function () {
      await merchant.go(`#/invoice/${invoiceId}`);
      await merchant.waitForText(".page-actions .badge", "Released");
      expect(await merchant.page.textContent("#invoice-released")).to.equal("400 SETL");
      expect(formatEther((await setl(backend, merchantAddress)) - merchantBefore)).to.equal("396.0");
      await merchant.page.locator(".timeline li").nth(3).waitFor();
      expect(await merchant.page.textContent(".timeline")).to.contain("Released to the merchant");
      await merchant.screenshot("funds");
    });

    it("shows the history with filters, pages and a CSV download", async function () {
      await merchant.go("#/history");
      await merchant.page.locator(".history-table tbody tr").first().waitFor();
      const kinds = await merchant.page
        .locator(".history-table tbody tr")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-kind")));
      expect(kinds).to.include.members(["invoice_created", "released"]);
      await merchant.screenshot("history");

      await merchant.page.selectOption("#filter-kind", { label: "Releases and claims" });
      await merchant.page.click("#history-filters button[type=submit]");
      await merchant.page.waitForURL(/kind=released%2Cclaimed/);
      await merchant.page.locator(".history-table tbody tr").first().waitFor();
      const filtered = await merchant.page
        .locator(".history-table tbody tr")
        .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-kind")));
      expect(new Set(filtered)).to.deep.equal(new Set(["released"]));

      const download = merchant.page.waitForEvent("download");
      await merchant.page.click("#download-csv");
      const csv = readFileSync(await (await download).path(), "utf8");
      expect(csv.split("\r\n")[0]).to.match(/^id,timestamp,blockNumber,txHash/);
      expect(csv).to.contain(",released,");
    });

    it("opens a row's transaction and shows it verified and indexed", async function () {
      await merchant.page.locator(".history-table tbody tr a.mono").first().click();
      await merchant.page.waitForURL(/#\/tx\/0x[0-9a-f]{64}$/);
      await merchant.waitForText(".card-head .badges", /Succeeded\s+Indexed/);
      const events = (await merchant.page.textContent(".event-list")) ?? "";
      expect(events).to.contain("InvoiceReleased");
      // Amounts in their token, the fee (1%) taken from the merchant's share.
      expect(events).to.match(/toMerchant\s*250 SETL\s*fee\s*2\.5 SETL/);
      await merchant.screenshot("transaction");
    });

    it("edits the profile", async function () {
      await merchant.go("#/profile");
      await merchant.page.fill("#profile-name", "Ada's Studio");
      await merchant.page.fill("#profile-email", "not-an-email");
      await merchant.page.click("#save-profile");
      expect(await merchant.page.textContent("#profile-email-error")).to.contain("Enter an email address");
      await merchant.page.fill("#profile-email", "ada@example.com");
      await merchant.page.fill("#profile-line1", "1 Rue de Rivoli");
      await merchant.page.fill("#profile-city", "Paris");
      await merchant.page.fill("#profile-postal", "75001");
      await merchant.page.fill("#profile-country", "fr");
      await merchant.page.click("#save-profile");
      await merchant.page.getByText("Profile saved").waitFor();
      await merchant.screenshot("profile");
      await merchant.go("#/staking");
      await merchant.go("#/profile");
      expect(await merchant.page.inputValue("#profile-name")).to.equal("Ada's Studio");
      expect(await merchant.page.inputValue("#profile-country")).to.equal("FR");
    });
  });

  describe("a dispute resolved by the arbiter", function () {
    let disputed: string;

    it("is paid in ETH and disputed by the payer", async function () {
      await merchant.go("#/invoices/new");
      await fillInvoice(merchant, { token: "ETH", payer: payerAddress, arbiter: arbiterAddress, windowDays: 3 }, [
        ["Consulting, 2 days", 2, "0.5"],
      ]);
      disputed = await createInvoice(merchant);

      await payer.go(`#/invoice/${disputed}`);
      await payer.waitForText("#invoice-due", /^1\s*ETH$/);
      expect(await payer.page.locator('input[name="pay-method"]').count()).to.equal(0);
      await payer.page.click("#action-pay");
      await payer.txCard("#invoice-tx", "indexed", "Pay 1 ETH");
      await payer.page.locator("#action-dispute").waitFor();
      await payer.page.click("#action-dispute");
      await payer.txCard("#invoice-tx", "indexed", `Dispute invoice #${disputed}`);
      await payer.waitForText(".page-actions .badge", "Disputed");
      await payer.screenshot("disputed");
    });

    it("is split by the arbiter, and only the arbiter sees the resolve form", async function () {
      expect(await payer.page.locator("#action-resolve").count()).to.equal(0);
      await connectAndSignIn(arbiter, `#/invoice/${disputed}`);
      await arbiter.page.locator("#action-resolve").waitFor();
      await arbiter.page.fill("#resolve-merchant", "0.6");
      expect(await arbiter.page.textContent("#resolve-to-payer")).to.equal("0.4 ETH");
      await arbiter.screenshot("resolve");
      await arbiter.page.click("#action-resolve");
      await arbiter.txCard("#invoice-tx", "indexed", "Resolve: 0.6 ETH to the merchant, 0.4 ETH to the payer");
      await arbiter.waitForText(".page-actions .badge", "Resolved");
      await arbiter.screenshot("resolved");
    });
  });

  describe("approve + pay in parts, then reclaim after expiry", function () {
    let expiring: string;

    it("pays part of an invoice with approve, then pay (two transactions)", async function () {
      await merchant.go("#/invoices/new");
      await fillInvoice(merchant, { payer: payerAddress }, [["Prototype", 1, "80"]]);
      await merchant.page.fill("#invoice-due", new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
      expiring = await createInvoice(merchant);

      await payer.go(`#/invoice/${expiring}`);
      await payer.page.locator("#pay-form").waitFor();
      await payer.page.check("#pay-method-approve");
      await payer.page.fill("#pay-amount", "30");
      const sent = payer.wallet.requestsOf("eth_sendTransaction").length;
      await payer.page.click("#action-pay");
      await payer.txCard("#invoice-tx", "indexed", "Pay 30 SETL (step 2 of 2)");
      expect(payer.wallet.requestsOf("eth_sendTransaction").length - sent).to.equal(2);
      await payer.waitForText(".page-actions .badge", "Partly paid");
      expect(await payer.page.textContent("#invoice-due")).to.contain("50");
    });

    it("offers the payer a reclaim once the due date has passed", async function () {
      await backend.increaseTime(3 * 86_400);
      await backend.waitForIndex();
      await payer.go("#/pay");
      await payer.page.fill("#open-invoice-id", `${backend.baseUrl}/#/invoice/${expiring}`);
      await payer.page.click("#open-invoice button[type=submit]");
      await payer.waitForText(".page-actions .badge", "Expired");
      expect(await payer.page.locator("#action-pay").count()).to.equal(0);
      await payer.screenshot("expired");
      await payer.page.click("#action-reclaim");
      await payer.txCard("#invoice-tx", "indexed", "Reclaim 30 SETL");
      await payer.waitForText("#invoice-held", "0 SETL");
    });
  });

  describe("wrong network on an invoice", function () {
    it("asks to switch and comes back to the invoice without a reload", async function () {
      await payer.wallet.useChain(1);
      await payer.page.getByRole("heading", { name: "Wrong network" }).waitFor();
      await payer.screenshot("wrong-network");
      await payer.page.click("#gate-switch");
      await payer.page.locator("#verification").waitFor();
    });

    it("signs out when the wallet switches accounts", async function () {
      await payer.wallet.useAccount(4);
      await payer.page.locator("#toasts").getByText("You switched accounts in your wallet").waitFor();
      await payer.page.locator("#account-button .signed-in-mark").waitFor({ state: "detached" });
      await payer.screenshot("account-switched", { fullPage: false });
    });
  });

  describe("on a phone", function () {
    it("shows the invoice in one column without horizontal scrolling", async function () {
      await merchant.page.setViewportSize({ width: 390, height: 844 });
      await merchant.go(`#/invoice/${invoiceId}`);
      await merchant.page.locator("#verification").waitFor();
      expect(await merchant.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")).to.be.at.most(0);
      await merchant.screenshot("phone-invoice", { fullPage: false });
      await merchant.go("#/invoices/new");
      await merchant.page.locator("#invoice-form").waitFor();
      expect(await merchant.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")).to.be.at.most(0);
      await merchant.screenshot("phone-new-invoice", { fullPage: false });
    });
  });

  // Nested so that it runs after the journeys above (mocha runs a describe's own tests first).
  describe("after every journey", function () {
    it("raised no uncaught error and broke no Content-Security-Policy rule in any of the three browsers", function () {
      expect([...merchant.problems, ...payer.problems, ...arbiter.problems]).to.deep.equal([]);
    });
  });
});
