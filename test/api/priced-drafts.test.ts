import { expect } from "chai";
import { Contract, type HDNodeWallet, Interface, ZeroAddress, parseUnits } from "ethers";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { currencyToBytes3 } from "../../core/invoice/currency";
import { type TestApp, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";
import { type RealIndex, artifactAbi, useRealIndex } from "../helpers/real-index";

interface Tx {
  action: string;
  to: string;
  data: string;
  value: string;
}
interface Invoice {
  onchain: { id: string; amount: string; token: string; status: string; pricing: { currency: string; price: string } | null } | null;
  details: { id: string; number: string | null; currency: string | null; total: string; onchainId: string | null } | null;
  detailsMatch: boolean | null;
}

const ESCROW = new Interface(PaymentEscrowAbi);

describeBackends("API drafts priced in a currency (POST /invoices with currency)", function () {
  useRealIndex();
  let t: TestApp;
  let real: RealIndex;
  let merchant: HDNodeWallet;
  let payer: HDNodeWallet;
  let merchantAuth: Record<string, string>;
  let payerAuth: Record<string, string>;
  let testUsd: string;

  const draft = (over: Record<string, unknown> = {}) => ({
    token: testUsd,
    payer: payer.address,
    currency: "USD",
    dueDate: new Date(Date.now() + 7 * 86400_000).toISOString(),
    // 2 × 10.00 USD, 10% tax: 22.00 USD.
    lineItems: [{ description: "Consulting hour", quantity: 2, unitPrice: "1000", taxRate: "10" }],
    ...over,
  });
  const post = (body: unknown) => t.app.request("/invoices", jsonRequest("POST", body, merchantAuth));
  const read = async (id: string, auth = merchantAuth) => {
    const res = await t.app.request(`/invoices/${id}`, { headers: auth });
    expect(res.status, await res.clone().text()).to.equal(200);
    return (await res.json()) as Invoice;
  };
  const send = async (signer: HDNodeWallet, transactions: Tx[]) => {
    for (const tx of transactions) await (await signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })).wait();
    await real.waitForIndex();
  };
  const pay = async (id: string, body: Record<string, unknown>) => {
    const res = await t.app.request(`/invoices/${id}/transactions`, jsonRequest("POST", { action: "pay", ...body }, payerAuth));
    expect(res.status, await res.clone().text()).to.equal(200);
    await send(payer, ((await res.json()) as { transactions: Tx[] }).transactions);
  };

  before(async function () {
    this.timeout(120_000);
    t = await makeApp();
    real = t.real;
    merchant = await real.freshSigner();
    payer = await real.freshSigner();
    testUsd = real.deploymentFile.tokens!.TestUSD!.address;
    const usdc = new Contract(testUsd, artifactAbi("tokens/TestUSD.sol/TestUSD.json"), real.admin);
    await (await usdc.getFunction("mint")(payer.address, parseUnits("1000", 6))).wait();
    ({ auth: merchantAuth } = await signIn(t, merchant));
    ({ auth: payerAuth } = await signIn(t, payer));
  });
  after(async function () {
    await t?.close();
  });

  it("stores the draft in the currency, hashes it and returns createInvoice with the price and the currency", async function () {
    const res = await post(draft());
    expect(res.status, await res.clone().text()).to.equal(201);
    const body = (await res.json()) as { id: string; currency: string; total: string; canonical: string; transaction: Tx };
    expect(body).to.include({ currency: "USD", total: "2200" });
    expect(JSON.parse(body.canonical)).to.include({ currency: "USD", total: "2200", schema: "settle.invoice.v2" });
    const call = ESCROW.parseTransaction({ data: body.transaction.data })!;
    const terms = call.args[0] as { amount: bigint; currency: string; token: string };
    expect(terms.amount).to.equal(2200n);
    expect(terms.currency).to.equal(currencyToBytes3("USD"));
    expect(terms.token).to.equal(testUsd);
  });

  it("links the created invoice to its draft before and after payPriced converts the price", async function () {
    const created = (await (await post(draft({ notes: `linked ${t.backend}` }))).json()) as { id: string; transaction: Tx };
    await send(merchant, [created.transaction]);
    const before = await read(created.id);
    expect(before.onchain).to.deep.include({ amount: "0", status: "open" });
    expect(before.onchain!.pricing).to.include({ currency: "USD", price: "22.00" });
    expect(before.details).to.include({ currency: "USD", onchainId: before.onchain!.id });
    expect(before.details!.number).to.be.a("string");
    expect(before.detailsMatch).to.equal(true);

    await pay(before.onchain!.id, {});
    const after = await read(created.id, payerAuth);
    expect(after.onchain).to.include({ amount: "22000000", status: "paid" }); // 22.00 USD at 1 USD per TestUSD
    expect(after.detailsMatch).to.equal(true);
  });

  it("prints the draft's lines, tax and price in the currency on the document, not as token amounts", async function () {
    const created = (await (await post(draft({ notes: `document ${t.backend}` }))).json()) as { id: string; transaction: Tx };
    await send(merchant, [created.transaction]);
    const html = await (await t.app.request(`/invoices/${created.id}/document`, { headers: merchantAuth })).text();
    // 2 × 10.00 USD, 10 % tax 2.00 USD, price 22.00 USD.
    for (const text of ["10.00 USD", "20.00 USD", "2.00 USD", "22.00 USD"]) expect(html, text).to.include(text);
    expect(html).not.to.include("0.001 TestUSD");
  });

  it("takes any token with a feed (token 0x000…000) and still matches once paid in one of them", async function () {
    const settle = real.deployment.contracts.SettleToken.address;
    await (await real.contracts.setl.getFunction("transfer")(payer.address, parseUnits("100", 18))).wait();
    const res = await post(draft({ token: ZeroAddress, currency: "EUR", notes: `any ${t.backend}` }));
    expect(res.status, await res.clone().text()).to.equal(201);
    const created = (await res.json()) as { id: string; transaction: Tx };
    await send(merchant, [created.transaction]);
    const id = (await read(created.id)).onchain!.id;
    await pay(id, { token: settle });
    const after = await read(created.id, payerAuth);
    // 22.00 EUR at 0.5 EUR per SETL: 44 SETL.
    expect(after.onchain).to.include({ amount: parseUnits("44", 18).toString(), token: settle.toLowerCase(), status: "paid" });
    expect(after.detailsMatch).to.equal(true);
  });

  it("refuses a bad currency code and a token without a feed for the currency, naming the field (400)", async function () {
    const lower = await post(draft({ currency: "usd" }));
    expect(lower.status).to.equal(400);
    expect(JSON.stringify(await lower.json())).to.contain("ISO 4217 code in capitals");
    const noFeed = await post(draft({ currency: "JPY" }));
    expect(noFeed.status).to.equal(400);
    const error = ((await noFeed.json()) as { error: { details: Array<{ path: string; message: string }> } }).error;
    expect(error.details[0]).to.deep.include({ path: "currency" });
    expect(error.details[0]!.message).to.contain("has no price feed");
  });
});
