import { expect } from "chai";
import { Contract, type Log, type Wallet, ZeroAddress, parseEther } from "ethers";
import { SOLIDITY_STATUS_VALUE } from "../../core/invoice/status";
import { invoiceTerms } from "../helpers/constants";
import { Backend, BrowserSession, journeySteps } from "../helpers/browser-stack";
import { artifactAbi } from "../helpers/real-index";

describe("web: pay several invoices at once", function () {
  this.timeout(240_000);
  journeySteps();
  let backend: Backend;
  let payer: BrowserSession;
  let merchant: Wallet;
  let escrow: Contract;
  /** SETL, TestUSD and ETH invoices addressed to the payer. */
  let ids: bigint[];

  /** Creates an invoice of `amount` in `token` from the merchant to the payer, due in 30 days; returns its id. */
  const invoice = async (token: string, amount: bigint): Promise<bigint> => {
    const block = await merchant.provider!.getBlock("latest");
    const terms = invoiceTerms({ payer: payer.wallet.address, token, amount, dueDate: block!.timestamp + 30 * 86_400 });
    const receipt = await (await escrow.getFunction("createInvoice")(terms)).wait();
    return (receipt!.logs as Log[]).map((log) => escrow.interface.parseLog(log)).find((e) => e?.name === "InvoiceCreated")!
      .args[0] as bigint;
  };

  before(async function () {
    backend = await Backend.shared();
    // Accounts no other journey uses: 8 pays, 9 bills it straight on chain.
    payer = await BrowserSession.start(backend, { name: "pay-many", accountIndex: 8 });
    merchant = backend.signer(9);
    escrow = new Contract(
      backend.deployment.contracts.PaymentEscrow.address,
      artifactAbi("PaymentEscrow.sol/PaymentEscrow.json"),
      merchant,
    );
    const admin = backend.signer(0);
    const setl = new Contract(backend.deployment.contracts.SettleToken.address, artifactAbi("SettleToken.sol/SettleToken.json"), admin);
    const usd = new Contract(backend.deployment.tokens!.TestUSD!.address, artifactAbi("tokens/TestUSD.sol/TestUSD.json"), admin);
    await (await setl.getFunction("transfer")(payer.wallet.address, parseEther("120"))).wait();
    await (await usd.getFunction("mint")(payer.wallet.address, 40_000_000n)).wait();
    ids = [
      await invoice(await setl.getAddress(), parseEther("120")),
      await invoice(await usd.getAddress(), 40_000_000n),
      await invoice(ZeroAddress, parseEther("0.3")),
    ];
    admin.provider!.destroy();
    await backend.waitForIndex();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await payer?.screenshot("failed-pay-many").catch(() => undefined);
  });
  after(async function () {
    merchant?.provider?.destroy();
    await payer?.stop();
  });

  it("offers a checkbox on each open invoice addressed to the payer", async function () {
    await payer.signIn("#/invoices?role=payer&tab=all");
    for (const id of ids) await payer.page.locator(`#select-${id}`).waitFor();
    expect(await payer.page.isDisabled("#pay-selected")).to.equal(true);
    await payer.screenshot("selectable");
  });

  it("pays the three selected invoices: one approve per token, then one payMany, with progress", async function () {
    for (const id of ids) await payer.page.check(`#select-${id}`);
    expect(await payer.waitForText("#pay-selected", "Pay selected (3)")).to.equal("Pay selected (3)");
    const sentBefore = payer.wallet.requestsOf("eth_sendTransaction").length;
    await payer.page.click("#pay-selected");
    const card = await payer.txCard("#pay-many-tx", "indexed", "Pay 3 invoices", 60_000);
    expect(card).to.contain("step 3 of 3").and.to.contain("120 SETL").and.to.contain("0.3 ETH");
    await payer.waitForText("#pay-many-status", /Paid 3 invoices/);
    // The two approvals stay on show above the payment, each confirmed.
    const titles = await payer.page.locator("#pay-many-tx .tx-card .tx-title").allTextContents();
    expect(titles).to.have.length(3);
    expect(titles.slice(0, 2).every((title, i) => title.startsWith("Approve") && title.endsWith(`(step ${i + 1} of 3)`))).to.equal(true);
    expect(await payer.page.locator('#pay-many-tx .tx-card[data-phase="confirmed"]').count()).to.equal(2);
    const sent = payer.wallet.requestsOf("eth_sendTransaction").slice(sentBefore);
    expect(sent.filter((r) => !r.error).map((r) => (r.params[0] as { to: string }).to.toLowerCase())).to.deep.equal([
      ...[backend.deployment.contracts.SettleToken.address, backend.deployment.tokens!.TestUSD!.address].map((a) => a.toLowerCase()).sort(),
      backend.deployment.contracts.PaymentEscrow.address.toLowerCase(),
    ]);
    await payer.screenshot("paid");
  });

  it("shows every invoice paid, on the page and on chain", async function () {
    for (const id of ids) {
      await payer.waitForText(`tr[data-invoice="${id}"] .badge`, "Paid, in escrow");
      expect(await payer.page.locator(`#select-${id}`).count()).to.equal(0);
      expect(Number(await escrow.getFunction("status")(id))).to.equal(SOLIDITY_STATUS_VALUE.Paid);
    }
  });
});
