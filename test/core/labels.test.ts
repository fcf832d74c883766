import { expect } from "chai";
import { CATALOGUES, fill } from "../../core/labels";
import { itKeepsCataloguesAligned } from "../helpers/catalogues";

describe("core/labels", function () {
  itKeepsCataloguesAligned(CATALOGUES);

  it("fills placeholders and leaves unknown ones", function () {
    expect(fill(CATALOGUES.fr.document.taxOn, { rate: "5,5", base: "10,00 SETL" })).to.equal("TVA 5,5 % sur 10,00 SETL");
    expect(fill("{a} {b}", { a: 1 })).to.equal("1 {b}");
  });
});
