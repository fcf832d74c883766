import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as SaxonJS from "saxon-js";
import {
  ARTIFACTS_SETTING,
  CEN_RELEASE,
  formatFailure,
  isFatal,
  locateArtifacts,
  validateXml,
  type Artifacts,
  type Failure,
} from "../../einvoice/validate";
import { artifactsIfPresent, artifactsOrSkip } from "../helpers/einvoice";

const REPO_ROOT = join(__dirname, "..", "..");

/** The ids of the fatal failures, sorted and without repeats. */
function fatalIds(failures: readonly Failure[]): string[] {
  return [...new Set(failures.filter(isFatal).map((failure) => failure.id))].sort();
}

/** A CEN example with one text replaced; fails loudly when the text is not there, so a mutation cannot silently miss. */
function mutated(artifacts: Artifacts, example: string, from: string, to: string): string {
  const xml = readFileSync(join(artifacts.root, "examples", example), "utf8");
  expect(xml, `${example} contains ${from}`).to.include(from);
  return xml.replace(from, to);
}

/** A mutation of a CEN example, the fatal rules it must break (no more, no fewer) and what one of them must say. */
interface Mutation {
  readonly what: string;
  readonly example: string;
  readonly from: string;
  readonly to: string;
  readonly fails: readonly string[];
  readonly says?: string;
}

/** The mutations: totals (BR-CO-10, 13, 14, 15, 17), a mandatory name (BR-06), an element the schema refuses. */
const MUTATIONS: readonly Mutation[] = [
  {
    what: "a line's net amount changed (CII)",
    example: "cii/CII_example1.xml",
    from: "<ram:LineTotalAmount>19.9</ram:LineTotalAmount>",
    to: "<ram:LineTotalAmount>29.9</ram:LineTotalAmount>",
    fails: ["BR-CO-10", "BR-S-08"],
  },
  {
    what: "the VAT total changed (CII)",
    example: "cii/CII_example1.xml",
    from: '<ram:TaxTotalAmount currencyID="EUR">20.73</ram:TaxTotalAmount>',
    to: '<ram:TaxTotalAmount currencyID="EUR">21.73</ram:TaxTotalAmount>',
    fails: ["BR-CO-14", "BR-CO-15"],
  },
  {
    what: "a VAT category's tax amount changed (CII)",
    example: "cii/CII_example1.xml",
    from: "<ram:CalculatedAmount>10.99</ram:CalculatedAmount>",
    to: "<ram:CalculatedAmount>15.99</ram:CalculatedAmount>",
    fails: ["BR-CO-14", "BR-CO-17", "BR-S-09"],
  },
  {
    what: "the seller's name is dropped (CII)",
    example: "cii/CII_example1.xml",
    from: "<ram:Name>De Koksmaat</ram:Name>",
    to: "",
    fails: ["BR-06"],
  },
  {
    what: "an element the schema does not know is added (CII)",
    example: "cii/CII_example1.xml",
    from: "<ram:Name>De Koksmaat</ram:Name>",
    to: "<ram:Name>De Koksmaat</ram:Name><ram:Nickname>Koks</ram:Nickname>",
    fails: ["XSD"],
    says: "Nickname': This element is not expected.",
  },
  {
    what: "the sum of line net amounts changed (UBL)",
    example: "ubl/ubl-tc434-example1.xml",
    from: '<cbc:LineExtensionAmount currencyID="EUR">229.60</cbc:LineExtensionAmount>',
    to: '<cbc:LineExtensionAmount currencyID="EUR">239.60</cbc:LineExtensionAmount>',
    fails: ["BR-CO-10", "BR-CO-13"],
  },
  {
    what: "the VAT total changed (UBL)",
    example: "ubl/ubl-tc434-example1.xml",
    from: '<cbc:TaxAmount currencyID="EUR">20.73</cbc:TaxAmount>',
    to: '<cbc:TaxAmount currencyID="EUR">21.73</cbc:TaxAmount>',
    fails: ["BR-CO-14", "BR-CO-15"],
  },
  {
    what: "a VAT category's tax amount changed (UBL)",
    example: "ubl/ubl-tc434-example1.xml",
    from: '<cbc:TaxAmount currencyID="EUR">10.99</cbc:TaxAmount>',
    to: '<cbc:TaxAmount currencyID="EUR">15.99</cbc:TaxAmount>',
    fails: ["BR-CO-14", "BR-CO-17", "BR-S-09"],
  },
  {
    what: "the seller's name is dropped (UBL)",
    example: "ubl/ubl-tc434-example1.xml",
    from: "<cbc:RegistrationName>De Koksmaat</cbc:RegistrationName>",
    to: "",
    fails: ["BR-06"],
  },
  {
    what: "an element the schema does not know is added (UBL credit note)",
    example: "ubl/ubl-tc434-creditnote1.xml",
    from: "<cbc:ID>",
    to: "<cbc:Nickname>x</cbc:Nickname><cbc:ID>",
    fails: ["XSD"],
    says: "Nickname': This element is not expected.",
  },
];

/** One case of a CEN unit-test file: a document and the rules it must pass (success) or break (error). */
interface UnitCase {
  readonly description: string;
  readonly success: string[];
  readonly error: string[];
  readonly xml: string;
}

