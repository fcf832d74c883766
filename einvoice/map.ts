/**
 * The one hand-written mapping: a Settle invoice or credit note to the EN 16931 semantic model, in the JSON form that
 * @e-invoice-eu/core writes as CII, UBL or Factur-X (its "internal format", shaped like UBL 2.1).
 */
import type { Invoice } from "@e-invoice-eu/core";
import { amountsCurrency } from "../core/invoice/stablecoins";
import { einvoiceFigures, type VatCategory } from "./figures";
import type { Party, PostalAddress, SettleInvoice } from "./input";
import { amount, decimal } from "./money";
import { EinvoiceRefusal } from "./refusal";
import { checkTexts } from "./text";
import type { MentionKind } from "../core/invoice/mentions";

type Document = Invoice["ubl:Invoice"];
type PartyJson = Document["cac:AccountingSupplierParty"]["cac:Party"];

/** EN 16931 invoice type codes (UNTDID 1001). */
export const DOCUMENT_TYPE_CODES = { invoice: "380", credit_note: "381" } as const;

/** The identifier scheme of a French SIREN (ISO 6523 ICD 0002, also an electronic address scheme) and of a SIRET (0009). */
export const FRENCH_SCHEMES = { siren: "0002", siret: "0009" } as const;

/** The XML e-invoice formats Settle writes, and @e-invoice-eu/core's name for each. */
export const EINVOICE_FORMATS = { cii: "CII", ubl: "UBL" } as const;

/** One of {@link EINVOICE_FORMATS}. */
export type EinvoiceFormat = keyof typeof EINVOICE_FORMATS;

/** Payment means code (UNTDID 4461) for a payment on chain: "mutually defined", explained by its name. */
const ONCHAIN_PAYMENT_MEANS = "ZZZ";

/**
 * The note subject code (UNTDID 4451) of each mention, as French e-invoices use them: AAI general information (what
 * the invoice covers), TXD tax declaration (VAT on debits), PMD the late-payment penalties, PMT the recovery indemnity.
 * UBL has no subject element: the code leads the note as `#PMD#…`, which cii-fixes.ts moves into CII's SubjectCode.
 */
export const MENTION_SUBJECTS: Readonly<Record<MentionKind, string>> = {
  supply: "AAI",
  vatOnDebits: "TXD",
  latePenalty: "PMD",
  recoveryIndemnity: "PMT",
};

/** VAT point date code (BT-8, UNTDID 2005) when VAT is paid on debits: the invoice's issue date. */
export const VAT_ON_DEBITS_POINT_CODE = "3";

/** A unix-milliseconds time as the UTC day, YYYY-MM-DD. */
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The remittance reference a buyer's accounting matches the payment with: chain, escrow and on-chain invoice id. */
export function remittanceReference(payment: SettleInvoice["payment"]): string {
  return `settle:${payment.chainId}:${payment.escrow}:${payment.onchainId}`;
}

/** The parts of a {@link remittanceReference}, or undefined when `text` is not one. */
export function parseRemittanceReference(text: string): { chainId: number; escrow: string; onchainId: string } | undefined {
  const match = /^settle:(\d{1,15}):(0x[0-9a-fA-F]{40}):(0|[1-9]\d{0,77})$/.exec(text);
  return match ? { chainId: Number(match[1]), escrow: match[2]!, onchainId: match[3]! } : undefined;
}

/** A postal address as UBL writes it (a party's, BG-5 and BG-8, or the delivery's, BG-15). */
function addressJson(address: PostalAddress): PartyJson["cac:PostalAddress"] {
  return {
    "cbc:StreetName": address.line1,
    ...(address.line2 ? { "cbc:AdditionalStreetName": address.line2 } : {}),
    "cbc:CityName": address.city,
    ...(address.postalCode ? { "cbc:PostalZone": address.postalCode } : {}),
    ...(address.region ? { "cbc:CountrySubentity": address.region } : {}),
    "cac:Country": {
      "cbc:IdentificationCode": address.country as PartyJson["cac:PostalAddress"]["cac:Country"]["cbc:IdentificationCode"],
    },
  } as PartyJson["cac:PostalAddress"];
}

