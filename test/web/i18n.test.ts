import { expect } from "chai";
import { LOCALES } from "../../core/labels";
import { localeFromNavigator, PAGE_MESSAGES } from "../../web/src/i18n/catalogues";

/** Every leaf of a catalogue as [path, value]. */
function leaves(value: unknown, path = ""): Array<[string, unknown]> {
  if (typeof value !== "object" || value === null) return [[path, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
}

const placeholders = (text: unknown) => (typeof text === "string" ? [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort() : []);

describe("web/src/i18n: the page's catalogues", function () {
  const [reference, ...others] = Object.entries(PAGE_MESSAGES);

  it("has a page catalogue for every language the documents speak", function () {
    expect(Object.keys(PAGE_MESSAGES).sort()).to.deep.equal([...LOCALES].sort());
  });

  it("has the same keys in every language", function () {
    const keys = leaves(reference![1]).map(([path]) => path);
    for (const [locale, catalogue] of others)
      expect(
        leaves(catalogue).map(([path]) => path),
        locale,
      ).to.deep.equal(keys);
  });

  it("has no empty string, and the same placeholders for a key in every language", function () {
    const english = new Map(leaves(reference![1]));
    for (const [locale, catalogue] of Object.entries(PAGE_MESSAGES))
      for (const [path, text] of leaves(catalogue)) {
        expect(text, `${locale} ${path}`).to.be.a("string").and.match(/\S/);
        expect(placeholders(text), `${locale} ${path}`).to.deep.equal(placeholders(english.get(path)));
      }
  });

  it("follows the browser's first language it speaks, else English", function () {
    expect(localeFromNavigator(["fr-CA", "en-US"])).to.equal("fr");
    expect(localeFromNavigator(["de-DE", "en-GB"])).to.equal("en");
    expect(localeFromNavigator(["de-DE"])).to.equal("en");
    expect(localeFromNavigator([])).to.equal("en");
  });
});
