/**
 * The French reform's and the late-payment mentions in the e-invoice (issue 17): what the invoice covers, VAT on
 * debits, the penalty rate and the 40 euro indemnity as coded notes and payment terms, and the delivery place; every
 * document still passes the CEN schema and rules.
 */
import { expect } from "chai";
import * as SaxonJS from "saxon-js";
import { legalMentions } from "../../core/invoice/mentions";
import { formatFailure, validateXml, type Artifacts } from "../../einvoice/validate";
import type { SettleInvoice } from "../../einvoice/input";
import { writeEinvoice } from "../../einvoice/write";
import { artifactsOrSkip } from "../helpers/einvoice";
import { frenchInvoice } from "../helpers/einvoice-fixtures";

const DELIVERY = {
  name: "Atelier Dupont, entrepôt",
  address: { line1: "8 rue des Entrepôts", city: "Villeurbanne", postalCode: "69100", country: "FR" },
};

/** The fixture's French invoice with every mention, in French, delivered to its warehouse. */
function withMentions(overrides: Partial<SettleInvoice> = {}): SettleInvoice {
  const invoice = frenchInvoice(overrides);
  const mentions = legalMentions(
    { supply: "both", vatOnDebits: true, latePenalty: null, seller: invoice.seller, buyer: invoice.buyer },
    "fr",
  );
  return { ...invoice, delivery: DELIVERY, mentions };
}

/** XPath `expression` evaluated on `xml`, as strings. */
async function strings(xml: string, expression: string): Promise<string[]> {
  const doc = await SaxonJS.getResource({ text: xml, type: "xml" });
  return SaxonJS.XPath.evaluate(expression, doc, { resultForm: "array" }) as string[];
}

describe("E-invoice mentions of the French reform", function () {
  let artifacts: Artifacts;
  before(function () {
    artifacts = artifactsOrSkip(this);
  });

  for (const format of ["cii", "ubl"] as const) {
    it(`writes them in ${format.toUpperCase()} as the CEN schema and rules accept`, async function () {
      const xml = await writeEinvoice(withMentions(), format, "fr");
      const { failures } = await validateXml(xml, { artifacts });
      expect(failures.map(formatFailure)).to.deep.equal([]);
    });

    it(`keeps them in a ${format.toUpperCase()} credit note without the late-payment ones, still valid`, async function () {
      const invoice = withMentions({ kind: "credit_note", number: "CN-F-2026-0001", creditedInvoice: "F-2026-0001" });
      const note = { ...invoice, mentions: invoice.mentions!.filter((m) => m.kind === "supply" || m.kind === "vatOnDebits") };
      const xml = await writeEinvoice(note, format, "fr");
      const { failures } = await validateXml(xml, { artifacts });
      expect(failures.map(formatFailure)).to.deep.equal([]);
    });
  }

  it("gives each mention its own CII note with its subject code, BT-8 and BT-20 terms, and the ship-to address", async function () {
    const xml = await writeEinvoice(withMentions(), "cii", "fr");
    const notes = await strings(xml, "//*:ExchangedDocument/*:IncludedNote/concat(*:SubjectCode, '|', *:Content)");
    expect(notes).to.deep.equal([
      "AAI|Catégorie de l'opération : livraison de biens et prestation de services.",
      "TXD|Option pour le paiement de la taxe d'après les débits.",
      "PMD|Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de la date d'échéance.",
      "PMT|Indemnité forfaitaire pour frais de recouvrement de 40 € due par le client professionnel en cas de retard de paiement (art. L441-10 du Code de commerce).",
    ]);
    expect(await strings(xml, "//*:ApplicableHeaderTradeSettlement/*:ApplicableTradeTax/string(*:DueDateTypeCode)")).to.deep.equal([
      "5",
      "5",
      "5",
    ]);
    const [terms] = await strings(xml, "//*:SpecifiedTradePaymentTerms/string(*:Description)");
    expect(terms).to.match(/^30 jours Pénalités de retard : trois fois .* Indemnité forfaitaire pour frais de recouvrement de 40 €/);
    expect(await strings(xml, "//*:ShipToTradeParty/(string(*:Name), string(*:PostalTradeAddress/*:CityName))")).to.deep.equal([
      "Atelier Dupont, entrepôt",
      "Villeurbanne",
    ]);
    expect(await strings(xml, "//*:BuyerTradeParty/*:SpecifiedLegalOrganization/string(*:ID)")).to.deep.equal(["732829320"]);
  });

  it("writes UBL's notes with their subject code first, the VAT point date code 3 and the delivery location", async function () {
    const xml = await writeEinvoice(withMentions(), "ubl", "fr");
    const notes = await strings(xml, "/*/*:Note/string()");
    expect(notes.map((n) => n.slice(0, 5))).to.deep.equal(["#AAI#", "#TXD#", "#PMD#", "#PMT#"]);
    expect(await strings(xml, "/*/*:InvoicePeriod/string(*:DescriptionCode)")).to.deep.equal(["3"]);
    expect(await strings(xml, "//*:Delivery/*:DeliveryLocation/*:Address/string(*:StreetName)")).to.deep.equal(["8 rue des Entrepôts"]);
    const [terms] = await strings(xml, "/*/*:PaymentTerms/string(*:Note)");
    expect(terms).to.include("Indemnité forfaitaire pour frais de recouvrement de 40 €");
  });

  it("writes no mention, BT-8 or delivery location for an invoice without them", async function () {
    const xml = await writeEinvoice(frenchInvoice(), "cii");
    expect(xml).not.to.match(/SubjectCode|DueDateTypeCode|ShipToTradeParty>\s*<ram:Name>[^<]*<\/ram:Name>\s*<ram:PostalTradeAddress/);
  });
});
