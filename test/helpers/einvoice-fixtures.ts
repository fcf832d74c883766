import * as SaxonJS from "saxon-js";
import { amountsCurrency, invoiceTaxUnit } from "../../core/invoice/stablecoins";
import { computeInvoiceTotals } from "../../core/invoice/totals";
import type { SettleInvoice } from "../../einvoice/input";
import type { EinvoiceFormat } from "../../einvoice/map";
import { decimal } from "../../einvoice/money";

/** TestUSD's address on a fresh Hardhat node's deploy (any address works: the fixture declares it by name). */
const TEST_USD = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";

/** Base units of one cent of a 6-decimal token. */
export const CENT = 10_000n;

/** A French invoice in TestUSD (declared a stablecoin of USD on local chains): two VAT rates, a discount, reverse charge. */
export function frenchInvoice(overrides: Partial<SettleInvoice> = {}): SettleInvoice {
  return {
    kind: "invoice",
    number: "F-2026-0001",
    issuedAt: Date.UTC(2026, 0, 15),
    dueAt: Date.UTC(2026, 1, 14),
    seller: {
      name: "Settle Conseil SAS",
      address: { line1: "12 rue de la Paix", city: "Paris", postalCode: "75002", country: "FR" },
      vatNumber: "FR40303265045",
      companyNumber: "73282932000074",
      email: "factures@settle-conseil.example",
    },
    buyer: {
      name: "Atelier Dupont SARL",
      address: { line1: "3 place Bellecour", city: "Lyon", postalCode: "69002", country: "FR" },
      vatNumber: "FR44732829320",
      companyNumber: "732829320",
    },
    lines: [
      { description: "Conseil", quantity: 3n, unitPrice: 1000_00n * CENT, discount: 100_00n * CENT, taxRate: "20" },
      { description: "Livres", quantity: 2n, unitPrice: 20_00n * CENT, discount: 0n, taxRate: "5.5" },
      {
        description: "Maintenance (autoliquidation)",
        quantity: 1n,
        unitPrice: 500_00n * CENT,
        discount: 0n,
        taxRate: "0",
        taxMention: "reverse_charge",
      },
    ],
    paymentTerms: "30 jours",
    payment: {
      chainId: 31337,
      escrow: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      onchainId: "12",
      token: { address: TEST_USD, symbol: "TestUSD", decimals: 6 },
      deployedTokens: { TestUSD: { address: TEST_USD } },
    },
    ...overrides,
  };
}

/** A French invoice priced in euros (lines in hundredths), payable in any token with a price feed. */
export function pricedInvoice(overrides: Partial<SettleInvoice> = {}): SettleInvoice {
  const base = frenchInvoice();
  return frenchInvoice({
    pricedIn: "EUR",
    lines: base.lines.map((line) => ({ ...line, unitPrice: line.unitPrice / CENT, discount: line.discount / CENT })),
    payment: { ...base.payment, token: { address: `0x${"0".repeat(40)}`, symbol: "ETH", decimals: 18 } },
    ...overrides,
  });
}

/** The amount due and the VAT total as the human document computes them (core/invoice/totals), as EN 16931 text. */
export function documentTotals(invoice: SettleInvoice): { due: string; tax: string } {
  const money = { ...invoice.payment, pricedIn: invoice.pricedIn };
  const totals = computeInvoiceTotals(invoice.lines, invoiceTaxUnit(money));
  const { decimals } = amountsCurrency(money)!;
  return { due: decimal(totals.total, decimals, 2), tax: decimal(totals.tax, decimals, 2) };
}

/** Where each format writes the amount due and the VAT total. */
const TOTALS_XPATH: Record<EinvoiceFormat, { due: string; tax: string }> = {
  cii: { due: "string(//*:DuePayableAmount)", tax: "string(//*:TaxTotalAmount)" },
  ubl: { due: "string(//*:LegalMonetaryTotal/*:PayableAmount)", tax: "string(/*/*:TaxTotal/*:TaxAmount)" },
};

/** The amount due and the VAT total an e-invoice states. */
export async function writtenTotals(xml: string, format: EinvoiceFormat): Promise<{ due: string; tax: string }> {
  const doc = await SaxonJS.getResource({ text: xml, type: "xml" });
  return {
    due: SaxonJS.XPath.evaluate(TOTALS_XPATH[format].due, doc) as string,
    tax: SaxonJS.XPath.evaluate(TOTALS_XPATH[format].tax, doc) as string,
  };
}
