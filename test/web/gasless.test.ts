import { expect } from "chai";
import { Contract, type Log, type LogDescription } from "ethers";
import { invoiceTerms } from "../helpers/constants";
import { Backend, BrowserSession, journeySteps } from "../helpers/browser-stack";
import { artifactAbi } from "../helpers/real-index";

describe("web: pay without ETH", function () {
  this.timeout(180_000);
  journeySteps();
  let backend: Backend;
  let payer: BrowserSession;
  let invoiceId: bigint;

  before(async function () {
    backend = await Backend.shared();
    // Accounts no other journey uses: 7 pays with TestUSD minted here (mint is open), 6 bills it straight on chain.
    payer = await BrowserSession.start(backend, { name: "gasless-payer", accountIndex: 7 });
    const merchant = backend.signer(6);
    const escrow = new Contract(
      backend.deployment.contracts.PaymentEscrow.address,
      artifactAbi("PaymentEscrow.sol/PaymentEscrow.json"),
      merchant,
    );
    const usd = new Contract(backend.deployment.tokens!.TestUSD!.address, artifactAbi("tokens/TestUSD.sol/TestUSD.json"), merchant);
    await (await usd.getFunction("mint")(payer.wallet.address, 75_000_000n)).wait();
    const block = await merchant.provider!.getBlock("latest");
    const terms = invoiceTerms({
      payer: payer.wallet.address,
      token: backend.deployment.tokens!.TestUSD!.address,
      amount: 75_000_000n,
      dueDate: block!.timestamp + 30 * 86_400,
    });
    const receipt = await (await escrow.getFunction("createInvoice")(terms)).wait();
    invoiceId = (receipt!.logs as Log[])
      .map((log) => escrow.interface.parseLog(log))
      .find((e: LogDescription | null) => e?.name === "InvoiceCreated")!.args[0] as bigint;
    merchant.provider!.destroy();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await payer?.screenshot("failed-gasless").catch(() => undefined);
  });
  after(async function () {
    await payer?.stop();
  });

  it("pays a TestUSD invoice with two signatures and no transaction from the wallet", async function () {
    await payer.signIn(`#/invoice/${invoiceId}`);
    await payer.page.locator("#pay-method-gasless").waitFor();
    await payer.screenshot("gasless-offered");
    const sent = payer.wallet.requestsOf("eth_sendTransaction").length;
    await payer.page.check("#pay-method-gasless");
    await payer.page.click("#action-pay");
    await payer.txCard("#invoice-tx", "indexed", "without ETH");
    expect(payer.wallet.requestsOf("eth_signTypedData_v4").filter((r) => !r.error)).to.have.length(2);
    expect(payer.wallet.requestsOf("eth_sendTransaction").length).to.equal(sent);
    await payer.waitForText(".page-actions .badge", "Paid, in escrow");
    await payer.screenshot("gasless-paid");
  });
});
