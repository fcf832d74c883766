/**
 * Random Settle invoices in a stablecoin (and priced in a currency), priced in whole cents, become e-invoices that CEN's
 * schema and rules accept, with the human document's totals: taxes are rounded to the cent, so none is refused. Replay a failure with FC_SEED=<seed> FC_PATH=<path> (both printed
 * on failure); FC_RUNS overrides the run count.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { InvoiceLine } from "../../einvoice/input";
import { EINVOICE_FORMATS, type EinvoiceFormat } from "../../einvoice/map";
import { formatFailure, validateXml, type Artifacts } from "../../einvoice/validate";
import { writeEinvoice } from "../../einvoice/write";
import { artifactsOrSkip } from "../helpers/einvoice";
import { CENT, documentTotals, frenchInvoice, pricedInvoice, writtenTotals } from "../helpers/einvoice-fixtures";

/** Each run validates two documents (about a second each): a few runs keep the suite short. */
const RUNS = Number(process.env.FC_RUNS ?? 6);

/** Free text that must come out as XML that parses and validates: markup characters, quotes, emoji, right-to-left. */
const TEXT = fc.oneof(
  fc.constantFrom(`R&D <tools> & "quoted" 'single'`, "שירותי ייעוץ و مرحبا", "Fusée 🚀 — lancement", "]]> <![CDATA[ x"),
  fc
    .string({ unit: "grapheme", minLength: 1, maxLength: 40 })
    .map((text) => text.trim())
    .filter((text) => text.length > 0 && !/\p{Cc}/u.test(text)),
);

/** A line priced in whole cents of a 6-decimal stablecoin, with a discount in whole cents. */
const LINE: fc.Arbitrary<InvoiceLine> = fc
  .record({
    description: TEXT,
    quantity: fc.bigInt({ min: 1n, max: 20n }),
    cents: fc.bigInt({ min: 1n, max: 500_000n }),
    discountShare: fc.integer({ min: 0, max: 100 }),
    tax: fc.constantFrom(
      { taxRate: "20" },
      { taxRate: "10" },
      { taxRate: "5.5" },
      { taxRate: "2.1" },
      { taxRate: "9.975" },
      { taxRate: "0" },
      { taxRate: "0", taxMention: "exempt" as const },
      { taxRate: "0", taxMention: "reverse_charge" as const },
    ),
  })
  .map(({ description, quantity, cents, discountShare, tax }) => {
    const discount = (quantity * cents * BigInt(discountShare)) / 200n;
    return { description, quantity, unitPrice: cents * CENT, discount: discount * CENT, ...tax };
  });

describe("Settle invoice to EN 16931 e-invoice (properties)", function () {
  let artifacts: Artifacts;
  before(function () {
    artifacts = artifactsOrSkip(this);
  });

  it("writes every random invoice as CII and UBL that pass the CEN rules, with the human document's totals to the cent", async function () {
    const property = fc.asyncProperty(
      fc.array(LINE, { minLength: 1, maxLength: 4 }),
      TEXT,
      fc.boolean(),
      async (lines, buyerName, priced) => {
        const buyer = { ...frenchInvoice().buyer, name: buyerName };
        // Priced in euros, the same lines are in hundredths of a euro.
        const invoice = priced
          ? pricedInvoice({
              lines: lines.map((line) => ({ ...line, unitPrice: line.unitPrice / CENT, discount: line.discount / CENT })),
              buyer,
            })
          : frenchInvoice({ lines, buyer });
        for (const format of Object.keys(EINVOICE_FORMATS) as EinvoiceFormat[]) {
          const xml = await writeEinvoice(invoice, format);
          const { failures } = await validateXml(xml, { artifacts });
          expect(failures.map(formatFailure), format).to.deep.equal([]);
          expect(await writtenTotals(xml, format), format).to.deep.equal(documentTotals(invoice));
        }
      },
    );
    const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
    // The fixture's invoice first: whatever the random runs draw, at least one invoice is written and validated.
    const examples: Array<[InvoiceLine[], string, boolean]> = [[[...frenchInvoice().lines], frenchInvoice().buyer.name, false]];
    const details = await fc.check(property, { numRuns: RUNS, seed, path: process.env.FC_PATH, endOnFailure: true, examples });
    if (details.failed) {
      console.error(`      replay with FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath}`);
      throw new Error(fc.defaultReportMessage(details));
    }
  });
});
