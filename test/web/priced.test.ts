import { expect } from "chai";
import { Contract } from "ethers";
import { Backend, BrowserSession, journeySteps } from "../helpers/browser-stack";
import { artifactAbi } from "../helpers/real-index";

describe("web: an invoice priced in a currency", function () {
  this.timeout(240_000);
  journeySteps();
  let backend: Backend;
  let merchant: BrowserSession;
  let payer: BrowserSession;
  let invoiceId: string;

  before(async function () {
    backend = await Backend.shared();
    // Accounts no other journey uses: 10 bills in EUR on the page, 11 pays in TestUSD minted here (mint is open).
    [merchant, payer] = await Promise.all([
      BrowserSession.start(backend, { name: "priced-merchant", accountIndex: 10 }),
      BrowserSession.start(backend, { name: "priced-payer", accountIndex: 11 }),
    ]);
    const minter = backend.signer(0);
    const usd = new Contract(backend.deployment.tokens!.TestUSD!.address, artifactAbi("tokens/TestUSD.sol/TestUSD.json"), minter);
    await (await usd.getFunction("mint")(payer.wallet.address, 50_000_000n)).wait();
    minter.provider!.destroy();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== "failed") return;
    for (const session of [merchant, payer]) await session?.screenshot("failed-priced").catch(() => undefined);
  });
  after(async function () {
    await Promise.all([merchant, payer].map((s) => s?.stop()));
  });

  it("merchant prices an invoice at 12.50 EUR, paid in TestUSD, on the new-invoice screen", async function () {
    // The form reads its default token (SETL) from the wallet: held unanswered until the merchant has chosen EUR, that
    // late answer must not take the place of the currency (it did on a loaded machine: the total showed SETL).
    const releaseSetl = merchant.wallet.holdCallsTo(backend.deployment.contracts.SettleToken.address);
    await merchant.signIn("#/invoices/new");
    const page = merchant.page;
    await page.waitForSelector("#invoice-form");
    // The currencies of the deployment's feeds, and then that currency's tokens.
    expect(await page.locator("#invoice-currency option").allTextContents()).to.deep.equal(["The token itself", "EUR", "USD"]);
    await page.selectOption("#invoice-currency", "EUR");
    expect(await page.locator("#invoice-token option").allTextContents()).to.deep.equal(["TestUSD", "SETL", "Any of TestUSD, SETL"]);
    await page.selectOption("#invoice-token", { label: "TestUSD" });
    await page.fill("#invoice-payer", payer.wallet.address);
    const row = page.locator(".line-item").first();
    await row.locator('input[name$="-description"]').fill("Design review");
    await row.locator('input[name$="-quantity"]').fill("1");
    await row.locator('input[name$="-price"]').fill("12.50");
    expect(await merchant.waitForText("#invoice-total", /12\.5\s*EUR/)).to.match(/EUR$/);
    expect(await releaseSetl(), "SETL reads held").to.be.greaterThan(0);
    // The page has the late answer; a second is ample for it to act on it, were it to.
    await page.waitForTimeout(1_000);
    expect(await page.locator("#invoice-total").textContent()).to.match(/12\.5\s*EUR$/);
    await merchant.screenshot("priced-new");
    await page.click("#create-invoice");
    await page.waitForURL(/#\/invoice\/\d+\?created=1$/, { timeout: 60_000 });
    invoiceId = /#\/invoice\/(\d+)/.exec(page.url())![1]!;
    await merchant.waitForText("#invoice-price", "12.50 EUR");
    // The document's lines are in the currency, and they match the chain's price.
    await merchant.waitForText("#verification", /^Verified/);
    expect(await page.getAttribute("#verification", "class")).to.contain("verify-ok");
    expect(await page.textContent("#invoice-doc-total")).to.match(/^12\.5\s*EUR$/);
    expect(await page.textContent("#invoice-due")).to.match(/^12\.50\s*EUR$/);
    // No token amount until the payment converts the price.
    expect(await page.locator("#invoice-paid").count()).to.equal(0);
  });

  it("payer sees the quote at the current rate with a 1 % slippage, then pays with approve + payPriced", async function () {
    await payer.signIn(`#/invoice/${invoiceId}`);
    const page = payer.page;
    // 12.50 EUR at 0.92 EUR per TestUSD (the local feed), rounded up to the token's 6 decimals.
    // TestUSD's symbol is USDC, as the stablecoin it stands for.
    const quote = await payer.waitForText("#pay-quote", /USDC/);
    expect(quote).to.contain("13.586957 USDC").and.to.contain("1 USDC = 0.92 EUR");
    expect(await page.inputValue("#pay-slippage")).to.equal("1");
    expect(await payer.waitForText("#pay-slippage-hint", /at most/)).to.contain("13.722827 USDC");
    await payer.screenshot("priced-quote");
    const sent = payer.wallet.requestsOf("eth_sendTransaction").length;
    await page.click("#action-pay");
    await payer.txCard("#invoice-tx", "indexed", "Pay 12.50 EUR in USDC (step 2 of 2)", 60_000);
    const calls = payer.wallet
      .requestsOf("eth_sendTransaction")
      .slice(sent)
      .filter((r) => !r.error)
      .map((r) => (r.params[0] as { to: string }).to.toLowerCase());
    expect(calls).to.deep.equal(
      [backend.deployment.tokens!.TestUSD!.address, backend.deployment.contracts.PaymentEscrow.address].map((a) => a.toLowerCase()),
    );
  });

  it("shows the price in the currency, the token amount paid and the rate once paid", async function () {
    await payer.waitForText(".page-actions .badge", "Paid, in escrow");
    await payer.waitForText("#invoice-rate", "1 USDC = 0.92 EUR");
    expect(await payer.page.textContent("#invoice-price")).to.equal("12.50 EUR");
    expect(await payer.page.textContent("#invoice-token-amount")).to.equal("13.586957 USDC");
    await payer.screenshot("priced-paid");
  });
});
