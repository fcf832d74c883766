/**
 * GET /invoices/export on the shared real index: one CSV row per invoice and per credit note, reconciling with the
 * index to the base unit; with format facturx, ubl or cii a ZIP of that CSV and each document's e-invoice.
 */
import { expect } from "chai";
import { Contract, type JsonRpcSigner, parseEther, parseUnits } from "ethers";
import { unzipSync } from "fflate";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { EINVOICE_CUSTOMER, becomeEinvoiceSeller, issueEinvoiceReady } from "../helpers/einvoice-api";
import { artifactAbi, useRealIndex } from "../helpers/real-index";

interface Party {
  signer: JsonRpcSigner;
  address: string;
  auth: Record<string, string>;
}

/** A CSV body as records by header (the fields here never hold commas or quotes). */
function parseCsv(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text.trimEnd().split("\r\n");
  const columns = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((cell, n) => [columns[n]!, cell])));
}

describe("API invoice export", function () {
  useRealIndex();
  this.timeout(300_000);
  let t: TestApp;
  let merchant: Party;
  let payer: Party;

  const party = async (i: number): Promise<Party> => {
    const signer = await t.real.signer(i);
    return { signer, ...(await signIn(t, signer)) };
  };
  const send = async (actor: Party, txs: Array<{ to: string; data: string; value: string }>) => {
    for (const tx of txs) await (await actor.signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })).wait();
    await t.real.waitForIndex();
  };
  const act = async (actor: Party, id: bigint, body: Record<string, unknown>) => {
    const res = await t.app.request(`/invoices/${id}/transactions`, jsonRequest("POST", body, actor.auth));
    expect(res.status, await res.clone().text()).to.equal(200);
    await send(actor, ((await res.json()) as { transactions: Array<{ to: string; data: string; value: string }> }).transactions);
  };

  before(async function () {
    t = await makeApp();
    // Accounts no other API test uses.
    [merchant, payer] = [await party(12), await party(13)];
    await (await t.real.contracts.setl.getFunction("transfer")(payer.address, parseEther("10000"))).wait();
  });
  after(async function () {
    await t.close();
  });

  it("lists invoices and credit notes with number, customer, net, tax per rate, gross and on-chain figures", async function () {
    const setl = t.real.deployment.contracts.SettleToken.address;
    const head = (await t.real.provider.getBlock("latest"))!.timestamp;
    const ids: bigint[] = [];
    for (const rate of ["20", "5.5"]) {
      const body = {
        token: setl,
        payer: payer.address,
        dueDate: new Date((head + 30 * 86400) * 1000).toISOString(),
        customer: { name: "Dupont SARL", vatNumber: "FR40303265045" },
        lineItems: [{ description: "Travail", quantity: 3, unitPrice: "333333", taxRate: rate }],
      };
      const res = await t.app.request("/invoices", jsonRequest("POST", body, merchant.auth));
      const created = (await res.json()) as { reference: string; transaction: { to: string; data: string; value: string } };
      await send(merchant, [created.transaction]);
      ids.push((await t.real.reader.invoiceByReference(created.reference))!.id);
    }
    await act(payer, ids[0]!, { action: "pay" });
    await act(merchant, ids[0]!, { action: "refund", amount: "100001" });

    const res = await t.app.request(`/invoices/export?from=0&to=${head + 365 * 86400}&format=csv`, { headers: merchant.auth });
    expect(res.status, await res.clone().text()).to.equal(200);
    expect(res.headers.get("content-type")).to.match(/^text\/csv/);
    const text = await res.text();
    expect(text.split("\r\n")[0]).to.equal(
      "kind,number,refers_to,issued,due,customer,customer_vat,token,net,tax_5.5,tax_20,gross,paid,released,refunded,fees,status,chain_id,chain_name,onchain_id,tx_hashes,payments",
    );
    const rows = parseCsv(text);
    const invoices = rows.filter((r) => r.kind === "invoice");
    const notes = rows.filter((r) => r.kind === "credit_note");
    expect(invoices).to.have.length(2);
    expect(notes).to.have.length(1);
    for (const r of invoices) {
      const row = (await t.real.reader.invoice(BigInt(r.onchain_id!)))!;
      expect(r).to.include({ customer: "Dupont SARL", customer_vat: "FR40303265045", net: "999999", token: row.token });
      expect(r.gross).to.equal(row.amount.toString());
      expect(BigInt(r.net!) + BigInt(r["tax_20"] || "0") + BigInt(r["tax_5.5"] || "0")).to.equal(row.amount);
      expect([r.paid, r.released, r.refunded, r.fees, r.status]).to.deep.equal([
        row.paid.toString(),
        row.released.toString(),
        row.refunded.toString(),
        row.fees.toString(),
        row.status,
      ]);
      expect(r.tx_hashes!.split(" ")).to.include(row.createdTxHash);
    }
    const refunded = invoices.find((r) => r.onchain_id === ids[0]!.toString())!;
    expect(notes[0]).to.include({ refers_to: refunded.number, gross: "100001", onchain_id: refunded.onchain_id });
    expect(notes[0]!.number).to.equal(`CN-${refunded.number!.slice(0, -4)}0001`);
    expect(BigInt(notes[0]!.net!) + BigInt(notes[0]!.tax_20!)).to.equal(100001n);
    expect(refunded.refunded).to.equal(notes[0]!.gross);
    const payment = (await t.real.reader.historyByInvoice(ids[0]!)).find((h) => h.kind === "invoice_paid")!;
    expect(refunded.payments).to.equal(`${payment.amount}@${payment.txHash}`);
    expect(notes[0]!.payments).to.equal("");
    expect(invoices.find((r) => r.onchain_id === ids[1]!.toString())!.payments).to.equal("");
  });

  it("answers a ZIP of the CSV and each document's e-invoice, the same bytes the einvoice route serves", async function () {
    await becomeEinvoiceSeller(t, merchant);
    const testUsd = t.real.deployment.tokens!.TestUSD!.address;
    const usd = new Contract(testUsd, artifactAbi("tokens/TestUSD.sol/TestUSD.json"), t.real.admin);
    await (await usd.getFunction("mint")(payer.address, parseUnits("1000", 6))).wait();
    const lineItems = [{ description: "Conseil", quantity: 1, unitPrice: parseUnits("100", 6).toString(), taxRate: "20" }];
    const create = (token: string) =>
      issueEinvoiceReady(t, merchant, token, { payer: payer.address, customer: EINVOICE_CUSTOMER, lineItems });
    const usdId = await create(testUsd);
    const setlId = await create(t.real.deployment.contracts.SettleToken.address);
    await act(payer, BigInt(usdId), { action: "pay" });
    await act(merchant, BigInt(usdId), { action: "refund", amount: parseUnits("12", 6).toString() });
    const refusal = await t.app.request(`/invoices/${setlId}/einvoice?format=ubl`, { headers: merchant.auth });
    expect(refusal.status).to.equal(422);
    const refusedCode = await errorCode(refusal);
    const payments = (await (await t.app.request(`/invoices/${usdId}/payments`, { headers: merchant.auth })).json()) as {
      payments: Array<{ amount: string; txHash: string }>;
    };
    const to = (await t.real.provider.getBlock("latest"))!.timestamp + 365 * 86400;

    for (const format of ["facturx", "ubl", "cii"]) {
      const res = await t.app.request(`/invoices/export?from=0&to=${to}&format=${format}`, { headers: merchant.auth });
      expect(res.status, await res.clone().text()).to.equal(200);
      expect(res.headers.get("content-type")).to.equal("application/zip");
      expect(res.headers.get("content-disposition")).to.equal(`attachment; filename="settle-invoices-0-${to}-${format}.zip"`);
      const zip = unzipSync(new Uint8Array(await res.arrayBuffer()));
      const csvName = `settle-invoices-0-${to}.csv`;
      const text = new TextDecoder().decode(zip[csvName]);
      expect(text.split("\r\n")[0]).to.match(/,tx_hashes,payments,einvoice$/);
      const rows = parseCsv(text);
      const invoice = rows.find((r) => r.kind === "invoice" && r.onchain_id === usdId)!;
      const note = rows.find((r) => r.kind === "credit_note" && r.onchain_id === usdId)!;
      const refused = rows.find((r) => r.onchain_id === setlId)!;
      expect(invoice.payments).to.equal(payments.payments.map((p) => `${p.amount}@${p.txHash}`).join(" "));
      expect(refused.einvoice, format).to.equal(refusedCode);
      for (const [row, query] of [
        [invoice, ""],
        [note, `&creditNote=${note.number}`],
      ] as const) {
        const served = await t.app.request(`/invoices/${usdId}/einvoice?format=${format}${query}`, { headers: merchant.auth });
        expect(served.status, await served.clone().text()).to.equal(200);
        expect(served.headers.get("content-disposition")).to.equal(`attachment; filename="${row.einvoice}"`);
        const bytes = zip[row.einvoice!];
        expect(bytes, `${format} ${row.einvoice}`).to.not.equal(undefined);
        expect(Buffer.from(bytes!).equals(Buffer.from(await served.arrayBuffer())), `${format} ${row.einvoice}`).to.equal(true);
      }
      // Nothing else in the ZIP: the CSV and one file per document that can be an e-invoice.
      const named = rows.map((r) => r.einvoice!).filter((name) => name in zip);
      expect(Object.keys(zip).sort()).to.deep.equal([csvName, ...named].sort());
    }
  });

  it("refuses a bad period or format (400) and a caller signed out (401)", async function () {
    for (const query of ["from=10&to=5", "from=0&to=10&format=xlsx", "from=0&to=10&format=pdf", "to=10"]) {
      expect((await t.app.request(`/invoices/export?${query}`, { headers: merchant.auth })).status, query).to.equal(400);
    }
    expect((await t.app.request("/invoices/export?from=0&to=10")).status).to.equal(401);
  });
});