/** A party with its address, VAT number and (in France) SIREN and SIRET; `role` names it in a refusal. */
function party(details: Party, role: "seller" | "buyer"): PartyJson {
  const address = details.address;
  if (!address) {
    throw new EinvoiceRefusal("missing_detail", `the ${role}'s postal address is missing: EN 16931 requires it (BR-08, BR-10)`);
  }
  const number = details.companyNumber?.replace(/\s/g, "");
  const french = address.country === "FR" && number !== undefined && /^(\d{9}|\d{14})$/.test(number);
  const endpoint = details.email
    ? { id: details.email, scheme: "EM" }
    : french
      ? { id: number.slice(0, 9), scheme: FRENCH_SCHEMES.siren }
      : null;
  if (endpoint === null) {
    throw new EinvoiceRefusal(
      "missing_detail",
      `the ${role} has no electronic address: give an email address (or, in France, a SIREN) for BT-${role === "seller" ? 34 : 49}`,
    );
  }
  const json: PartyJson = {
    "cbc:EndpointID": endpoint.id,
    "cbc:EndpointID@schemeID": endpoint.scheme,
    "cac:PostalAddress": addressJson(address),
    "cac:PartyLegalEntity": {
      "cbc:RegistrationName": details.name,
      ...(number ? { "cbc:CompanyID": french ? number.slice(0, 9) : number } : {}),
      ...(french ? { "cbc:CompanyID@schemeID": FRENCH_SCHEMES.siren } : {}),
    },
  } as PartyJson;
  if (french && number.length === 14) json["cac:PartyIdentification"] = [{ "cbc:ID": number, "cbc:ID@schemeID": FRENCH_SCHEMES.siret }];
  if (details.vatNumber) {
    const scheme = { "cbc:CompanyID": details.vatNumber, "cac:TaxScheme": { "cbc:ID": "VAT" } };
    // The internal format takes the seller's tax schemes as a list (VAT and another registration), the buyer's as one.
    (json as unknown as Record<string, unknown>)["cac:PartyTaxScheme"] = role === "seller" ? [scheme] : scheme;
  }
  if (details.email) json["cac:Contact"] = { "cbc:ElectronicMail": details.email };
  return json;
}

/** A VAT category as UBL writes it on a line or in the breakdown. */
function taxCategory(category: VatCategory, rate: string, withExemption: boolean) {
  return {
    "cbc:ID": category.code,
    "cbc:Percent": rate,
    ...(withExemption && category.exemption ? { "cbc:TaxExemptionReasonCode": category.exemption } : {}),
    "cac:TaxScheme": { "cbc:ID": "VAT" },
  };
}

/** The payment means' name: the token(s) accepted, the escrow and the chain. */
function paymentMeansName(invoice: SettleInvoice): string {
  const { payment } = invoice;
  const where = `to the Settle escrow on chain ${payment.chainId}`;
  if (!invoice.pricedIn) return `${payment.token.symbol} (${payment.token.address}) ${where}`;
  const tokens =
    BigInt(payment.token.address) === 0n ? "Any token with a price feed" : `${payment.token.symbol} (${payment.token.address})`;
  return `${tokens} at its ${invoice.pricedIn} rate when paid, ${where}`;
}

/**
 * The EN 16931 model of a Settle invoice or credit note, in the currency it is priced in or its token's (a declared
 * stablecoin). Refuses (EinvoiceRefusal) an invoice in a token the deployment does not declare a stablecoin of a
 * currency, an amount that is not a whole number of cents, a missing address or electronic address, and a text with a
 * character XML cannot carry.
 */
