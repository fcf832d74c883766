import { expect } from "chai";
import { formatFailure, validateXml, type Artifacts } from "../../einvoice/validate";
import { EinvoiceRefusal, type RefusalCode } from "../../einvoice/refusal";
import type { SettleInvoice } from "../../einvoice/input";
import { stablecoinCurrency } from "../../core/invoice/stablecoins";
import { writeEinvoice } from "../../einvoice/write";
import { EINVOICE_FORMATS, type EinvoiceFormat } from "../../einvoice/map";
import { artifactsOrSkip } from "../helpers/einvoice";
import { CENT, documentTotals, frenchInvoice, pricedInvoice, writtenTotals } from "../helpers/einvoice-fixtures";

const FORMATS = Object.keys(EINVOICE_FORMATS) as EinvoiceFormat[];

/** The refusal `write` throws: its code and message. */
async function refusal(write: () => Promise<unknown>): Promise<{ code: RefusalCode; message: string }> {
  const error = await write().then(
    () => expect.fail("the e-invoice was written"),
    (thrown: unknown) => thrown,
  );
  expect(error).to.be.instanceOf(EinvoiceRefusal);
  return error as EinvoiceRefusal;
}

describe("Settle invoice to EN 16931 e-invoice", function () {
  let artifacts: Artifacts;
  before(function () {
    artifacts = artifactsOrSkip(this);
  });

  const cases: Array<{ what: string; invoice: SettleInvoice }> = [
    { what: "a French invoice (20 % and 5.5 %, a discount, a reverse-charge line, a buyer with a SIREN)", invoice: frenchInvoice() },
    {
      what: "its credit note (381, referring to the invoice)",
      invoice: frenchInvoice({
        kind: "credit_note",
        number: "CN-F-2026-0001",
        creditedInvoice: "F-2026-0001",
        lines: frenchInvoice().lines.slice(0, 1),
      }),
    },
    {
      what: "an invoice with an exempt line and a zero-rated line, to a buyer known by email only",
      invoice: frenchInvoice({
        buyer: { name: "Jane Doe", address: { line1: "1 Main Street", city: "Dublin", country: "IE" }, email: "jane@example.com" },
        lines: [
          {
            description: "Training (franchise en base)",
            quantity: 1n,
            unitPrice: 250_00n * CENT,
            discount: 0n,
            taxRate: "0",
            taxMention: "exempt",
          },
          { description: "Export freight", quantity: 4n, unitPrice: 12_50n * CENT, discount: 5_00n * CENT, taxRate: "0" },
        ],
      }),
    },
    {
      what: "a stablecoin invoice whose tax is not whole cents in token units (5.5 % on 39.98 is 2.20, not 2.1989)",
      invoice: frenchInvoice({ lines: [{ description: "Books", quantity: 2n, unitPrice: 19_99n * CENT, discount: 0n, taxRate: "5.5" }] }),
    },
    { what: "an invoice priced in euros, payable in any token with a price feed", invoice: pricedInvoice() },
  ];

  for (const { what, invoice } of cases) {
    for (const format of FORMATS) {
      it(`writes ${what} as ${format.toUpperCase()} that the CEN schema and rules accept, with the document's totals`, async function () {
        const xml = await writeEinvoice(invoice, format);
        const { failures } = await validateXml(xml, { artifacts });
        expect(failures.map(formatFailure)).to.deep.equal([]);
        expect(await writtenTotals(xml, format)).to.deep.equal(documentTotals(invoice));
      });
    }
  }

  describe("refusals", function () {
    it("refuses a token the deployment does not declare a stablecoin, saying why", async function () {
      const invoice = frenchInvoice();
      const setl = { ...invoice.payment, token: { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", symbol: "SETL", decimals: 18 } };
      const { code, message } = await refusal(() => writeEinvoice({ ...invoice, payment: setl }, "cii"));
      expect(code).to.equal("not_a_currency");
      expect(message).to.equal(
        "SETL (0x5FbDB2315678afecb367f032d93F642f64180aa3) on chain 31337 is not declared a stablecoin of a currency in " +
          "config/stablecoins.json: an e-invoice's amounts must be in an ISO 4217 currency",
      );
    });

    it("refuses a line priced below the cent rather than round it away from the document", async function () {
      const lines = [{ description: "Books", quantity: 1n, unitPrice: 19_995n * (CENT / 10n), discount: 0n, taxRate: "5.5" }];
      const { code, message } = await refusal(() => writeEinvoice(frenchInvoice({ lines }), "ubl"));
      expect(code).to.equal("not_whole_cents");
      expect(message).to.match(/^line 1's net amount is 19\.995 TestUSD, not a whole number of cents/);
    });

    it("refuses a control character in free text, naming the field and the character", async function () {
      const lines = [{ ...frenchInvoice().lines[0]!, description: "Conseil\u0001" }];
      const { code, message } = await refusal(() => writeEinvoice(frenchInvoice({ lines }), "cii"));
      expect(code).to.equal("invalid_text");
      expect(message).to.equal("line 1's description contains U+0001, which an XML e-invoice cannot carry: remove it");
    });

    it("refuses a buyer without a postal address, naming the rule", async function () {
      const { code, message } = await refusal(() =>
        writeEinvoice(frenchInvoice({ buyer: { name: "Jane Doe", email: "jane@example.com" } }), "ubl"),
      );
      expect(code).to.equal("missing_detail");
      expect(message).to.include("the buyer's postal address is missing");
    });
  });
});

describe("config/stablecoins.json", function () {
  it("declares USDC on Ethereum and the deploy's TestUSD on local chains as dollars, and nothing for SETL", function () {
    expect(stablecoinCurrency(1, "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48")).to.equal("USD");
    expect(
      stablecoinCurrency(31337, "0x1234567890123456789012345678901234567890", {
        TestUSD: { address: "0x1234567890123456789012345678901234567890" },
      }),
    ).to.equal("USD");
    expect(stablecoinCurrency(31337, "0x1234567890123456789012345678901234567890")).to.equal(null);
    expect(stablecoinCurrency(1, "0x6B175474E89094C44Da98b954EedeAC495271d0F")).to.equal("USD");
  });
});
