import { InvoiceService } from "@e-invoice-eu/core";
import type { SettleInvoice } from "./input";
import { EINVOICE_FORMATS, toEinvoiceModel, type EinvoiceFormat } from "./map";
import { fixCii } from "./cii-fixes";

/** @e-invoice-eu/core's logger: its warnings are not Settle's output. */
const QUIET = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The e-invoice of a Settle invoice or credit note as XML text (CII in the Factur-X EN 16931 profile, or UBL 2.1). */
export async function writeEinvoice(invoice: SettleInvoice, format: EinvoiceFormat, lang: "en" | "fr" = "en"): Promise<string> {
  const model = toEinvoiceModel(invoice);
  const xml = await new InvoiceService(QUIET).generate(model, { format: EINVOICE_FORMATS[format], lang });
  const text = typeof xml === "string" ? xml : new TextDecoder().decode(xml);
  return format === "cii" ? fixCii(text, model["ubl:Invoice"]["cac:InvoicePeriod"]?.["cbc:DescriptionCode"]) : text;
}
