/**
 * core/invoice/totals: exact invoice arithmetic. Examples pin the rounding rule (tax per rate on the sum of the nets,
 * half-up); fast-check properties check it over random invoices. Replay a failure with FC_SEED=<seed>
 * FC_PATH=<path> (both printed by fast-check).
 */
import { expect } from "chai";
import fc from "fast-check";
import {
  type LineInput,
  computeInvoiceTotals,
  divideHalfUp,
  isTaxRate,
  normalizeTaxRate,
  parseTaxRate,
  taxOn,
} from "../../core/invoice/totals";
import { creditSplit } from "../../core/invoice/credit";
import { minorUnits, taxRoundingUnit } from "../../core/invoice/currency";
import { amountsCurrency, invoiceTaxUnit } from "../../core/invoice/stablecoins";

const replay = { seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined, path: process.env.FC_PATH, numRuns: 300 };

/** Rates as they are written: whole, one to three decimals, some with trailing zeros. */
const rateArb = fc
  .tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 999 }), fc.constantFrom(0, 1, 2, 3))
  .map(([whole, fraction, decimals]) => {
    if (whole === 100 || decimals === 0) return String(whole);
    return `${whole}.${String(fraction).padStart(3, "0").slice(0, decimals)}`;
  });

const lineArb: fc.Arbitrary<LineInput> = fc
  .record({
    quantity: fc.bigInt({ min: 0n, max: 1_000_000_000n }),
    unitPrice: fc.bigInt({ min: 0n, max: 10n ** 24n }),
    discountShare: fc.bigInt({ min: 0n, max: 1000n }),
    taxRate: rateArb,
  })
  .map(({ quantity, unitPrice, discountShare, taxRate }) => ({
    quantity,
    unitPrice,
    discount: (quantity * unitPrice * discountShare) / 1000n,
    taxRate,
  }));

const invoiceArb = fc.array(lineArb, { minLength: 1, maxLength: 12 });

