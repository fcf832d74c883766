import { expect } from "chai";
import fc from "fast-check";
import { luhnValid, normalizeVatNumber, siretProblem, vatNumberProblem } from "../../core/legal";

describe("core/legal", function () {
  describe("EU VAT numbers", function () {
    it("accepts each country's shape, written with spaces, dots or dashes", function () {
      for (const vat of [
        "FR40303265045",
        "fr 40 303 265 045",
        "DE136695976",
        "BE0417497106",
        "NL004495445B01",
        "EL094259216",
        "ESA28015865",
        "ATU13585627",
      ]) {
        expect(vatNumberProblem(vat), vat).to.equal(null);
      }
      expect(normalizeVatNumber("fr 40.303-265 045")).to.equal("FR40303265045");
    });

    it("names the country's shape when a number does not have it, and the prefixes when the country is unknown", function () {
      expect(vatNumberProblem("FR4030326504")).to.equal(
        "a FR VAT number is FR followed by 2 letters or digits (the key) and the 9-digit SIREN",
      );
      expect(vatNumberProblem("DE12345678")).to.equal("a DE VAT number is DE followed by 9 digits");
      expect(vatNumberProblem("GR094259216")).to.match(/^must start with an EU country prefix .*Greece is EL/);
      expect(vatNumberProblem("GB123456789")).to.match(/^must start with an EU country prefix/);
    });
  });

  describe("SIRET and SIREN", function () {
    it("accepts valid numbers and says what is wrong with the others", function () {
      expect(siretProblem("732 829 320 00074")).to.equal(null);
      expect(siretProblem("732829320")).to.equal(null);
      expect(siretProblem("73282932000075")).to.equal("fails the SIRET/SIREN check digit (Luhn): a digit is wrong");
      expect(siretProblem("7328293200007")).to.equal("a SIRET is 14 digits (a SIREN 9)");
    });

    it("catches every single-digit error (Luhn)", async function () {
      await fc.assert(
        fc.property(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 1, max: 9 }), (position, delta) => {
          const digits = "73282932000074".split("").map(Number);
          digits[position] = (digits[position]! + delta) % 10;
          expect(luhnValid(digits.join(""))).to.equal(false);
        }),
      );
    });
  });
});
