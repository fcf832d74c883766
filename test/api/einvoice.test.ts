/**
 * E-invoices through the API on the shared real index: an issued invoice in a declared stablecoin downloaded as
 * Factur-X PDF, UBL and CII, each passing the CEN rules; a stablecoin invoice whose tax is rounded to the cent and an
 * invoice priced in dollars, with the draft's totals; refusals as 422 with their code; the lookup by the remittance
 * reference the payment means carry.
 */
import { expect } from "chai";
import { type HDNodeWallet, parseEther } from "ethers";
import { checkFacturX } from "../../einvoice/facturx/check";
import { formatFailure, isFatal, validateXml, type Artifacts } from "../../einvoice/validate";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";
import { artifactsOrSkip } from "../helpers/einvoice";
import { EINVOICE_CUSTOMER, becomeEinvoiceSeller, issueEinvoiceReady } from "../helpers/einvoice-api";

/** A signed-in node account. */
interface Actor {
  signer: HDNodeWallet;
  address: string;
  auth: Record<string, string>;
}

describeBackends("API e-invoices (on the shared real index)", function () {
  this.timeout(300_000);
  let artifacts: Artifacts;
  let t: TestApp;
  let merchant: Actor, payer: Actor;
  let usdInvoice: string, setlInvoice: string;
  let customerId: string;

  /** Creates an invoice on chain from a draft (`over` adds to or replaces parts of the body); returns its on-chain id. */
  const create = (token: string, over: Record<string, unknown> = {}) =>
    issueEinvoiceReady(t, merchant, token, { payer: payer.address, customerId, ...over });

  before(async function () {
    artifacts = artifactsOrSkip(this);
    t = await makeApp();
    const actor = async (): Promise<Actor> => {
      const signer = await t.real.freshSigner();
      return { signer, ...(await signIn(t, signer)) };
    };
    [merchant, payer] = [await actor(), await actor()];
    await (await t.real.contracts.setl.getFunction("transfer")(payer.address, parseEther("100"))).wait();
    await becomeEinvoiceSeller(t, merchant);
    const saved = await t.app.request("/customers", jsonRequest("POST", EINVOICE_CUSTOMER, merchant.auth));
    expect(saved.status, await saved.clone().text()).to.equal(201);
    customerId = ((await saved.json()) as { id: string }).id;
    usdInvoice = await create(t.real.deployment.tokens!.TestUSD!.address);
    setlInvoice = await create(t.real.deployment.contracts.SettleToken.address);
  });
  after(async function () {
    await t?.close();
  });

  const download = (id: string, format: string, auth: Record<string, string>) =>
    t.app.request(`/invoices/${id}/einvoice?format=${format}`, { headers: auth });

  for (const format of ["facturx", "ubl", "cii"] as const) {
    it(`serves an invoice in a declared stablecoin as ${format}, which the CEN rules accept`, async function () {
      const res = await download(usdInvoice, format, payer.auth);
      expect(res.status, await res.clone().text()).to.equal(200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      let xml: string;
      if (format === "facturx") {
        expect(res.headers.get("content-type")).to.equal("application/pdf");
        const report = await checkFacturX(bytes);
        expect(report.problems).to.deep.equal([]);
        xml = report.xml!;
      } else {
        expect(res.headers.get("content-type")).to.equal("application/xml");
        xml = new TextDecoder().decode(bytes);
      }
      expect(res.headers.get("content-disposition")).to.match(/^attachment; filename="invoice-.+\.(pdf|ubl\.xml|cii\.xml)"$/);
      const { failures } = await validateXml(xml, { artifacts });
      expect(failures.filter(isFatal).map(formatFailure)).to.deep.equal([]);
      expect(xml).to.include(`settle:${t.real.deployment.chainId}:`);
    });
  }

  /** The UBL e-invoice of `id`, checked against the CEN rules; its payable amount and payment means' name. */
  async function ublOf(id: string): Promise<{ payable: string; means: string }> {
    const res = await download(id, "ubl", merchant.auth);
    expect(res.status, await res.clone().text()).to.equal(200);
    const xml = await res.text();
    const { failures } = await validateXml(xml, { artifacts });
    expect(failures.filter(isFatal).map(formatFailure)).to.deep.equal([]);
    return {
      payable: /<cbc:PayableAmount currencyID="USD">([\d.]+)</.exec(xml)![1]!,
      means: /<cbc:PaymentMeansCode name="([^"]+)"/.exec(xml)![1]!,
    };
  }

  it("rounds a stablecoin invoice's tax to the cent, so 5.5 % on 39.98 TestUSD is an e-invoice that agrees with the draft", async function () {
    const lineItems = [{ description: "Books", quantity: 2, unitPrice: 19_990_000n.toString(), taxRate: "5.5" }];
    const id = await create(t.real.deployment.tokens!.TestUSD!.address, { lineItems });
    const invoice = (await (await t.app.request(`/invoices/${id}`, { headers: merchant.auth })).json()) as {
      onchain: { amount: string };
      details: { taxes: Array<{ rate: string; base: string; amount: string }> };
    };
    expect(invoice.details.taxes).to.deep.include({ rate: "5.5", base: "39980000", amount: "2200000" });
    expect(invoice.onchain.amount).to.equal("42180000"); // 39.98 + 2.20, not 39.98 + 2.1989
    expect((await ublOf(id)).payable).to.equal("42.18");
  });

  it("serves the e-invoice of an invoice priced in dollars in its price's amounts, naming the token it accepts", async function () {
    const lineItems = [{ description: "Consulting hour", quantity: 2, unitPrice: "1999", taxRate: "5.5" }];
    const testUsd = t.real.deployment.tokens!.TestUSD!.address;
    const id = await create(testUsd, { currency: "USD", lineItems });
    // 39.98 USD + 5.5 % (2.1989, rounded to 2.20): the price, whatever the token amount paid.
    const ubl = await ublOf(id);
    expect(ubl.payable).to.equal("42.18");
    expect(ubl.means).to.include(testUsd).and.include("USD rate when paid");
    for (const format of ["cii", "facturx"]) expect((await download(id, format, payer.auth)).status, format).to.equal(200);
  });

  it("answers 422 not_a_currency for an invoice in a token not declared a stablecoin", async function () {
    const res = await download(setlInvoice, "ubl", merchant.auth);
    expect(res.status).to.equal(422);
    expect(await errorCode(res)).to.equal("not_a_currency");
  });

  it("lets in only the invoice's parties (401 signed out) and names a bad format (400)", async function () {
    expect((await download(usdInvoice, "cii", {})).status).to.equal(401);
    const res = await download(usdInvoice, "pdf", merchant.auth);
    expect(res.status).to.equal(400);
    expect(JSON.stringify(await res.json())).to.include("format");
  });

  it("finds the invoice by the remittance reference its e-invoice carries", async function () {
    const escrow = t.real.deployment.contracts.PaymentEscrow.address;
    const ref = `settle:${t.real.deployment.chainId}:${escrow}:${usdInvoice}`;
    const res = await t.app.request(`/invoices/by-reference?ref=${encodeURIComponent(ref)}`, { headers: merchant.auth });
    expect(res.status, await res.clone().text()).to.equal(200);
    expect(await res.json()).to.include({
      id: usdInvoice,
      einvoice: `/invoices/${usdInvoice}/einvoice?chainId=${t.real.deployment.chainId}&format=facturx`,
    });
    const elsewhere = `settle:1:${escrow}:${usdInvoice}`;
    const other = await t.app.request(`/invoices/by-reference?ref=${encodeURIComponent(elsewhere)}`, { headers: merchant.auth });
    expect(other.status).to.equal(404);
    expect(await errorCode(other)).to.equal("reference_not_here");
    expect((await t.app.request("/invoices/by-reference?ref=F-2026-0001", { headers: merchant.auth })).status).to.equal(400);
  });

  it("describes the route in the OpenAPI document with both media types and the 422", async function () {
    const spec = (await (await t.app.request("/openapi.json")).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    const route = spec.paths["/invoices/{id}/einvoice"]!.get;
    expect(Object.keys(route.responses["200"]!.content)).to.have.members(["application/pdf", "application/xml"]);
    expect(route.responses).to.have.property("422");
    expect(spec.paths).to.have.property("/invoices/by-reference");
  });
});
