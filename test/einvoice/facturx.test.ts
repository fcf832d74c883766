import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFStream, decodePDFRawStream } from "@cantoo/pdf-lib";
import * as SaxonJS from "saxon-js";
import type { CreditNotesTable } from "../../api/db/types";
import type { DocumentInputs } from "../../api/documents/model";
import { buildInvoiceDocument } from "../../api/documents/model";
import { renderEinvoice, settleInvoiceOf } from "../../api/documents/einvoice";
import { renderInvoicePdf } from "../../api/documents/pdf";
import { checkFacturX } from "../../einvoice/facturx/check";
import { formatFailure, validateXml, type Artifacts } from "../../einvoice/validate";
import { writeEinvoice } from "../../einvoice/write";
import { validateFiles, EXIT } from "../../scripts/einvoice-validate";
import { EXAMPLE_DEPLOYED_TOKENS, englishExample, frenchCreditNote, frenchExample } from "../../scripts/einvoice-examples/fixtures";
import { artifactsOrSkip } from "../helpers/einvoice";

/** The ids of a packaging report's problems. */
async function problemIds(pdf: Uint8Array): Promise<string[]> {
  return (await checkFacturX(pdf)).problems.map((p) => p.id);
}

describe("Factur-X PDF", function () {
  let artifacts: Artifacts;
  before(function () {
    artifacts = artifactsOrSkip(this);
  });

  const cases: Array<{ what: string; inputs: DocumentInputs; note?: CreditNotesTable }> = [
    { what: "a French invoice (two VAT rates, a discount, reverse charge)", inputs: frenchExample() },
    { what: "its partial credit note", inputs: frenchExample(), note: frenchCreditNote() },
    { what: "an English invoice in dollars", inputs: englishExample() },
  ];

  for (const { what, inputs, note } of cases) {
    it(`packs ${what} as PDF/A-3B carrying the CII it was written with, which the CEN rules accept`, async function () {
      const options = { note, deployedTokens: EXAMPLE_DEPLOYED_TOKENS };
      const { bytes, mediaType } = await renderEinvoice(inputs, "facturx", options);
      expect(mediaType).to.equal("application/pdf");
      const report = await checkFacturX(bytes);
      expect(report.problems).to.deep.equal([]);
      const written = await writeEinvoice(
        settleInvoiceOf(inputs, note, EXAMPLE_DEPLOYED_TOKENS),
        "cii",
        inputs.draft!.draft.language as "en" | "fr",
      );
      expect(report.xml).to.equal(written);
      const { failures } = await validateXml(report.xml!, { artifacts });
      expect(failures.map(formatFailure)).to.deep.equal([]);
    });
  }

  it("writes the same bytes twice from the same inputs (fixed dates and document id)", async function () {
    const first = await renderEinvoice(frenchExample(), "facturx", { deployedTokens: EXAMPLE_DEPLOYED_TOKENS });
    const second = await renderEinvoice(frenchExample(), "facturx", { deployedTokens: EXAMPLE_DEPLOYED_TOKENS });
    expect(Buffer.from(first.bytes).equals(Buffer.from(second.bytes))).to.equal(true);
  });

  it("escapes the merchant's name in the XMP packet (title, author): PDF/A metadata stays well-formed XML", async function () {
    const name = `Dupont & Fils <SARL> "L'atelier"`;
    const inputs = frenchExample();
    const draft = inputs.draft!.draft;
    draft.seller = JSON.stringify({ ...(JSON.parse(draft.seller!) as object), legalName: name });
    const { bytes } = await renderEinvoice(inputs, "facturx", { deployedTokens: EXAMPLE_DEPLOYED_TOKENS });
    expect((await checkFacturX(bytes)).problems).to.deep.equal([]);
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    // The Info dictionary holds the name as it is; the XMP holds it escaped, and reads back the same.
    expect(doc.getAuthor()).to.equal(name);
    const stream = doc.catalog.lookup(PDFName.of("Metadata"), PDFStream);
    const xmp = new TextDecoder().decode(stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents());
    expect(xmp).to.include("Dupont &amp; Fils &lt;SARL&gt;");
    const packet = await SaxonJS.getResource({ text: xmp, type: "xml" });
    const read = (path: string) =>
      SaxonJS.XPath.evaluate(`string(${path})`, packet, {
        namespaceContext: { dc: "http://purl.org/dc/elements/1.1/", rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#" },
      });
    expect(read("//dc:creator//rdf:li")).to.equal(name);
    expect(read("//dc:title//rdf:li")).to.equal(doc.getTitle());
    expect(doc.getTitle()).to.include(name);
  });

  describe("the packaging checks", function () {
    it("find a plain PDF's missing PDF/A identification, fx metadata, attachment and output intent", async function () {
      const plain = await renderInvoicePdf(buildInvoiceDocument(frenchExample()));
      const ids = await problemIds(plain);
      expect(ids).to.include.members(["XMP", "AF", "OUTPUT-INTENT"]);
      expect(ids).to.not.include("FONT");
    });

    it("find an attachment whose relationship is not Alternative", async function () {
      const { bytes } = await renderEinvoice(frenchExample(), "facturx", { deployedTokens: EXAMPLE_DEPLOYED_TOKENS });
      const doc = await PDFDocument.load(bytes, { updateMetadata: false });
      const spec = doc.context.lookup(doc.catalog.lookup(PDFName.of("AF"), PDFArray).get(0), PDFDict);
      spec.set(PDFName.of("AFRelationship"), PDFName.of("Data"));
      expect(await problemIds(await doc.save())).to.deep.equal(["AF-RELATIONSHIP"]);
    });

    it("find XMP metadata that is not well-formed XML", async function () {
      const { bytes } = await renderEinvoice(frenchExample(), "facturx", { deployedTokens: EXAMPLE_DEPLOYED_TOKENS });
      const doc = await PDFDocument.load(bytes, { updateMetadata: false });
      const stream = doc.catalog.lookup(PDFName.of("Metadata"), PDFStream);
      const xmp = new TextDecoder().decode(stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents());
      const broken = xmp.replace("<dc:title>", "<dc:title>Dupont & Fils");
      expect(broken).to.not.equal(xmp);
      const replacement = doc.context.stream(broken, { Type: "Metadata", Subtype: "XML" });
      doc.catalog.set(PDFName.of("Metadata"), doc.context.register(replacement));
      expect(await problemIds(await doc.save({ useObjectStreams: false }))).to.deep.equal(["XMP-XML"]);
    });
  });

  describe("npm run einvoice:validate", function () {
    it("checks a Factur-X PDF's packaging and the rules on the XML it carries", async function () {
      const dir = mkdtempSync(join(tmpdir(), "settle-facturx-"));
      const good = join(dir, "factur-x.pdf");
      const plain = join(dir, "plain.pdf");
      writeFileSync(good, (await renderEinvoice(frenchExample(), "facturx", { deployedTokens: EXAMPLE_DEPLOYED_TOKENS })).bytes);
      writeFileSync(plain, await renderInvoicePdf(buildInvoiceDocument(frenchExample())));
      const lines: string[] = [];
      expect(await validateFiles([good], (line) => lines.push(line))).to.equal(EXIT.ok);
      expect(lines).to.deep.equal([`${good}: Factur-X PDF, CII, 0 fatal, 0 warning(s)`]);
      lines.length = 0;
      expect(await validateFiles([plain], (line) => lines.push(line))).to.equal(EXIT.fatal);
      expect(lines[0]).to.match(/plain\.pdf: Factur-X PDF, XML, \d+ fatal/);
      expect(lines).to.include(`  AF [fatal] the catalog's /AF array has no factur-x.xml at the PDF`);
    });
  });
});