/** The namespace of CEN's unit-test files (the VEFA validator's test sets). */
const VEFA = "http://difi.no/xsd/vefa/validator/1.0";

/** Every case of a CEN unit-test file, its document serialized on its own. */
async function unitCases(file: string): Promise<UnitCase[]> {
  const doc = await SaxonJS.getResource({ file, type: "xml" });
  const read = `array { /v:testSet/v:test ! map {
    'description': normalize-space(v:assert/v:description),
    'success': array { v:assert/v:success ! string() },
    'error': array { v:assert/v:error ! string() },
    'xml': serialize(*[namespace-uri() != $vefa])
  } }`;
  return SaxonJS.XPath.evaluate(read, doc, { namespaceContext: { v: VEFA }, params: { vefa: VEFA } }) as UnitCase[];
}

/** Under `examples/<folder>`, the XML files (none when the artefacts are missing: the suite is then skipped). */
function examples(folder: "cii" | "ubl" | "cenUnit"): string[] {
  const artifacts = artifactsIfPresent();
  return artifacts === undefined ? [] : readdirSync(artifacts.examples[folder]).filter((file) => file.endsWith(".xml"));
}

describe("EN 16931 artefacts setting", function () {
  it("names the folder, the setting and CEN's public release when the artefacts are missing", function () {
    const empty = mkdtempSync(join(tmpdir(), "settle-no-en16931-"));
    expect(() => locateArtifacts({ [ARTIFACTS_SETTING]: empty }))
      .to.throw(`EN 16931 validation artefacts not found: cen/cii/EN16931-CII-validation-preprocessed.sch is missing under ${empty}`)
      .with.property("message")
      .that.includes(CEN_RELEASE.url)
      .and.includes(ARTIFACTS_SETTING);
  });
});

describe("EN 16931 validation (CEN artefacts)", function () {
  let artifacts: Artifacts;
  before(function () {
    artifacts = artifactsOrSkip(this);
  });

  describe("CEN's example invoices", function () {
    for (const folder of ["cii", "ubl"] as const) {
      for (const file of examples(folder)) {
        it(`passes ${folder}/${file} with no fatal failure`, async function () {
          const { failures } = await validateXml(readFileSync(join(artifacts.examples[folder], file), "utf8"), { artifacts });
          expect(failures.filter(isFatal)).to.deep.equal([]);
        });
      }
    }
  });

  describe("mutated copies", function () {
    for (const mutation of MUTATIONS) {
      it(`fails ${mutation.fails.join(", ")} when ${mutation.what}`, async function () {
        const xml = mutated(artifacts, mutation.example, mutation.from, mutation.to);
        const { failures } = await validateXml(xml, { artifacts });
        expect(fatalIds(failures), failures.map(formatFailure).join("\n")).to.deep.equal([...mutation.fails].sort());
        if (mutation.says !== undefined) expect(failures.map((failure) => failure.text).join("\n")).to.include(mutation.says);
      });
    }
  });

  describe("CEN's unit-test files", function () {
    for (const file of examples("cenUnit")) {
      it(`passes and fails the cases of ${file} as CEN says`, async function () {
        const cases = await unitCases(join(artifacts.examples.cenUnit, file));
        expect(cases).to.have.length.above(0);
        for (const unit of cases) {
          // The cases are fragments: only the rules judge them, the schema would refuse them all.
          const ids = fatalIds((await validateXml(unit.xml, { artifacts, xsd: false })).failures);
          for (const id of unit.error) expect(ids, `${unit.description}: breaks ${id}`).to.include(id);
          for (const id of unit.success) expect(ids, `${unit.description}: keeps ${id}`).to.not.include(id);
        }
      });
    }
  });

  describe("npm run einvoice:validate", function () {
    it("prints each failure with its id, flag, text and place, and exits 1 on a fatal one", async function () {
      const dir = mkdtempSync(join(tmpdir(), "settle-einvoice-"));
      const bad = join(dir, "bad.xml");
      const lineAmount = MUTATIONS[0]!;
      writeFileSync(bad, mutated(artifacts, lineAmount.example, lineAmount.from, lineAmount.to));
      const good = join(artifacts.examples.ubl, "ubl-tc434-creditnote1.xml");
      const run = promisify(execFile)(
        join(REPO_ROOT, "node_modules", ".bin", "ts-node"),
        ["--transpile-only", "scripts/einvoice-validate.ts", good, bad],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, [ARTIFACTS_SETTING]: artifacts.root },
        },
      );
      const error = await run.then(
        () => expect.fail("the command exited 0"),
        (failure: { code: number; stdout: string }) => failure,
      );
      expect(error.code).to.equal(1);
      expect(error.stdout.split("\n")).to.include.members([
        `${good}: UBL CreditNote, 0 fatal, 0 warning(s)`,
        `${bad}: CII, 2 fatal, 0 warning(s)`,
        "  BR-CO-10 [fatal] Sum of Invoice line net amount (BT-106) = Σ Invoice line net amount (BT-131). at " +
          "/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeSettlement[1]/" +
          "ram:SpecifiedTradeSettlementHeaderMonetarySummation[1]",
      ]);
    });
  });
});
