/**
 * What makes a PDF a Factur-X invoice (Factur-X 1.0, profile EN 16931): the names and values the packer writes and the
 * checker expects, in one place.
 */

/** The attachment's file name, fixed by the specification. */
export const FACTURX_FILE_NAME = "factur-x.xml";

/** The Factur-X XMP extension schema's namespace and prefix. */
export const FACTURX_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

/** The fx: properties of the XMP metadata, in the order the extension schema declares them. */
export const FACTURX_PROPERTIES = {
  DocumentType: "INVOICE",
  DocumentFileName: FACTURX_FILE_NAME,
  Version: "1.0",
  ConformanceLevel: "EN 16931",
} as const;

/** PDF/A part and conformance level: PDF/A-3 (attachments allowed), level B (visual appearance). */
export const PDFA = { part: "3", conformance: "B" } as const;

/** How the attached XML relates to the PDF: the same invoice in another form. */
export const AF_RELATIONSHIP = "Alternative";

/** The attachment's MIME type. */
export const FACTURX_MIME_TYPE = "text/xml";
