/**
 * GET /invoices/{id}/payments on the shared real chain and index: a token payment, two partial payments with no
 * release between them, a payment of an invoice priced in a currency (with its rate), and who may read them.
 */
import { expect } from "chai";
import { Contract, type HDNodeWallet, id as hashOf, parseEther, parseUnits } from "ethers";
import { currencyToBytes3 } from "../../core/invoice/currency";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { invoiceTerms } from "../helpers/constants";
import { artifactAbi, useRealIndex } from "../helpers/real-index";

interface Actor {
  signer: HDNodeWallet;
  address: string;
  auth: Record<string, string>;
}
interface Tx {
  to: string;
  data: string;
  value: string;
}
interface Payment {
  payer: string;
  token: string;
  amount: string;
  currency: string | null;
  price: string | null;
  rate: { rate: string; answer: string; feedDecimals: number; roundId: string } | null;
  blockNumber: number;
  paidAt: string;
  txHash: string;
  logIndex: number;
}

describe("API invoice payments (real chain and index)", function () {
  useRealIndex();
  this.timeout(300_000);
  let t: TestApp;
  let merchant: Actor, payer: Actor, stranger: Actor;
  let setl: string;

  const actor = async (): Promise<Actor> => {
    const signer = await t.real.freshSigner();
    return { signer, ...(await signIn(t, signer)) };
  };
  /** Sends the transactions and returns their receipts' block numbers and hashes, once indexed. */
  const send = async (who: Actor, txs: Tx[]) => {
    const sent: Array<{ hash: string; blockNumber: number }> = [];
    for (const tx of txs) {
      const receipt = (await (await who.signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })).wait())!;
      sent.push({ hash: receipt.hash, blockNumber: receipt.blockNumber });
    }
    await t.real.waitForIndex();
    return sent;
  };
  /** Prepares `body` for invoice `id` as `who` and sends it; the last transaction is the escrow call. */
  const act = async (who: Actor, id: string, body: Record<string, unknown>) => {
    const res = await t.app.request(`/invoices/${id}/transactions`, jsonRequest("POST", body, who.auth));
    expect(res.status, await res.clone().text()).to.equal(200);
    return (await send(who, ((await res.json()) as { transactions: Tx[] }).transactions)).at(-1)!;
  };
  const createInvoice = async (unitPrice: string): Promise<string> => {
    const head = (await t.real.provider.getBlock("latest"))!.timestamp;
    const body = {
      token: setl,
      payer: payer.address,
      dueDate: new Date((head + 30 * 86400) * 1000).toISOString(),
      lineItems: [{ description: "Travail", quantity: 1, unitPrice }],
    };
    const res = await t.app.request("/invoices", jsonRequest("POST", body, merchant.auth));
    expect(res.status, await res.clone().text()).to.equal(201);
    const draft = (await res.json()) as { reference: string; transaction: Tx };
    await send(merchant, [draft.transaction]);
    return (await t.real.reader.invoiceByReference(draft.reference))!.id.toString();
  };
  const payments = async (id: string, auth: Record<string, string>, query = "") => {
    const res = await t.app.request(`/invoices/${id}/payments${query}`, { headers: auth });
    expect(res.status, await res.clone().text()).to.equal(200);
    return ((await res.json()) as { id: string; payments: Payment[] }).payments;
  };
  const blockTime = async (blockNumber: number) => new Date((await t.real.provider.getBlock(blockNumber))!.timestamp * 1000).toISOString();

  before(async function () {
    t = await makeApp();
    [merchant, payer, stranger] = [await actor(), await actor(), await actor()];
    setl = t.real.deployment.contracts.SettleToken.address;
    await (await t.real.contracts.setl.getFunction("transfer")(payer.address, parseEther("100"))).wait();
  });
  after(async function () {
    await t?.close();
  });

  it("serves a token payment: payer, token, amount, block time and transaction, no rate", async function () {
    const id = await createInvoice("2500000");
    expect(await payments(id, merchant.auth)).to.deep.equal([]);
    const paid = await act(payer, id, { action: "pay" });
    const list = await payments(id, merchant.auth);
    expect(list).to.have.length(1);
    expect(list[0]).to.deep.include({
      payer: payer.address.toLowerCase(),
      token: setl.toLowerCase(),
      amount: "2500000",
      currency: null,
      price: null,
      rate: null,
      blockNumber: paid.blockNumber,
      paidAt: await blockTime(paid.blockNumber),
      txHash: paid.hash,
    });
    expect(await payments(id, payer.auth)).to.deep.equal(list);
  });

  it("serves each partial payment in chain order while nothing is released", async function () {
    const id = await createInvoice("1000000");
    const first = await act(payer, id, { action: "pay", amount: "400000" });
    const second = await act(payer, id, { action: "pay", amount: "600000" });
    const list = await payments(id, payer.auth);
    expect(list.map((p) => [p.amount, p.txHash, p.blockNumber])).to.deep.equal([
      ["400000", first.hash, first.blockNumber],
      ["600000", second.hash, second.blockNumber],
    ]);
    const row = (await t.real.reader.invoice(BigInt(id)))!;
    expect(row.released).to.equal(0n);
    expect(list.reduce((sum, p) => sum + BigInt(p.amount), 0n)).to.equal(row.paid);
  });

  it("serves a priced invoice's payment with the currency, the price and the feed's rate it used", async function () {
    const testUsd = t.real.deploymentFile.tokens!.TestUSD!.address;
    const usd = new Contract(testUsd, artifactAbi("tokens/TestUSD.sol/TestUSD.json"), t.real.admin);
    await (await usd.getFunction("mint")(payer.address, parseUnits("100", 6))).wait();
    const escrow = t.real.contracts.escrow.connect(merchant.signer) as Contract;
    const due = (await t.real.provider.getBlock("latest"))!.timestamp + 30 * 86400;
    const terms = invoiceTerms({
      payer: payer.address,
      token: testUsd,
      amount: 1250n,
      dueDate: due,
      referenceHash: hashOf(`payments priced ${merchant.address}`),
      currency: currencyToBytes3("EUR"),
    });
    await (await escrow.getFunction("createInvoice")(terms)).wait();
    const id = ((await escrow.getFunction("invoiceCount")()) as bigint).toString();
    await t.real.waitForIndex();
    const paid = await act(payer, id, { action: "pay" });
    const [payment, ...rest] = await payments(id, payer.auth);
    expect(rest).to.deep.equal([]);
    const row = (await t.real.reader.invoice(BigInt(id)))!;
    expect(payment).to.deep.include({ token: testUsd.toLowerCase(), amount: row.amount.toString(), currency: "EUR", price: "12.50" });
    expect(payment!.txHash).to.equal(paid.hash);
    expect(payment!.rate).to.deep.equal({
      rate: "0.92",
      answer: row.pricing!.rate!.answer.toString(),
      feedDecimals: 8,
      roundId: row.pricing!.rate!.roundId.toString(),
    });
  });

  it("refuses a stranger (403), a caller signed out (401) and a bad share token (403); a share link lets in", async function () {
    const id = await createInvoice("100");
    await act(payer, id, { action: "pay" });
    const res = await t.app.request(`/invoices/${id}/payments`, { headers: stranger.auth });
    expect(res.status).to.equal(403);
    expect(await errorCode(res)).to.equal("not_invoice_party");
    expect((await t.app.request(`/invoices/${id}/payments`)).status).to.equal(401);
    const forged = await t.app.request(`/invoices/${id}/payments?share=${"A".repeat(43)}`);
    expect(forged.status).to.equal(403);
    expect(await errorCode(forged)).to.equal("share_link_invalid");
    const link = await t.app.request(`/invoices/${id}/share-links`, jsonRequest("POST", {}, merchant.auth));
    expect(link.status, await link.clone().text()).to.equal(201);
    const { token } = (await link.json()) as { token: string };
    expect(await payments(id, {}, `?share=${token}`)).to.have.length(1);
    expect((await t.app.request("/invoices/999999999/payments", { headers: merchant.auth })).status).to.equal(404);
    expect((await t.app.request("/invoices/not-an-id/payments", { headers: merchant.auth })).status).to.equal(400);
  });

  it("is described in the OpenAPI document with the InvoicePayments schema", async function () {
    const spec = (await (await t.app.request("/openapi.json")).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> } }>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const get = spec.paths["/invoices/{id}/payments"]!.get;
    expect(get.responses["200"]!.content!["application/json"]!.schema.$ref).to.equal("#/components/schemas/InvoicePayments");
    expect(Object.keys(get.responses)).to.include.members(["400", "401", "403", "404"]);
    expect(spec.components.schemas.InvoicePayment!.properties).to.include.keys(
      "payer",
      "token",
      "amount",
      "currency",
      "rate",
      "paidAt",
      "txHash",
    );
  });
});
