import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkFacturX } from "../../einvoice/facturx/check";
import { formatFailure, validateXml, type Artifacts } from "../../einvoice/validate";
import { EXAMPLES_DIR, writeExamples } from "../../scripts/einvoice-examples";
import { artifactsOrSkip } from "../helpers/einvoice";

describe("examples/einvoice", function () {
  let artifacts: Artifacts;
  let fresh: string;
  let files: string[];
  before(async function () {
    artifacts = artifactsOrSkip(this);
    fresh = mkdtempSync(join(tmpdir(), "settle-einvoice-examples-"));
    files = await writeExamples(fresh);
  });

  it("are up to date: npm run einvoice:examples writes the committed files byte for byte", function () {
    expect(readdirSync(EXAMPLES_DIR).sort()).to.deep.equal([...files].sort());
    for (const file of files) {
      const same = readFileSync(join(fresh, file)).equals(readFileSync(join(EXAMPLES_DIR, file)));
      expect(same, `${file} differs: run npm run einvoice:examples and commit examples/einvoice`).to.equal(true);
    }
  });

  it("each passes the Factur-X packaging checks and the CEN schema and rules with zero failures", async function () {
    for (const file of files) {
      const bytes = readFileSync(join(EXAMPLES_DIR, file));
      let xml = bytes.toString("utf8");
      if (file.endsWith(".pdf")) {
        const report = await checkFacturX(bytes);
        expect(report.problems, file).to.deep.equal([]);
        xml = report.xml!;
      }
      const { failures } = await validateXml(xml, { artifacts });
      expect(failures.map(formatFailure), file).to.deep.equal([]);
    }
  });
});
