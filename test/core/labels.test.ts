import { expect } from "chai";
import { CATALOGUES, fill } from "../../core/labels";

/** Every leaf of a catalogue as [path, value]. */
function leaves(value: unknown, path = ""): Array<[string, unknown]> {
  if (typeof value !== "object" || value === null) return [[path, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
}

const placeholders = (text: unknown) => (typeof text === "string" ? [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort() : []);

describe("core/labels", function () {
  const [reference, ...others] = Object.entries(CATALOGUES);

  it("has the same keys in every language", function () {
    const keys = leaves(reference![1]).map(([path]) => path);
    for (const [locale, catalogue] of others)
      expect(
        leaves(catalogue).map(([path]) => path),
        locale,
      ).to.deep.equal(keys);
  });

  it("has no empty label, and the same placeholders for a key in every language", function () {
    const english = new Map(leaves(reference![1]));
    for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
      for (const [path, text] of leaves(catalogue)) {
        expect(text, `${locale} ${path}`).not.to.equal("");
        expect(placeholders(text), `${locale} ${path}`).to.deep.equal(placeholders(english.get(path)));
      }
    }
  });

  it("fills placeholders and leaves unknown ones", function () {
    expect(fill(CATALOGUES.fr.document.taxOn, { rate: "5,5", base: "10,00 SETL" })).to.equal("TVA 5,5 % sur 10,00 SETL");
    expect(fill("{a} {b}", { a: 1 })).to.equal("1 {b}");
  });
});
