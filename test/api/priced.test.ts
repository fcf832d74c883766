import { expect } from "chai";
import { Contract, type HDNodeWallet, Interface, ZeroAddress, id as hashOf, parseEther, parseUnits } from "ethers";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { ceilingFor, currencyToBytes3 } from "../../core/invoice/currency";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";
import { invoiceTerms } from "../helpers/constants";
import { type RealIndex, artifactAbi, useRealIndex } from "../helpers/real-index";

interface Tx {
  action: string;
  to: string;
  data: string;
  value: string;
}
interface Quote {
  currency: string;
  price: string;
  token: string;
  tokenAmount: string;
  maxTokenAmount: string;
  slippageBps: number;
  rate: string;
  answer: string;
  feedDecimals: number;
  roundId: string;
}
interface Pricing {
  currency: string;
  price: string;
  display: string;
  payment: { token: string; tokenAmount: string; rate: string; answer: string; feedDecimals: number; roundId: string } | null;
}

const ESCROW = new Interface(PaymentEscrowAbi);

describeBackends("API invoices priced in a currency (real chain and index)", function () {
  useRealIndex();
  let t: TestApp;
  let real: RealIndex;
  let payer: HDNodeWallet;
  let auth: Record<string, string>;
  let testUsd: string;
  /** 12.50 EUR in TestUSD only; 30.00 USD in any token; 5.00 EUR in any token. */
  let eur: bigint;
  let usd: bigint;
  let eurAny: bigint;

  before(async function () {
    this.timeout(120_000);
    t = await makeApp();
    real = t.real;
    payer = await real.freshSigner();
    testUsd = real.deploymentFile.tokens!.TestUSD!.address;
    const usdc = new Contract(testUsd, artifactAbi("tokens/TestUSD.sol/TestUSD.json"), real.admin);
    await (await usdc.getFunction("mint")(payer.address, parseUnits("1000", 6))).wait();
    const escrow = real.contracts.escrow.connect(await real.freshSigner()) as Contract;
    const due = (await real.provider.getBlock("latest"))!.timestamp + 30 * 24 * 3600;
    const create = async (token: string, amount: bigint, currency: string, reference: string) => {
      const terms = invoiceTerms({
        payer: payer.address,
        token,
        amount,
        dueDate: due,
        referenceHash: hashOf(reference),
        currency: currencyToBytes3(currency),
      });
      await (await escrow.getFunction("createInvoice")(terms)).wait();
      return (await escrow.getFunction("invoiceCount")()) as bigint;
    };
    eur = await create(testUsd, 1250n, "EUR", `priced eur ${t.backend}`);
    usd = await create(ZeroAddress, 3000n, "USD", `priced usd ${t.backend}`);
    eurAny = await create(ZeroAddress, 500n, "EUR", `priced eur any ${t.backend}`);
    await real.waitForIndex();
    ({ auth } = await signIn(t, payer));
  });
  after(async function () {
    await t?.close();
  });

  const pricingOf = async (id: bigint) => {
    const res = await t.app.request(`/invoices/${id}`, { headers: auth });
    expect(res.status, await res.clone().text()).to.equal(200);
    return ((await res.json()) as { onchain: { amount: string; token: string; status: string; pricing: Pricing | null } }).onchain;
  };
  const prepare = (id: bigint, body: Record<string, unknown>) =>
    t.app.request(`/invoices/${id}/transactions`, jsonRequest("POST", body, auth));
  const sendAll = async (transactions: Tx[]) => {
    for (const tx of transactions) await (await payer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })).wait();
    await real.waitForIndex();
  };

  it("shows the currency and the price of an unpaid priced invoice (amount 0 until paid)", async function () {
    const onchain = await pricingOf(eur);
    expect(onchain.pricing).to.deep.equal({ currency: "EUR", price: "12.50", display: "12.50 EUR", payment: null });
    expect(onchain).to.include({ amount: "0", status: "open", token: testUsd.toLowerCase() });
  });

  it("quotes the price, approves the ceiling and pays with payPriced; the invoice then shows the amount and the rate", async function () {
    const other = await prepare(eur, { action: "pay", token: ZeroAddress });
    expect(other.status).to.equal(400);
    expect(JSON.stringify(await other.json())).to.contain("the one token this invoice accepts");
    const res = await prepare(eur, { action: "pay" });
    expect(res.status, await res.clone().text()).to.equal(200);
    const { transactions, quote } = (await res.json()) as { transactions: Tx[]; quote: Quote };
    // 12.50 EUR at 0.92 EUR per TestUSD (6 decimals), rounded up.
    expect(quote).to.deep.include({
      currency: "EUR",
      price: "12.50",
      tokenAmount: "13586957",
      rate: "0.92",
      feedDecimals: 8,
      slippageBps: 100,
    });
    expect(quote.maxTokenAmount).to.equal(ceilingFor(13586957n, 100).toString());
    expect(transactions.map((x) => x.action)).to.deep.equal(["approve", "payPriced"]);
    const call = ESCROW.parseTransaction({ data: transactions[1]!.data })!;
    expect(call.args.map(String)).to.deep.equal([eur.toString(), testUsd, quote.maxTokenAmount]);
    await sendAll(transactions);
    const onchain = await pricingOf(eur);
    expect(onchain).to.include({ amount: "13586957", status: "paid" });
    expect(onchain.pricing!.payment).to.deep.equal({
      token: testUsd.toLowerCase(),
      tokenAmount: "13586957",
      rate: "0.92",
      answer: "92000000",
      feedDecimals: 8,
      roundId: quote.roundId,
    });
    expect(await errorCode(await prepare(eur, { action: "pay" }))).to.equal("invoice_already_paid");
  });

  it("prints the price, the token amount paid and the rate on the document (HTML and PDF)", async function () {
    const html = await t.app.request(`/invoices/${eur}/document`, { headers: auth });
    expect(html.status).to.equal(200);
    const text = await html.text();
    for (const part of ["12.50 EUR", "Paid in USDC at the rate", "13.586957", "1 USDC = 0.92 EUR (feed round"])
      expect(text).to.contain(part);
    const unpaid = await (await t.app.request(`/invoices/${eurAny}/document`, { headers: auth })).text();
    expect(unpaid).to.contain("5.00 EUR");
    expect(unpaid).not.to.contain("Exchange rate");
    const pdf = await t.app.request(`/invoices/${eur}/document.pdf`, { headers: auth });
    expect(pdf.status).to.equal(200);
    expect(pdf.headers.get("content-type")).to.equal("application/pdf");
  });

  it("pays an any-token invoice in ETH with the chosen slippage, sending the ceiling as value", async function () {
    const res = await prepare(usd, { action: "pay", token: ZeroAddress, slippageBps: 250 });
    expect(res.status, await res.clone().text()).to.equal(200);
    const { transactions, quote } = (await res.json()) as { transactions: Tx[]; quote: Quote };
    const wei = parseEther("0.015"); // 30.00 USD at 2,000 USD per ETH
    expect(quote).to.deep.include({ tokenAmount: wei.toString(), rate: "2000", slippageBps: 250 });
    expect(transactions).to.have.length(1);
    expect(transactions[0]).to.include({ action: "payPriced", value: ceilingFor(wei, 250).toString() });
    const before = await real.provider.getBalance(payer.address);
    await sendAll(transactions);
    const onchain = await pricingOf(usd);
    expect(onchain).to.include({ amount: wei.toString(), token: ZeroAddress, status: "paid" });
    expect(onchain.pricing!.payment).to.include({ tokenAmount: wei.toString(), rate: "2000" });
    // Only the price left the payer (plus gas): the rest of the ceiling came back.
    expect(before - (await real.provider.getBalance(payer.address)) < wei + parseEther("0.001")).to.equal(true);
  });

  it("refuses a token without a feed for the currency, a missing token and a slippage out of bounds (400)", async function () {
    const noFeed = await prepare(eurAny, { action: "pay", token: ZeroAddress });
    expect(noFeed.status).to.equal(400);
    expect(((await noFeed.json()) as { error: { code: string; message: string } }).error).to.deep.include({ code: "no_price_feed" });
    const missing = await prepare(eurAny, { action: "pay" });
    expect(missing.status).to.equal(400);
    expect(JSON.stringify(await missing.json())).to.contain("takes any token with a feed");
    expect((await prepare(eurAny, { action: "pay", token: real.deployment.contracts.SettleToken.address })).status).to.equal(200);
    expect((await prepare(eurAny, { action: "pay", token: testUsd, slippageBps: 6000 })).status).to.equal(400);
  });
});
