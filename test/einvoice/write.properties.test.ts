/**
 * Random Settle invoices become e-invoices that CEN's schema and rules accept, or are refused for a figure that is not a
 * whole number of cents: never an invalid e-invoice. Replay a failure with FC_SEED=<seed> FC_PATH=<path> (both printed
 * on failure); FC_RUNS overrides the run count.
 */
import { expect } from "chai";
import fc from "fast-check";
import { computeInvoiceTotals } from "../../core/invoice/totals";
import type { InvoiceLine } from "../../einvoice/input";
import { EINVOICE_FORMATS, type EinvoiceFormat } from "../../einvoice/map";
import { EinvoiceRefusal } from "../../einvoice/refusal";
import { formatFailure, validateXml, type Artifacts } from "../../einvoice/validate";
import { writeEinvoice } from "../../einvoice/write";
import { artifactsOrSkip } from "../helpers/einvoice";
import { CENT, frenchInvoice } from "../helpers/einvoice-fixtures";

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

/** A line priced in whole currency units, so that many (not all) random invoices have taxes in whole cents. */
const LINE: fc.Arbitrary<InvoiceLine> = fc
  .record({
    description: TEXT,
    quantity: fc.bigInt({ min: 1n, max: 20n }),
    units: fc.bigInt({ min: 1n, max: 5_000n }),
    discountShare: fc.integer({ min: 0, max: 100 }),
    tax: fc.constantFrom(
      { taxRate: "20" },
      { taxRate: "10" },
      { taxRate: "5.5" },
      { taxRate: "2.1" },
      { taxRate: "0" },
      { taxRate: "0", taxMention: "exempt" as const },
      { taxRate: "0", taxMention: "reverse_charge" as const },
    ),
  })
  .map(({ description, quantity, units, discountShare, tax }) => {
    const unitPrice = units * 100n * CENT;
    const discount = (((quantity * units * BigInt(discountShare)) / 100n) * 100n * CENT) / 2n;
    return { description, quantity, unitPrice, discount: discount - (discount % (100n * CENT)), ...tax };
  });

describe("Settle invoice to EN 16931 e-invoice (properties)", function () {
  let artifacts: Artifacts;
  before(function () {
    artifacts = artifactsOrSkip(this);
  });

  it("writes every random invoice as CII and UBL that pass the CEN rules, or refuses it for a tax that is not whole cents", async function () {
    const property = fc.asyncProperty(fc.array(LINE, { minLength: 1, maxLength: 4 }), TEXT, async (lines, buyerName) => {
      const invoice = frenchInvoice({ lines, buyer: { ...frenchInvoice().buyer, name: buyerName } });
      const wholeCents = computeInvoiceTotals(lines).taxes.every((tax) => tax.amount % CENT === 0n);
      for (const format of Object.keys(EINVOICE_FORMATS) as EinvoiceFormat[]) {
        const written = await writeEinvoice(invoice, format).catch((error: unknown) => error);
        if (!wholeCents) {
          expect(written).to.be.instanceOf(EinvoiceRefusal).with.property("code", "not_whole_cents");
          continue;
        }
        expect(written).to.be.a("string");
        const { failures } = await validateXml(written as string, { artifacts });
        expect(failures.map(formatFailure), format).to.deep.equal([]);
      }
    });
    const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
    // The fixture's invoice first: whatever the random runs draw, at least one invoice is written and validated.
    const examples: Array<[InvoiceLine[], string]> = [[[...frenchInvoice().lines], frenchInvoice().buyer.name]];
    const details = await fc.check(property, { numRuns: RUNS, seed, path: process.env.FC_PATH, endOnFailure: true, examples });
    if (details.failed) {
      console.error(`      replay with FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath}`);
      throw new Error(fc.defaultReportMessage(details));
    }
  });
});
