import { InvoiceService } from "@e-invoice-eu/core";
import type { SettleInvoice } from "./input";
import { EINVOICE_FORMATS, toEinvoiceModel, type EinvoiceFormat } from "./map";

/**
 * @e-invoice-eu/core (2.3) copies UBL's currencyID onto CII's allowance amounts, which CII forbids (CII-DT-031: the
 * currency is stated once, in InvoiceCurrencyCode); its input schema requires the attribute for UBL, so it is taken out
 * of the CII here.
 */
const CII_ALLOWANCE_CURRENCY = /<ram:ActualAmount currencyID="[A-Z]{3}">/g;

/** @e-invoice-eu/core's logger: its warnings are not Settle's output. */
const QUIET = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The e-invoice of a Settle invoice or credit note as XML text (CII in the Factur-X EN 16931 profile, or UBL 2.1). */
export async function writeEinvoice(invoice: SettleInvoice, format: EinvoiceFormat, lang: "en" | "fr" = "en"): Promise<string> {
  const xml = await new InvoiceService(QUIET).generate(toEinvoiceModel(invoice), { format: EINVOICE_FORMATS[format], lang });
  const text = typeof xml === "string" ? xml : new TextDecoder().decode(xml);
  return format === "cii" ? text.replace(CII_ALLOWANCE_CURRENCY, "<ram:ActualAmount>") : text;
}
