import { expect } from "chai";

/** Every leaf of a catalogue as [path, value]. */
function leaves(value: unknown, path = ""): Array<[string, unknown]> {
  if (typeof value !== "object" || value === null) return [[path, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
}

/** The `{name}` placeholders of a text, sorted. */
const placeholders = (text: unknown) => (typeof text === "string" ? [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort() : []);

/**
 * The cases every set of translations passes (documents' labels, the page's catalogues): the same keys in every
 * language as in the first (the reference), no empty text, and the same placeholders for a key in every language.
 * Call inside a `describe`.
 */
export function itKeepsCataloguesAligned(catalogues: Record<string, unknown>): void {
  const [reference, ...others] = Object.entries(catalogues);

  it("has the same keys in every language", function () {
    const keys = leaves(reference![1]).map(([path]) => path);
    for (const [locale, catalogue] of others)
      expect(
        leaves(catalogue).map(([path]) => path),
        locale,
      ).to.deep.equal(keys);
  });

  it("has no empty text, and the same placeholders for a key in every language", function () {
    const first = new Map(leaves(reference![1]));
    for (const [locale, catalogue] of Object.entries(catalogues))
      for (const [path, text] of leaves(catalogue)) {
        expect(text, `${locale} ${path}`).not.to.equal("");
        expect(placeholders(text), `${locale} ${path}`).to.deep.equal(placeholders(first.get(path)));
      }
  });
}
