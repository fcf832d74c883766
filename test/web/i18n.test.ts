import { expect } from "chai";
import { LOCALES } from "../../core/labels";
import { localeFromNavigator, PAGE_MESSAGES } from "../../web/src/i18n/catalogues";
import { itKeepsCataloguesAligned } from "../helpers/catalogues";

describe("web/src/i18n: the page's catalogues", function () {
  it("has a page catalogue for every language the documents speak", function () {
    expect(Object.keys(PAGE_MESSAGES).sort()).to.deep.equal([...LOCALES].sort());
  });

  itKeepsCataloguesAligned(PAGE_MESSAGES);

  it("follows the browser's first language it speaks, else English", function () {
    expect(localeFromNavigator(["fr-CA", "en-US"])).to.equal("fr");
    expect(localeFromNavigator(["de-DE", "en-GB"])).to.equal("en");
    expect(localeFromNavigator(["de-DE"])).to.equal("en");
    expect(localeFromNavigator([])).to.equal("en");
  });
});
