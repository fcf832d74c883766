/**
 * Invoices for accountants (issue 14) through the API on the shared real index: taxed drafts whose gross is the
 * on-chain amount and whose every figure the reference covers.
 */
import { expect } from "chai";
import { type JsonRpcSigner, parseEther } from "ethers";
import { invoiceReference } from "../../core/invoice/reference";
import { keccak256Utf8 } from "../../api/documents/hash";
import { storedDocument } from "../../api/documents/stored";
import { loadDraft } from "../../api/services/drafts";
import { issuePendingCreditNotes } from "../../api/jobs/credit-notes";
import { type TestApp, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { useRealIndex } from "../helpers/real-index";

interface Party {
  signer: JsonRpcSigner;
  address: string;
  auth: Record<string, string>;
}

/** A draft as POST /invoices answers it. */
interface CreatedDraft {
  id: string;
  reference: string;
  canonical: string;
  subtotal: string;
  taxes: Array<{ rate: string; base: string; amount: string }>;
  total: string;
  lineItems: Array<{ amount: string; discount: string; taxRate: string; taxMention: string | null }>;
  transaction: { to: string; data: string; value: string };
}

const UNIT = 10n ** 18n;

/** Three lines at 20 %, 5.5 % and exempt, one discounted: net 2 900 + 10 + 3 = 2 913 SETL. */
const TAXED_LINES = [
  { description: "Conseil (jours)", quantity: 3, unitPrice: (1000n * UNIT).toString(), discount: (100n * UNIT).toString(), taxRate: "20" },
  { description: "Livre", quantity: 1, unitPrice: (10n * UNIT).toString(), taxRate: "5.50" },
  { description: "Formation", quantity: 1, unitPrice: (3n * UNIT).toString(), taxRate: "0", taxMention: "exempt" },
];

describe("API accounting", function () {
  useRealIndex();
  this.timeout(300_000);
  let t: TestApp;
  let merchant: Party;
  let payer: Party;
  let setl: string;

  const party = async (i: number): Promise<Party> => {
    const signer = await t.real.signer(i);
    return { signer, ...(await signIn(t, signer)) };
  };

  /** POSTs a draft as the merchant; sends its createInvoice transaction unless `onchain` is false. */
  async function draft(lineItems: unknown[], onchain = true): Promise<CreatedDraft> {
    const head = (await t.real.provider.getBlock("latest"))!.timestamp;
    const body = { token: setl, payer: payer.address, dueDate: new Date((head + 30 * 86400) * 1000).toISOString(), lineItems };
    const res = await t.app.request("/invoices", jsonRequest("POST", body, merchant.auth));
    expect(res.status, await res.clone().text()).to.equal(201);
    const created = (await res.json()) as CreatedDraft;
    if (onchain) {
      const tx = created.transaction;
      await (await merchant.signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })).wait();
      await t.real.waitForIndex();
    }
    return created;
  }

  before(async function () {
    t = await makeApp();
    setl = t.real.deployment.contracts.SettleToken.address;
    // Accounts no other API test uses.
    [merchant, payer] = [await party(18), await party(19)];
    await (await t.real.contracts.setl.getFunction("transfer")(payer.address, parseEther("10000"))).wait();
    const prefix = await t.app.request("/users/me", jsonRequest("PATCH", { invoicePrefix: "F-{YYYY}-" }, merchant.auth));
    expect(prefix.status).to.equal(200);
  });
  after(async function () {
    await t.close();
  });

  describe("numbering", function () {
    const numberOf = async (id: bigint | string) => {
      const res = await t.app.request(`/invoices/${id}`, { headers: merchant.auth });
      return (await res.json()) as { details: { number: string | null }; onchain: { status: string } | null };
    };

    it("numbers invoices in the merchant's sequence once on chain, never drafts", async function () {
      const year = new Date(((await t.real.provider.getBlock("latest"))!.timestamp + 1) * 1000).getUTCFullYear();
      const sent = await draft(TAXED_LINES);
      const kept = await draft(TAXED_LINES, false);
      expect((await numberOf(kept.id)).details.number).to.equal(null);
      const id = (await t.real.reader.invoiceByReference(sent.reference))!.id;
      const number = (await numberOf(id)).details.number!;
      expect(number).to.match(new RegExp(`^F-${year}-\\d{4}$`));
      const html = await (await t.app.request(`/invoices/${id}/document`, { headers: merchant.auth })).text();
      expect(html).to.include(`Invoice ${number}`);
    });

    it("keeps a cancelled invoice's number, and gives the next invoice the next number", async function () {
      const first = await draft(TAXED_LINES);
      const id = (await t.real.reader.invoiceByReference(first.reference))!.id;
      const number = (await numberOf(id)).details.number!;
      const res = await t.app.request(`/invoices/${id}/transactions`, jsonRequest("POST", { action: "cancel" }, merchant.auth));
      expect(res.status, await res.clone().text()).to.equal(200);
      for (const tx of ((await res.json()) as { transactions: Array<{ to: string; data: string }> }).transactions) {
        await (await merchant.signer.sendTransaction({ to: tx.to, data: tx.data })).wait();
      }
      await t.real.waitForIndex();
      const cancelled = await numberOf(id);
      expect(cancelled.onchain!.status).to.equal("cancelled");
      expect(cancelled.details.number).to.equal(number);
      const next = await draft(TAXED_LINES);
      const seq = (n: string) => Number(n.slice(-4));
      const nextNumber = (await numberOf((await t.real.reader.invoiceByReference(next.reference))!.id)).details.number!;
      expect(seq(nextNumber)).to.equal(seq(number) + 1);
    });

    it("refuses a prefix that is not one (400 with the field)", async function () {
      const res = await t.app.request("/users/me", jsonRequest("PATCH", { invoicePrefix: "F<{YYYY}>" }, merchant.auth));
      expect(res.status).to.equal(400);
      expect(JSON.stringify(await res.json())).to.include("invoicePrefix");
    });
  });

  describe("credit notes", function () {
    /** Asks the API for `action`'s transactions as `actor` and sends them. */
    async function act(actor: Party, id: bigint, body: Record<string, unknown>): Promise<void> {
      const res = await t.app.request(`/invoices/${id}/transactions`, jsonRequest("POST", body, actor.auth));
      expect(res.status, await res.clone().text()).to.equal(200);
      for (const tx of ((await res.json()) as { transactions: Array<{ to: string; data: string; value: string }> }).transactions) {
        await (await actor.signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })).wait();
      }
      await t.real.waitForIndex();
    }

    it("gives each partial refund a numbered credit note with net and tax credited per rate, as HTML and PDF", async function () {
      const created = await draft(TAXED_LINES);
      const id = (await t.real.reader.invoiceByReference(created.reference))!.id;
      await act(payer, id, { action: "pay" });
      const refund = BigInt(created.total) / 4n;
      await act(merchant, id, { action: "refund", amount: refund.toString() });
      expect(await issuePendingCreditNotes(t.db, t.real.reader, Date.now())).to.be.greaterThan(0);
      await act(merchant, id, { action: "refund", amount: "1000" });

      const res = await t.app.request(`/invoices/${id}/credit-notes`, { headers: merchant.auth });
      expect(res.status).to.equal(200);
      const { items } = (await res.json()) as {
        items: Array<{ number: string; amount: string; net: string; taxes: Array<{ base: string; amount: string }>; documentPath: string }>;
      };
      expect(items.map((n) => n.amount)).to.deep.equal([refund.toString(), "1000"]);
      expect(items[0]!.number).to.match(/^CN-F-\d{4}-0001$/);
      expect(items[1]!.number).to.match(/^CN-F-\d{4}-0002$/);
      for (const note of items) {
        const parts = note.taxes.reduce((sum, x) => sum + BigInt(x.base) + BigInt(x.amount), 0n);
        expect(parts).to.equal(BigInt(note.amount));
        expect(note.taxes.reduce((sum, x) => sum + BigInt(x.base), 0n)).to.equal(BigInt(note.net));
      }
      const invoice = (await (await t.app.request(`/invoices/${id}`, { headers: merchant.auth })).json()) as {
        details: { number: string };
      };
      const number = invoice.details.number;
      const html = await (await t.app.request(items[0]!.documentPath, { headers: payer.auth })).text();
      for (const text of [`Credit note ${items[0]!.number}`, `Refund of invoice ${number}`, "Total credited", "Tax 20% credited"]) {
        expect(html, text).to.include(text);
      }
      const pdf = await t.app.request(items[0]!.documentPath.replace("/document?", "/document.pdf?"), { headers: merchant.auth });
      expect(pdf.status).to.equal(200);
      expect(pdf.headers.get("content-disposition")).to.include(`credit-note-${items[0]!.number}.pdf`);
      const missing = await t.app.request(`/invoices/${id}/document?creditNote=CN-nope`, { headers: merchant.auth });
      expect(missing.status).to.equal(404);
    });
  });

  describe("legal details", function () {
    const CUSTOMER = {
      name: "Atelier Dupont SARL",
      address: { line1: "12 rue de la Paix", postalCode: "75002", city: "Paris", country: "FR" },
      vatNumber: "fr 40 303 265 045",
      companyNumber: "73282932000074",
      email: "compta@dupont.example",
    };

    it("saves, lists, reads, replaces and deletes customers, each merchant its own", async function () {
      const created = await t.app.request("/customers", jsonRequest("POST", CUSTOMER, merchant.auth));
      expect(created.status, await created.clone().text()).to.equal(201);
      const customer = (await created.json()) as { id: string; vatNumber: string };
      expect(customer.vatNumber).to.equal("FR40303265045");
      const list = (await (await t.app.request("/customers", { headers: merchant.auth })).json()) as { items: Array<{ id: string }> };
      expect(list.items.map((c) => c.id)).to.include(customer.id);
      const replaced = await t.app.request(
        `/customers/${customer.id}`,
        jsonRequest("PUT", { ...CUSTOMER, name: "Dupont SA" }, merchant.auth),
      );
      expect(((await replaced.json()) as { name: string }).name).to.equal("Dupont SA");
      expect((await t.app.request(`/customers/${customer.id}`, { headers: payer.auth })).status).to.equal(404);
      expect((await t.app.request(`/customers/${customer.id}`, { method: "DELETE", headers: merchant.auth })).status).to.equal(204);
      expect((await t.app.request(`/customers/${customer.id}`, { headers: merchant.auth })).status).to.equal(404);
    });

    const refusals: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["a VAT number of the wrong shape", { vatNumber: "FR123" }, "vatNumber", /FR followed by/],
      ["a SIRET failing Luhn", { companyNumber: "73282932000075" }, "companyNumber", /Luhn/],
      ["an email without a domain", { email: "compta@" }, "email", /email address/],
    ];
    for (const [what, over, path, message] of refusals) {
      it(`refuses ${what} with a clear message (400)`, async function () {
        const res = await t.app.request("/customers", jsonRequest("POST", { ...CUSTOMER, ...over }, merchant.auth));
        expect(res.status).to.equal(400);
        const details = ((await res.json()) as { error: { details: Array<{ path: string; message: string }> } }).error.details;
        expect(details.find((d) => d.path === path)?.message).to.match(message);
      });
    }

    it("prints and hashes the seller's and the customer's details as they were when the draft was made", async function () {
      const profile = {
        company: "Settle Conseil SAS",
        billingAddress: { line1: "1 place de la Bourse", postalCode: "69002", city: "Lyon", country: "FR" },
        vatNumber: "FR40303265045",
        companyNumber: "732829320",
        paymentTerms: "30 jours fin de mois",
        invoiceFooter: "SAS au capital de 10 000 €, RCS Lyon 732 829 320",
      };
      expect((await t.app.request("/users/me", jsonRequest("PATCH", profile, merchant.auth))).status).to.equal(200);
      const saved = (await (await t.app.request("/customers", jsonRequest("POST", CUSTOMER, merchant.auth))).json()) as { id: string };
      const head = (await t.real.provider.getBlock("latest"))!.timestamp;
      const body = {
        token: setl,
        payer: payer.address,
        dueDate: new Date((head + 86400) * 1000).toISOString(),
        customerId: saved.id,
        lineItems: TAXED_LINES,
      };
      const res = await t.app.request("/invoices", jsonRequest("POST", body, merchant.auth));
      expect(res.status, await res.clone().text()).to.equal(201);
      const created = (await res.json()) as CreatedDraft & { id: string };
      const doc = JSON.parse(created.canonical) as { seller: Record<string, unknown>; customer: Record<string, unknown> };
      expect(doc.seller).to.include({ legalName: "Settle Conseil SAS", vatNumber: "FR40303265045", paymentTerms: "30 jours fin de mois" });
      expect(doc.customer).to.include({ name: "Atelier Dupont SARL", vatNumber: "FR40303265045", email: "compta@dupont.example" });
      // Later profile changes do not touch the draft.
      await t.app.request("/users/me", jsonRequest("PATCH", { paymentTerms: "À réception" }, merchant.auth));
      const html = await (await t.app.request(`/invoices/${created.id}/document`, { headers: merchant.auth })).text();
      for (const text of [
        "Settle Conseil SAS",
        "Atelier Dupont SARL",
        "VAT FR40303265045",
        "Company no. 73282932000074",
        "30 jours fin de mois",
        "RCS Lyon",
      ]) {
        expect(html, text).to.include(text);
      }
      const unknown = await t.app.request("/invoices", jsonRequest("POST", { ...body, customerId: crypto.randomUUID() }, merchant.auth));
      expect(unknown.status).to.equal(400);
    });
  });

  describe("languages", function () {
    it("writes a French invoice's documents in French, with French numbers and dates, and hashes the language", async function () {
      const head = (await t.real.provider.getBlock("latest"))!.timestamp;
      const body = {
        token: setl,
        payer: payer.address,
        dueDate: new Date((head + 86400) * 1000).toISOString(),
        language: "fr",
        lineItems: TAXED_LINES,
      };
      const res = await t.app.request("/invoices", jsonRequest("POST", body, merchant.auth));
      expect(res.status, await res.clone().text()).to.equal(201);
      const created = (await res.json()) as CreatedDraft & { id: string; language: string };
      expect(created.language).to.equal("fr");
      expect((JSON.parse(created.canonical) as { language: string }).language).to.equal("fr");
      const html = await (await t.app.request(`/invoices/${created.id}/document`, { headers: merchant.auth })).text();
      for (const text of [
        '<html lang="fr">',
        "Brouillon de facture",
        "Total HT",
        "TVA 5,5\u00a0%".replace("\u00a0", " "),
        "2\u202f900,00 SETL",
        "Exonéré",
        "art. 293 B du CGI",
        "Reste à payer",
      ]) {
        expect(html, text).to.include(text);
      }
      expect(html).to.match(/Échéance<\/dt><dd>\d{1,2} (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d{4}/);
      const pdf = await t.app.request(`/invoices/${created.id}/document.pdf`, { headers: merchant.auth });
      expect(pdf.status).to.equal(200);
    });

    it("refuses a language it does not speak (400 with the field)", async function () {
      const res = await t.app.request(
        "/invoices",
        jsonRequest("POST", { token: setl, language: "de", lineItems: TAXED_LINES, dueDate: "2099-01-01T00:00:00Z" }, merchant.auth),
      );
      expect(res.status).to.equal(400);
      expect(JSON.stringify(await res.json())).to.include("language");
    });
  });

  describe("taxes and discounts", function () {
    it("computes net, tax per rate on the sum of nets (half-up) and the gross, which is the on-chain amount", async function () {
      const created = await draft(TAXED_LINES);
      expect(created.lineItems.map((i) => i.amount)).to.deep.equal([2900n * UNIT, 10n * UNIT, 3n * UNIT].map(String));
      expect(created.lineItems.map((i) => i.taxRate)).to.deep.equal(["20", "5.5", "0"]);
      expect(created.subtotal).to.equal((2913n * UNIT).toString());
      expect(created.taxes).to.deep.equal([
        { rate: "0", base: (3n * UNIT).toString(), amount: "0" },
        { rate: "5.5", base: (10n * UNIT).toString(), amount: ((55n * UNIT) / 100n).toString() },
        { rate: "20", base: (2900n * UNIT).toString(), amount: (580n * UNIT).toString() },
      ]);
      const gross = 2913n * UNIT + 580n * UNIT + (55n * UNIT) / 100n;
      expect(created.total).to.equal(gross.toString());
      const row = (await t.real.reader.invoiceByReference(created.reference))!;
      expect(row.amount).to.equal(gross);
      const res = await t.app.request(`/invoices/${row.id}`, { headers: merchant.auth });
      const invoice = (await res.json()) as { detailsMatch: boolean; details: { taxes: unknown[] } };
      expect(invoice.detailsMatch).to.equal(true);
      expect(invoice.details.taxes).to.deep.equal(created.taxes);
    });

    it("hashes every figure and mention of the document (settle.invoice.v2)", async function () {
      const created = await draft(TAXED_LINES, false);
      const doc = JSON.parse(created.canonical) as { schema: string; lineItems: Array<Record<string, unknown>>; taxes: unknown[] };
      expect(doc.schema).to.equal("settle.invoice.v2");
      expect(doc.lineItems[0]).to.include({ discount: (100n * UNIT).toString(), net: (2900n * UNIT).toString(), taxRate: "20" });
      expect(doc.lineItems[2]).to.include({ taxMention: "exempt" });
      expect(doc.taxes).to.deep.equal(created.taxes);
      const loaded = (await loadDraft(t.db, { id: created.id }))!;
      expect(invoiceReference(storedDocument(loaded.draft, loaded.items), keccak256Utf8).reference).to.equal(created.reference);
      // Changing a stored rate (the figures shown) breaks the hash.
      const altered = loaded.items.map((i, n) => (n === 1 ? { ...i, tax_rate: "7" } : i));
      expect(invoiceReference(storedDocument(loaded.draft, altered), keccak256Utf8).reference).not.to.equal(created.reference);
    });

    it("shows the discount, the tax column, the tax per rate and the exemption on the document", async function () {
      const created = await draft(TAXED_LINES);
      const id = (await t.real.reader.invoiceByReference(created.reference))!.id;
      const html = await (await t.app.request(`/invoices/${id}/document`, { headers: merchant.auth })).text();
      for (const text of ["Discount", "−100.00 SETL", "5.5%", "Tax 20% on 2,900.00 SETL", "580.00 SETL", "Subtotal (net)", "VAT exempt"]) {
        expect(html, text).to.include(text);
      }
      expect(html).to.include('data-verification="verified"');
      const pdf = await t.app.request(`/invoices/${id}/document.pdf`, { headers: merchant.auth });
      expect(pdf.status).to.equal(200);
      expect(pdf.headers.get("content-type")).to.equal("application/pdf");
    });
  });
});
