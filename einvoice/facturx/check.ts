/**
 * The Factur-X packaging checks: well-formed XMP metadata with the PDF/A-3B identification and the Factur-X extension
 * schema, factur-x.xml
 * attached as the alternative representation and listed in the catalog's /AF array, every font embedded, an output
 * intent with its ICC profile. Reads the PDF with pdf-lib and hands back the attached XML for the EN 16931 rules.
 */
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFStream,
  PDFString,
  decodePDFRawStream,
  type PDFObject,
} from "@cantoo/pdf-lib";
import * as SaxonJS from "saxon-js";
import { AF_RELATIONSHIP, FACTURX_FILE_NAME, FACTURX_NAMESPACE, FACTURX_PROPERTIES, PDFA } from "./profile";

/** One broken packaging rule: a short id (PDFA-ID, FX-XMP, AF, ...) and what is wrong. */
export interface PackagingProblem {
  readonly id: string;
  readonly text: string;
}

/** What the checks found: the problems, and the attached XML when there is one. */
export interface PackagingReport {
  readonly problems: readonly PackagingProblem[];
  readonly xml?: string;
}

/** The PDF is not a PDF pdf-lib can read. */
export class NotAPdfError extends Error {
  constructor(reason: string) {
    super(`not a readable PDF: ${reason}`);
    this.name = "NotAPdfError";
  }
}

const name = (value: string) => PDFName.of(value);

/** A PDF text string's value, or undefined. */
function text(value: PDFObject | undefined): string | undefined {
  return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
}

/** A stream's decoded bytes. */
function streamBytes(stream: PDFStream): Uint8Array {
  return stream instanceof PDFRawStream ? decodePDFRawStream(stream).decode() : stream.getContents();
}

/** An XMP simple property's value, written as an element or as an attribute. */
function xmpValue(xmp: string, property: string): string | undefined {
  const escaped = property.replace(":", "\\:");
  const match = new RegExp(`<${escaped}>\\s*([^<]*?)\\s*</${escaped}>|${escaped}="([^"]*)"`).exec(xmp);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** XMP checks: well-formed XML, pdfaid part 3 conformance B, the fx extension schema declared, the fx values. */
async function checkXmp(xmp: string | undefined): Promise<PackagingProblem[]> {
  if (xmp === undefined) return [{ id: "XMP", text: "the catalog has no XMP metadata stream" }];
  const problems: PackagingProblem[] = [];
  try {
    await SaxonJS.getResource({ text: xmp, type: "xml" });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(" in undefined", "");
    problems.push({ id: "XMP-XML", text: `the XMP metadata is not well-formed XML: ${reason}` });
  }
  const part = xmpValue(xmp, "pdfaid:part");
  const conformance = xmpValue(xmp, "pdfaid:conformance");
  if (part !== PDFA.part || conformance !== PDFA.conformance) {
    problems.push({
      id: "PDFA-ID",
      text: `pdfaid is part ${part ?? "?"} conformance ${conformance ?? "?"}, not ${PDFA.part}${PDFA.conformance}`,
    });
  }
  if (!xmp.includes(`<pdfaSchema:namespaceURI>${FACTURX_NAMESPACE}</pdfaSchema:namespaceURI>`)) {
    problems.push({ id: "FX-SCHEMA", text: "the XMP does not declare the Factur-X extension schema" });
  }
  for (const [property, expected] of Object.entries(FACTURX_PROPERTIES)) {
    const actual = xmpValue(xmp, `fx:${property}`);
    if (actual !== expected) problems.push({ id: "FX-XMP", text: `fx:${property} is ${actual ?? "missing"}, not ${expected}` });
  }
  return problems;
}

/** Every font program embedded: each simple or CID font's descriptor has a FontFile, FontFile2 or FontFile3. */
function checkFonts(doc: PDFDocument): PackagingProblem[] {
  const problems: PackagingProblem[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(name("Type")) !== name("Font")) continue;
    const subtype = object.get(name("Subtype"));
    if (subtype === name("Type0") || subtype === name("Type3")) continue;
    const descriptor = object.lookupMaybe(name("FontDescriptor"), PDFDict);
    const embedded = ["FontFile", "FontFile2", "FontFile3"].some((key) => descriptor?.has(name(key)));
    if (!embedded) problems.push({ id: "FONT", text: `font ${object.get(name("BaseFont"))?.toString() ?? "?"} is not embedded` });
  }
  return problems;
}

/** An output intent of type GTS_PDFA1 with its destination ICC profile. */
function checkOutputIntent(doc: PDFDocument): PackagingProblem[] {
  const intents = doc.catalog.lookupMaybe(name("OutputIntents"), PDFArray)?.asArray() ?? [];
  const ok = intents.some((ref) => {
    const intent = doc.context.lookupMaybe(ref, PDFDict);
    return intent?.get(name("S")) === name("GTS_PDFA1") && intent.lookupMaybe(name("DestOutputProfile"), PDFStream) !== undefined;
  });
  return ok ? [] : [{ id: "OUTPUT-INTENT", text: "no GTS_PDFA1 output intent with an ICC profile" }];
}

/** The factur-x.xml file specification in the catalog's /AF array, its relationship and its contents. */
function checkAttachment(doc: PDFDocument): { problems: PackagingProblem[]; xml?: string } {
  const af = doc.catalog.lookupMaybe(name("AF"), PDFArray)?.asArray() ?? [];
  const spec = af
    .map((ref) => doc.context.lookupMaybe(ref, PDFDict))
    .find((dict) => (text(dict?.get(name("UF"))) ?? text(dict?.get(name("F")))) === FACTURX_FILE_NAME);
  if (!spec) return { problems: [{ id: "AF", text: `the catalog's /AF array has no ${FACTURX_FILE_NAME}` }] };
  const problems: PackagingProblem[] = [];
  const relationship = spec.get(name("AFRelationship"));
  if (relationship !== name(AF_RELATIONSHIP)) {
    problems.push({ id: "AF-RELATIONSHIP", text: `AFRelationship is ${relationship?.toString() ?? "missing"}, not /${AF_RELATIONSHIP}` });
  }
  const stream = spec.lookupMaybe(name("EF"), PDFDict)?.lookupMaybe(name("F"), PDFStream);
  if (!stream) return { problems: [...problems, { id: "AF", text: `${FACTURX_FILE_NAME} has no embedded file stream` }] };
  return { problems, xml: new TextDecoder().decode(streamBytes(stream)) };
}

/** Runs the packaging checks on a PDF's bytes; throws NotAPdfError when pdf-lib cannot read it. */
export async function checkFacturX(bytes: Uint8Array): Promise<PackagingReport> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (error) {
    throw new NotAPdfError(error instanceof Error ? error.message : String(error));
  }
  const metadata = doc.catalog.lookupMaybe(name("Metadata"), PDFStream);
  const xmp = metadata ? new TextDecoder().decode(streamBytes(metadata)) : undefined;
  const attachment = checkAttachment(doc);
  return {
    problems: [...(await checkXmp(xmp)), ...attachment.problems, ...checkFonts(doc), ...checkOutputIntent(doc)],
    xml: attachment.xml,
  };
}
