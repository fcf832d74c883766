/**
 * Corrections to the CII that @e-invoice-eu/core (2.3) writes from the UBL-shaped model, each where the library's
 * output breaks the Factur-X schema or a CEN rule; every one leaves a document that needs none unchanged.
 */

/**
 * The library copies UBL's currencyID onto CII's allowance amounts, which CII forbids (CII-DT-031: the currency is
 * stated once, in InvoiceCurrencyCode); its input schema requires the attribute for UBL.
 */
const ALLOWANCE_CURRENCY = /<ram:ActualAmount currencyID="[A-Z]{3}">/g;

/** The document's notes: the library puts every UBL note in one IncludedNote, as several Content elements. */
const DOCUMENT_NOTES = /([ \t]*)<ram:IncludedNote>([\s\S]*?)<\/ram:IncludedNote>/;

/** One note's text, with the UBL-style subject code that may lead it (`#PMD#…`, map.ts MENTION_SUBJECTS). */
const NOTE_CONTENT = /<ram:Content>(?:#([A-Z]{3})#)?([^<]*)<\/ram:Content>/g;

/** Where CII writes BT-8 in each VAT breakdown entry of the header: before the rate. */
const HEADER_TAX_RATE = /([ \t]*)<ram:RateApplicablePercent>/g;

/** UBL's VAT point date code (UNTDID 2005) → CII's (UNTDID 2475): the invoice's issue date is 3 in UBL, 5 in CII. */
const CII_POINT_CODES: Readonly<Record<string, string>> = { "3": "5", "35": "29", "432": "72" };

/** One IncludedNote per note, its subject code (BT-21) in SubjectCode. */
function splitNotes(xml: string): string {
  return xml.replace(DOCUMENT_NOTES, (_whole, indent: string, body: string) =>
    [...body.matchAll(NOTE_CONTENT)]
      .map(
        ([, subject, content]) =>
          `${indent}<ram:IncludedNote><ram:Content>${content}</ram:Content>` +
          `${subject ? `<ram:SubjectCode>${subject}</ram:SubjectCode>` : ""}</ram:IncludedNote>`,
      )
      .join("\n"),
  );
}

/** The VAT point date code (BT-8, UBL's code) in every VAT breakdown entry, which the library leaves out. */
function addPointCode(xml: string, ublCode: string): string {
  const settlement = xml.indexOf("<ram:ApplicableHeaderTradeSettlement>");
  const code = CII_POINT_CODES[ublCode];
  if (settlement < 0 || code === undefined) return xml;
  return (
    xml.slice(0, settlement) +
    xml
      .slice(settlement)
      .replace(HEADER_TAX_RATE, (whole, indent: string) => `${indent}<ram:DueDateTypeCode>${code}</ram:DueDateTypeCode>\n${whole}`)
  );
}

/** The library's CII with the corrections above; `pointCode` is the model's BT-8 (UBL code), if any. */
export function fixCii(xml: string, pointCode: string | undefined): string {
  const fixed = splitNotes(xml.replace(ALLOWANCE_CURRENCY, "<ram:ActualAmount>"));
  return pointCode === undefined || fixed.includes("<ram:DueDateTypeCode>") ? fixed : addPointCode(fixed, pointCode);
}