export function toEinvoiceModel(invoice: SettleInvoice): Invoice {
  const { payment } = invoice;
  const amounts = amountsCurrency({ ...payment, pricedIn: invoice.pricedIn });
  if (amounts === null) {
    throw new EinvoiceRefusal(
      "not_a_currency",
      `${payment.token.symbol} (${payment.token.address}) on chain ${payment.chainId} is not declared a stablecoin of a currency ` +
        `in config/stablecoins.json: an e-invoice's amounts must be in an ISO 4217 currency`,
    );
  }
  const { currency } = amounts;
  checkTexts(invoice);
  const figures = einvoiceFigures(invoice, amounts);
  const mentions = invoice.mentions ?? [];
  const notes = [...(invoice.notes ? [invoice.notes] : []), ...mentions.map((m) => `#${MENTION_SUBJECTS[m.kind]}#${m.text}`)];
  const vatOnDebits = mentions.some((m) => m.kind === "vatOnDebits");
  const lateTerms = mentions.filter((m) => m.kind === "latePenalty" || m.kind === "recoveryIndemnity").map((m) => m.text);
  const terms = [invoice.paymentTerms, ...lateTerms].filter(Boolean).join(" ");
  const withCurrency = <K extends string>(key: K, cents: bigint) =>
    ({ [key]: amount(cents), [`${key}@currencyID`]: currency }) as Record<K | `${K}@currencyID`, string>;
  const document = {
    "cbc:CustomizationID": "urn:cen.eu:en16931:2017",
    "cbc:ID": invoice.number,
    "cbc:IssueDate": day(invoice.issuedAt),
    "cbc:DueDate": day(invoice.dueAt),
    "cbc:InvoiceTypeCode": DOCUMENT_TYPE_CODES[invoice.kind],
    ...(notes.length > 0 ? { "cbc:Note": notes } : {}),
    "cbc:DocumentCurrencyCode": currency,
    ...(vatOnDebits ? { "cac:InvoicePeriod": { "cbc:DescriptionCode": VAT_ON_DEBITS_POINT_CODE } } : {}),
    ...(invoice.creditedInvoice
      ? { "cac:BillingReference": [{ "cac:InvoiceDocumentReference": { "cbc:ID": invoice.creditedInvoice } }] }
      : {}),
    "cac:AccountingSupplierParty": { "cac:Party": party(invoice.seller, "seller") },
    "cac:AccountingCustomerParty": { "cac:Party": party(invoice.buyer, "buyer") },
    // CII requires the delivery block (ApplicableHeaderTradeDelivery): the buyer, or the place the draft named.
    "cac:Delivery": {
      ...(invoice.delivery ? { "cac:DeliveryLocation": { "cac:Address": addressJson(invoice.delivery.address) } } : {}),
      "cac:DeliveryParty": { "cac:PartyName": { "cbc:Name": invoice.delivery?.name ?? invoice.buyer.name } },
    },
    "cac:PaymentMeans": [
      {
        "cbc:PaymentMeansCode": ONCHAIN_PAYMENT_MEANS,
        "cbc:PaymentMeansCode@name": paymentMeansName(invoice),
        "cbc:PaymentID": remittanceReference(payment),
        "cac:PayeeFinancialAccount": { "cbc:ID": payment.escrow },
      },
    ],
    ...(terms ? { "cac:PaymentTerms": { "cbc:Note": terms } } : {}),
    "cac:TaxTotal": [
      {
        ...withCurrency("cbc:TaxAmount", figures.taxTotal),
        "cac:TaxSubtotal": figures.breakdown.map((entry) => ({
          ...withCurrency("cbc:TaxableAmount", entry.base),
          ...withCurrency("cbc:TaxAmount", entry.tax),
          "cac:TaxCategory": taxCategory(entry.category, entry.rate, true),
        })),
      },
    ],
    "cac:LegalMonetaryTotal": {
      ...withCurrency("cbc:LineExtensionAmount", figures.lineTotal),
      ...withCurrency("cbc:TaxExclusiveAmount", figures.lineTotal),
      ...withCurrency("cbc:TaxInclusiveAmount", figures.grandTotal),
      ...withCurrency("cbc:PayableAmount", figures.grandTotal),
    },
    "cac:InvoiceLine": invoice.lines.map((line, index) => {
      const lineFigures = figures.lines[index]!;
      return {
        "cbc:ID": String(index + 1),
        "cbc:InvoicedQuantity": line.quantity.toString(),
        "cbc:InvoicedQuantity@unitCode": "C62",
        ...withCurrency("cbc:LineExtensionAmount", lineFigures.net),
        ...(lineFigures.discount > 0n
          ? {
              "cac:AllowanceCharge": [
                {
                  "cbc:ChargeIndicator": "false",
                  "cbc:AllowanceChargeReason": "Discount",
                  ...withCurrency("cbc:Amount", lineFigures.discount),
                },
              ],
            }
          : {}),
        "cac:Item": {
          "cbc:Name": line.description,
          "cac:ClassifiedTaxCategory": taxCategory(lineFigures.category, lineFigures.rate, false),
        },
        "cac:Price": { "cbc:PriceAmount": decimal(line.unitPrice, amounts.decimals), "cbc:PriceAmount@currencyID": currency },
      };
    }),
  };
  return { "ubl:Invoice": document } as unknown as Invoice;
}
