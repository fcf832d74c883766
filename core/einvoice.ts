/** The e-invoice formats Settle serves (GET /invoices/{id}/einvoice?format=…): the API, the tasks and the page read them here. */

/** The downloadable e-invoice formats: Factur-X PDF, UBL 2.1 and CII, with their media types and file extensions. */
export const EINVOICE_DOWNLOADS = {
  facturx: { mediaType: "application/pdf", extension: "pdf" },
  ubl: { mediaType: "application/xml", extension: "xml" },
  cii: { mediaType: "application/xml", extension: "xml" },
} as const;

/** One of {@link EINVOICE_DOWNLOADS}. */
export type EinvoiceDownload = keyof typeof EINVOICE_DOWNLOADS;

/** The format names, in the order the page offers them. */
export const EINVOICE_FORMATS = Object.keys(EINVOICE_DOWNLOADS) as [EinvoiceDownload, ...EinvoiceDownload[]];

/** Whether `text` names one of {@link EINVOICE_DOWNLOADS}. */
export function isEinvoiceDownload(text: string): text is EinvoiceDownload {
  return Object.hasOwn(EINVOICE_DOWNLOADS, text);
}