describe("core/invoice/totals", function () {
  describe("tax rates", function () {
    it("accepts percentages from 0 to 100 with at most three decimals", function () {
      for (const rate of ["0", "5.5", "20", "9.975", "100", "100.000", "0.001"]) expect(isTaxRate(rate), rate).to.equal(true);
      for (const rate of ["", "-1", "05", "1e2", "100.001", "20.", ".5", "5.5555", "20 ", "1000"])
        expect(isTaxRate(rate), rate).to.equal(false);
    });

    it("normalizes the way a rate is written", function () {
      expect(normalizeTaxRate("5.50")).to.equal("5.5");
      expect(normalizeTaxRate("20.000")).to.equal("20");
      expect(normalizeTaxRate("0.010")).to.equal("0.01");
      expect(parseTaxRate("9.975")).to.equal(9975n);
    });

    it("explains a bad rate", function () {
      expect(() => parseTaxRate("120")).to.throw("at most 100");
      expect(() => parseTaxRate("abc")).to.throw("percentage like 20 or 5.5");
    });
  });

  describe("rounding", function () {
    it("rounds half a base unit up and less than half down", function () {
      expect(divideHalfUp(5n, 10n)).to.equal(1n);
      expect(divideHalfUp(4n, 10n)).to.equal(0n);
      expect(divideHalfUp(15n, 10n)).to.equal(2n);
      expect(taxOn(5n, "10")).to.equal(1n);
      expect(taxOn(4n, "12.5")).to.equal(1n);
      expect(taxOn(1n, "49.999")).to.equal(0n);
      expect(() => divideHalfUp(-1n, 2n)).to.throw(RangeError);
    });

    it("taxes each rate once on the sum of its nets, not line by line", function () {
      // Three lines of 0.5 unit of tax each: per line half-up would give 3, on the sum it is 1.5 → 2.
      const lines = Array.from({ length: 3 }, () => ({ quantity: 1n, unitPrice: 5n, discount: 0n, taxRate: "10" }));
      const totals = computeInvoiceTotals(lines);
      expect(totals.taxes).to.deep.equal([{ rate: "10", base: 15n, amount: 2n }]);
      expect(totals.total).to.equal(17n);
    });
  });

  describe("in a currency: taxes rounded to its minor unit (BR-CO-17)", function () {
    /** TestUSD on a local chain: 6 decimals, declared a stablecoin of USD. */
    const money = { chainId: 31337, token: { address: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", decimals: 6 } };
    const deployedTokens = { TestUSD: { address: money.token.address } };

    it("knows the ISO 4217 minor units and rounds to at most a cent", function () {
      expect([minorUnits("EUR"), minorUnits("USD"), minorUnits("JPY"), minorUnits("KWD")]).to.deep.equal([2, 2, 0, 3]);
      expect(taxRoundingUnit(6, "USD")).to.equal(10_000n);
      expect(taxRoundingUnit(6, "KWD")).to.equal(10_000n); // EN 16931 amounts have at most two decimals
      expect(taxRoundingUnit(18, "JPY")).to.equal(10n ** 18n);
      expect(taxRoundingUnit(2, "EUR")).to.equal(1n);
      expect(taxRoundingUnit(2, "JPY")).to.equal(100n);
    });

    it("rounds a declared stablecoin's tax to the cent: 5.5 % on 39.98 USD is 2.20, not 2.1989", function () {
      const unit = invoiceTaxUnit({ ...money, deployedTokens });
      expect(unit).to.equal(10_000n);
      const totals = computeInvoiceTotals([{ quantity: 2n, unitPrice: 19_990_000n, discount: 0n, taxRate: "5.5" }], unit);
      expect(totals.taxes).to.deep.equal([{ rate: "5.5", base: 39_980_000n, amount: 2_200_000n }]);
      expect(totals.total).to.equal(42_180_000n);
      expect(computeInvoiceTotals([{ quantity: 1n, unitPrice: 50_000n, discount: 0n, taxRate: "10" }], unit).tax).to.equal(10_000n);
      expect(() => taxOn(1n, "10", 0n)).to.throw(RangeError);
    });

    it("keeps the base unit for a token not declared a stablecoin, hundredths for an invoice priced in a currency", function () {
      expect(invoiceTaxUnit(money)).to.equal(1n); // TestUSD not named in deployedTokens: not declared here
      expect(amountsCurrency(money)).to.equal(null);
      expect(invoiceTaxUnit({ ...money, pricedIn: "EUR" })).to.equal(1n);
      expect(amountsCurrency({ ...money, pricedIn: "EUR" })).to.deep.equal({ currency: "EUR", decimals: 2 });
      expect(invoiceTaxUnit({ ...money, pricedIn: "JPY" })).to.equal(100n);
      expect(amountsCurrency({ ...money, deployedTokens })).to.deep.equal({ currency: "USD", decimals: 6 });
    });

    it("rounds each rate's tax to the nearest multiple of the unit, so a stablecoin invoice in whole cents totals whole cents", async function () {
      const cents = fc.array(
        fc.record({ quantity: fc.bigInt({ min: 1n, max: 1000n }), cents: fc.bigInt({ min: 0n, max: 10n ** 9n }), taxRate: rateArb }),
        { minLength: 1, maxLength: 12 },
      );
      await fc.assert(
        fc.property(cents, (lines) => {
          const unit = 10_000n;
          const t = computeInvoiceTotals(
            lines.map((l) => ({ quantity: l.quantity, unitPrice: l.cents * unit, discount: 0n, taxRate: l.taxRate })),
            unit,
          );
          for (const { rate, base, amount } of t.taxes) {
            expect(amount % unit).to.equal(0n);
            const error = amount * 100_000n - base * parseTaxRate(rate); // tax × 100_000, off by at most half a cent
            expect(error > -50_000n * unit && error <= 50_000n * unit, `${rate}% of ${base} gave ${amount}`).to.equal(true);
          }
          expect(t.total % unit).to.equal(0n);
        }),
        replay,
      );
    });
  });

  describe("an invoice", function () {
    it("computes nets, tax per rate (by increasing rate) and gross", function () {
      const totals = computeInvoiceTotals([
        { quantity: 3n, unitPrice: 1_000_000n, discount: 100_000n, taxRate: "20" },
        { quantity: 1n, unitPrice: 250_000n, discount: 0n, taxRate: "5.5" },
        { quantity: 2n, unitPrice: 10_000n, discount: 0n, taxRate: "20.0" },
        { quantity: 1n, unitPrice: 99n, discount: 0n, taxRate: "0" },
      ]);
      expect(totals.nets).to.deep.equal([2_900_000n, 250_000n, 20_000n, 99n]);
      expect(totals.subtotal).to.equal(3_170_099n);
      expect(totals.taxes).to.deep.equal([
        { rate: "0", base: 99n, amount: 0n },
        { rate: "5.5", base: 250_000n, amount: 13_750n },
        { rate: "20", base: 2_920_000n, amount: 584_000n },
      ]);
      expect(totals.tax).to.equal(597_750n);
      expect(totals.total).to.equal(3_767_849n);
    });

    it("refuses a discount above the line's amount and negative figures", function () {
      expect(() => computeInvoiceTotals([{ quantity: 1n, unitPrice: 5n, discount: 6n, taxRate: "0" }])).to.throw(
        "line 1: the discount is larger",
      );
      expect(() => computeInvoiceTotals([{ quantity: -1n, unitPrice: 5n, discount: 0n, taxRate: "0" }])).to.throw(RangeError);
    });
  });

  describe("properties", function () {
    it("adds up to the base unit: gross = Σ net + Σ tax, Σ bases = Σ net", async function () {
      await fc.assert(
        fc.property(invoiceArb, (lines) => {
          const t = computeInvoiceTotals(lines);
          const nets = lines.map((l) => l.quantity * l.unitPrice - l.discount);
          expect(t.nets).to.deep.equal(nets);
          expect(t.subtotal).to.equal(nets.reduce((a, b) => a + b, 0n));
          expect(t.taxes.reduce((a, x) => a + x.base, 0n)).to.equal(t.subtotal);
          expect(t.total).to.equal(t.subtotal + t.taxes.reduce((a, x) => a + x.amount, 0n));
        }),
        replay,
      );
    });

    it("rounds each rate's tax to the nearest base unit, half up", async function () {
      await fc.assert(
        fc.property(invoiceArb, (lines) => {
          for (const { rate, base, amount } of computeInvoiceTotals(lines).taxes) {
            const exact = base * parseTaxRate(rate); // tax × 100_000
            const error = amount * 100_000n - exact; // in (-50_000, 50_000]
            expect(error > -50_000n && error <= 50_000n, `${rate}% of ${base} gave ${amount}`).to.equal(true);
          }
        }),
        replay,
      );
    });

    it("depends neither on the order of lines nor on how a rate is written or a line is split", async function () {
      await fc.assert(
        fc.property(invoiceArb, fc.nat(), (lines, pick) => {
          const t = computeInvoiceTotals(lines);
          expect(computeInvoiceTotals([...lines].reverse()).taxes).to.deep.equal(t.taxes);
          const line = lines[pick % lines.length]!;
          const net = line.quantity * line.unitPrice - line.discount;
          const fraction = line.taxRate.split(".")[1];
          const rewritten = fraction === undefined ? `${line.taxRate}.00` : fraction.length < 3 ? `${line.taxRate}0` : line.taxRate;
          const split = [
            ...lines.filter((l) => l !== line),
            { quantity: 1n, unitPrice: net / 2n, discount: 0n, taxRate: rewritten },
            { quantity: 1n, unitPrice: net - net / 2n, discount: 0n, taxRate: line.taxRate },
          ];
          const other = computeInvoiceTotals(split);
          expect(other.taxes).to.deep.equal(t.taxes);
          expect(other.total).to.equal(t.total);
        }),
        replay,
      );
    });

    it("never lowers the tax when the base grows", async function () {
      await fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10n ** 6n }), rateArb, (base, more, rate) => {
          expect(taxOn(base + more, rate) >= taxOn(base, rate)).to.equal(true);
        }),
        replay,
      );
    });
  });
});

