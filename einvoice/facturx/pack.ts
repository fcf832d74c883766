/**
 * Turns a pdfkit document into a Factur-X invoice: PDF/A-3B (pdfkit embeds the fonts, writes the sRGB output intent from
 * the ICC profile it ships, and the pdfaid XMP), the Factur-X XMP extension schema with its fx: properties, and
 * factur-x.xml attached as the PDF's alternative representation (in the catalog's /AF array and its embedded files).
 */
import { escapeMarkup } from "../../core/markup";
import { AF_RELATIONSHIP, FACTURX_FILE_NAME, FACTURX_MIME_TYPE, FACTURX_NAMESPACE, FACTURX_PROPERTIES, PDFA } from "./profile";

/** The CII to attach and the document's creation time (fixed for reproducible files). */
export interface FacturXAttachment {
  readonly xml: string;
  readonly createdAt: Date;
}

/** What each fx: property means, as the extension schema describes it. */
const DESCRIPTIONS: Record<keyof typeof FACTURX_PROPERTIES, string> = {
  DocumentType: "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
  DocumentFileName: "The name of the embedded XML document",
  Version: "The actual version of the standard applying to the embedded XML document",
  ConformanceLevel: "The conformance level of the embedded XML document",
};

/** pdfkit constructor options for a PDF/A-3B document created at `createdAt`. */
export function pdfaOptions(createdAt: Date): { subset: "PDF/A-3b"; pdfVersion: "1.7"; info: { CreationDate: Date } } {
  return { subset: `PDF/A-${PDFA.part}b` as "PDF/A-3b", pdfVersion: "1.7", info: { CreationDate: createdAt } };
}

/** The XMP of the Factur-X extension schema (PDF/A requires custom properties to be declared) and its values. */
export function facturXXmp(): string {
  const declared = Object.keys(FACTURX_PROPERTIES).map(
    (name) => `<rdf:li rdf:parseType="Resource">
            <pdfaProperty:name>${name}</pdfaProperty:name>
            <pdfaProperty:valueType>Text</pdfaProperty:valueType>
            <pdfaProperty:category>external</pdfaProperty:category>
            <pdfaProperty:description>${DESCRIPTIONS[name as keyof typeof FACTURX_PROPERTIES]}</pdfaProperty:description>
          </rdf:li>`,
  );
  const values = Object.entries(FACTURX_PROPERTIES).map(([name, value]) => `<fx:${name}>${escapeMarkup(value)}</fx:${name}>`);
  return `
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
  <pdfaExtension:schemas>
    <rdf:Bag>
      <rdf:li rdf:parseType="Resource">
        <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
        <pdfaSchema:namespaceURI>${FACTURX_NAMESPACE}</pdfaSchema:namespaceURI>
        <pdfaSchema:prefix>fx</pdfaSchema:prefix>
        <pdfaSchema:property>
          <rdf:Seq>
          ${declared.join("\n          ")}
          </rdf:Seq>
        </pdfaSchema:property>
      </rdf:li>
    </rdf:Bag>
  </pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:fx="${FACTURX_NAMESPACE}">
  ${values.join("\n  ")}
</rdf:Description>`;
}

/** The part of pdfkit's document that writes the XMP packet (not in @types/pdfkit). */
interface MetadataWriter {
  info: Record<string, unknown>;
  endMetadata(): void;
}

/**
 * Makes the XMP packet carry the document info (title, author, subject, keywords) XML-escaped: pdfkit 0.20 copies them
 * into the packet as they are, so a merchant named `Dupont & Fils` would break the PDF/A metadata. `end()` writes the
 * Info dictionary (PDF strings, escaped by pdfkit) before the XMP, which alone gets the escaped copies.
 */
function escapeXmpInfo(doc: PDFKit.PDFDocument): void {
  const writer = doc as unknown as MetadataWriter;
  const endMetadata = writer.endMetadata.bind(writer);
  writer.endMetadata = () => {
    const info = writer.info;
    writer.info = Object.fromEntries(
      Object.entries(info).map(([key, value]) => [key, typeof value === "string" ? escapeMarkup(value) : value]),
    );
    try {
      endMetadata();
    } finally {
      writer.info = info;
    }
  };
}

/** Attaches the CII as factur-x.xml and adds the Factur-X XMP; call before `doc.end()` on a document made with {@link pdfaOptions}. */
export function attachFacturX(doc: PDFKit.PDFDocument, attachment: FacturXAttachment): void {
  escapeXmpInfo(doc);
  // pdfkit writes `relationship` as the file specification's /AFRelationship; @types/pdfkit does not declare it yet.
  const options: PDFKit.Mixins.PDFAttachmentOptions & { relationship: string } = {
    name: FACTURX_FILE_NAME,
    type: FACTURX_MIME_TYPE,
    description: "Factur-X invoice (EN 16931)",
    relationship: AF_RELATIONSHIP,
    creationDate: attachment.createdAt,
    modifiedDate: attachment.createdAt,
  };
  doc.file(Buffer.from(attachment.xml, "utf8"), options);
  doc.appendXML(facturXXmp());
}
