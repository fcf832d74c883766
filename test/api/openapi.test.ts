import { Validator } from "@seriousme/openapi-schema-validator";
import { expect } from "chai";
import { type TestApp, makeApp } from "../helpers/api-app";
import { useRealIndex } from "../helpers/real-index";

/** Every `pattern` in `node` with the JSON path it sits at. */
function patternsIn(node: unknown, path = "$"): Array<{ path: string; pattern: string }> {
  if (Array.isArray(node)) return node.flatMap((item, i) => patternsIn(item, `${path}[${i}]`));
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "pattern" && typeof value === "string" ? [{ path, pattern: value }] : patternsIn(value, `${path}.${key}`),
  );
}

describe("/openapi.json", function () {
  useRealIndex();
  let t: TestApp;
  let doc: Record<string, unknown>;

  before(async function () {
    t = await makeApp();
    doc = (await (await t.app.request("/openapi.json")).json()) as Record<string, unknown>;
  });
  after(async () => t.close());

  it("is a valid OpenAPI 3.1 document", async function () {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it("carries only patterns that compile as ECMA-262 expressions with no flag inside", function () {
    const patterns = patternsIn(doc);
    expect(patterns.length).to.be.greaterThan(5);
    for (const { path, pattern } of patterns) {
      expect(pattern, path).to.not.match(/\/[dgimsuvy]*$/);
      expect(() => new RegExp(pattern, "u"), `${path}: ${pattern}`).to.not.throw();
    }
  });

  it("lets a generated client accept a share-link label and refuse one with a control character", function () {
    const schemas = (doc.components as { schemas: Record<string, { properties: Record<string, { pattern?: string }> }> }).schemas;
    const pattern = schemas.ShareLinkInput!.properties.label!.pattern!;
    for (const flags of ["", "u"]) {
      const re = new RegExp(pattern, flags);
      expect(re.test("Acme invoice, March 🎉"), flags).to.equal(true);
      expect(re.test("bell\u0007"), flags).to.equal(false);
      expect(re.test("lone \ud800 half"), flags).to.equal(false);
    }
  });
});