describe("core/invoice/credit", function () {
  it("credits exactly the invoice's figures for a full refund", async function () {
    await fc.assert(
      fc.property(invoiceArb, (lines) => {
        const t = computeInvoiceTotals(lines);
        fc.pre(t.total > 0n);
        expect(creditSplit(t.taxes, t.total).taxes).to.deep.equal(t.taxes);
      }),
      replay,
    );
  });

  it("splits a partial refund into parts that add up to it, none above the invoice's", async function () {
    await fc.assert(
      fc.property(invoiceArb, fc.bigInt({ min: 0n, max: 10n ** 6n }), (lines, permille) => {
        const t = computeInvoiceTotals(lines);
        fc.pre(t.total > 0n);
        const refund = (t.total * permille) / 10n ** 6n;
        const credit = creditSplit(t.taxes, refund);
        expect(credit.total).to.equal(refund);
        expect(credit.net + credit.tax).to.equal(refund);
        credit.taxes.forEach((c, n) => {
          expect(c.base >= 0n && c.amount >= 0n).to.equal(true);
          expect(c.amount <= t.taxes[n]!.amount && c.base <= t.taxes[n]!.base).to.equal(true);
        });
      }),
      replay,
    );
  });

  it("credits half of a 20% invoice as half its net and half its tax, and refuses more than the gross", function () {
    const credit = creditSplit([{ rate: "20", base: 100n, amount: 20n }], 60n);
    expect(credit).to.deep.equal({ taxes: [{ rate: "20", base: 50n, amount: 10n }], net: 50n, tax: 10n, total: 60n });
    expect(() => creditSplit([{ rate: "20", base: 100n, amount: 20n }], 121n)).to.throw(RangeError);
  });
});
