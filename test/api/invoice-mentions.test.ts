/**
 * The French reform's and the late-payment mentions (issue 17) on the human document: the buyer's SIREN, the delivery
 * address, what the invoice covers, VAT on debits, the penalty rate and the 40 euro indemnity; and the draft API that
 * takes them (on the shared real index).
 */
import { expect } from "chai";
import { buildInvoiceDocument } from "../../api/documents/model";
import { buildCreditNoteDocument } from "../../api/documents/credit-note";
import { renderInvoiceHtml } from "../../api/documents/html";
import { renderInvoicePdf } from "../../api/documents/pdf";
import { englishExample, frenchCreditNote, frenchExample } from "../../scripts/einvoice-examples/fixtures";
import { type TestApp, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { pdfText } from "../helpers/pdf-text";
import { useRealIndex } from "../helpers/real-index";

/** What the French example must print, in French. */
const FRENCH_MENTIONS = [
  "SIREN 732829320",
  "Adresse de livraison",
  "Atelier Dupont, entrepôt",
  "8 rue des Entrepôts",
  "69100 Villeurbanne",
  "Catégorie de l'opération : livraison de biens et prestation de services.",
  "Option pour le paiement de la taxe d'après les débits.",
  "Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de la date d'échéance.",
  "Indemnité forfaitaire pour frais de recouvrement de 40 € due par le client professionnel",
];

/** `text` with runs of white space (line breaks of the PDF) as one space, and HTML's apostrophe unescaped. */
const flat = (text: string) => text.replace(/&#39;/g, "'").replace(/\s+/g, " ");

describe("Invoice document mentions", function () {
  it("prints the buyer's SIREN, the delivery address and every mention on the HTML document", function () {
    const html = flat(renderInvoiceHtml(buildInvoiceDocument(frenchExample())));
    for (const text of FRENCH_MENTIONS) expect(html, text).to.include(text);
  });

  it("prints them on the PDF too (its block headings in capitals)", async function () {
    const { text } = await pdfText(new Uint8Array(await renderInvoicePdf(buildInvoiceDocument(frenchExample()))));
    for (const mention of FRENCH_MENTIONS) expect(flat(text).toLowerCase(), mention).to.include(mention.toLowerCase());
  });

  it("keeps what the invoice covered and VAT on debits on its credit note, not the late-payment terms", function () {
    const model = buildCreditNoteDocument(frenchExample(), frenchCreditNote());
    expect(model.legalMentions.map((m) => m.kind)).to.deep.equal(["supply", "vatOnDebits"]);
  });

  it("prints no late-payment terms for a customer that is not a business, and no delivery block without a place", function () {
    const model = buildInvoiceDocument(englishExample());
    expect(model.legalMentions).to.deep.equal([]);
    expect(model.delivery).to.equal(null);
    expect(renderInvoiceHtml(model)).not.to.include("Deliver to");
  });
});

describe("API invoice mentions", function () {
  useRealIndex();
  this.timeout(300_000);
  let t: TestApp;
  let auth: Record<string, string>;
  let setl: string;

  const CUSTOMER = {
    name: "Atelier Dupont SARL",
    address: { line1: "3 place Bellecour", postalCode: "69002", city: "Lyon", country: "FR" },
    vatNumber: "FR44732829320",
    companyNumber: "732829320",
  };
  const WAREHOUSE = { line1: "8 rue des Entrepôts", postalCode: "69100", city: "Villeurbanne", country: "FR" };
  const LINES = [{ description: "Conseil", quantity: 1, unitPrice: "1000000000000000000000", taxRate: "20" }];

  /** A draft body due in 30 days with `extra` fields. */
  const body = (extra: Record<string, unknown>) => ({
    token: setl,
    dueDate: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    language: "fr",
    customer: CUSTOMER,
    lineItems: LINES,
    ...extra,
  });

  /** The field problems of a 400 answer, path → message. */
  async function problems(res: Response): Promise<Record<string, string>> {
    expect(res.status, await res.clone().text()).to.equal(400);
    const details = ((await res.json()) as { error: { code: string; details: Array<{ path: string; message: string }> } }).error.details;
    return Object.fromEntries(details.map((d) => [d.path, d.message]));
  }

  before(async function () {
    t = await makeApp();
    setl = t.real.deployment.contracts.SettleToken.address;
    // An account no other API test uses.
    ({ auth } = await signIn(t, await t.real.signer(17)));
    const profile = {
      company: "Settle Conseil SAS",
      billingAddress: { line1: "12 rue de la Paix", postalCode: "75002", city: "Paris", country: "FR" },
      companyNumber: "73282932000074",
    };
    expect((await t.app.request("/users/me", jsonRequest("PATCH", profile, auth))).status).to.equal(200);
  });
  after(async function () {
    await t.close();
  });

  it("saves the merchant's penalty rate and VAT-on-debits option, and refuses bad ones (400 with the field)", async function () {
    const res = await t.app.request("/users/me", jsonRequest("PATCH", { latePenalty: "10 % l'an", vatOnDebits: true }, auth));
    expect(res.status).to.equal(200);
    expect(await res.json()).to.include({ latePenalty: "10 % l'an", vatOnDebits: true });
    const bad = await problems(
      await t.app.request("/users/me", jsonRequest("PATCH", { latePenalty: "10\u0007", vatOnDebits: "yes" }, auth)),
    );
    expect(bad.latePenalty).to.match(/control characters/);
    expect(bad).to.have.property("vatOnDebits");
  });

  it("takes a delivery address and what the invoice covers, hashes them and prints every mention", async function () {
    await t.app.request("/users/me", jsonRequest("PATCH", { latePenalty: "10 % l'an", vatOnDebits: true }, auth));
    const res = await t.app.request(
      "/invoices",
      jsonRequest("POST", body({ supply: "services", delivery: { name: "Entrepôt Dupont", address: WAREHOUSE } }), auth),
    );
    expect(res.status, await res.clone().text()).to.equal(201);
    const draft = (await res.json()) as { id: string; canonical: string; supply: string; delivery: unknown };
    expect(draft.supply).to.equal("services");
    expect(draft.delivery).to.deep.equal({ name: "Entrepôt Dupont", address: WAREHOUSE });
    const canonical = JSON.parse(draft.canonical) as { supply: string; delivery: unknown; seller: Record<string, unknown> };
    expect(canonical).to.include({ supply: "services" });
    expect(canonical.delivery).to.deep.equal({ name: "Entrepôt Dupont", address: WAREHOUSE });
    expect(canonical.seller).to.include({ latePenalty: "10 % l'an", vatOnDebits: true });
    const html = flat(await (await t.app.request(`/invoices/${draft.id}/document`, { headers: auth })).text());
    for (const text of [
      "SIREN 732829320",
      "Adresse de livraison",
      "Entrepôt Dupont",
      "69100 Villeurbanne",
      "Catégorie de l'opération : prestation de services.",
      "Option pour le paiement de la taxe d'après les débits.",
      "Pénalités de retard : 10 % l'an, exigibles",
      "Indemnité forfaitaire pour frais de recouvrement de 40 €",
    ]) {
      expect(html, text).to.include(text);
    }
    expect(html).to.include('data-verification="not_on_chain"');
  });

  it("leaves out a delivery address that is the customer's billing address", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", body({ delivery: { address: CUSTOMER.address } }), auth));
    expect(res.status, await res.clone().text()).to.equal(201);
    const draft = (await res.json()) as { delivery: unknown; canonical: string };
    expect(draft.delivery).to.equal(null);
    expect(JSON.parse(draft.canonical)).not.to.have.property("delivery");
  });

  const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["a French customer's SIREN failing Luhn", { customer: { ...CUSTOMER, companyNumber: "732829321" } }, "customer.companyNumber", /Luhn/],
    ["an unknown kind of supply", { supply: "food" }, "supply", /goods|services|both/],
    [
      "a delivery country that is not a code",
      { delivery: { address: { ...WAREHOUSE, country: "France" } } },
      "delivery.address.country",
      /ISO 3166/,
    ],
    ["a delivery without an address", { delivery: { name: "Entrepôt" } }, "delivery.address", /./],
    ["an unknown delivery field", { delivery: { address: WAREHOUSE, floor: 2 } }, "delivery", /./],
  ];
  for (const [what, extra, path, message] of refusals) {
    it(`refuses ${what} (400 naming ${path})`, async function () {
      const found = await problems(await t.app.request("/invoices", jsonRequest("POST", body(extra), auth)));
      expect(found[path], JSON.stringify(found)).to.match(message);
    });
  }
});
