import { taxRoundingUnit } from "../core/invoice/currency";
import { computeInvoiceTotals, normalizeTaxRate, parseTaxRate, type TaxMention } from "../core/invoice/totals";
import type { SettleInvoice } from "./input";
import { toCents } from "./money";

/** EN 16931 VAT category codes (UNTDID 5305) Settle's lines map to, and the exemption reason code (VATEX) each needs. */
export const VAT_CATEGORIES = {
  /** A positive rate. */
  standard: { code: "S", exemption: null },
  /** Rate 0 without a mention. */
  zero: { code: "Z", exemption: null },
  /** Rate 0, exempt: the French franchise (art. 293 B CGI). */
  exempt: { code: "E", exemption: "VATEX-FR-FRANCHISE" },
  /** Rate 0, the customer accounts for the VAT. */
  reverse_charge: { code: "AE", exemption: "VATEX-EU-AE" },
} as const;

/** One of {@link VAT_CATEGORIES}. */
export type VatCategory = (typeof VAT_CATEGORIES)[keyof typeof VAT_CATEGORIES];

/** The VAT category of a line from its rate and mention. */
export function vatCategory(rate: string, mention: TaxMention | null | undefined): VatCategory {
  if (parseTaxRate(rate) > 0n) return VAT_CATEGORIES.standard;
  return mention ? VAT_CATEGORIES[mention] : VAT_CATEGORIES.zero;
}

/** A line's figures in cents. */
export interface LineFigures {
  readonly net: bigint;
  readonly discount: bigint;
  readonly gross: bigint;
  readonly category: VatCategory;
  readonly rate: string;
}

/** One entry of the VAT breakdown (BG-23): a category and rate, its taxable base and its tax, in cents. */
export interface VatBreakdown {
  readonly category: VatCategory;
  readonly rate: string;
  readonly base: bigint;
  readonly tax: bigint;
}

/** Every amount of the e-invoice, in cents: the human document's figures (core/invoice/totals), converted exactly. */
export interface EinvoiceFigures {
  readonly lines: readonly LineFigures[];
  readonly breakdown: readonly VatBreakdown[];
  /** Σ line net amounts (BT-106), also the total without VAT (BT-109): Settle has no document-level allowances. */
  readonly lineTotal: bigint;
  readonly taxTotal: bigint;
  readonly grandTotal: bigint;
}

/** The currency of an invoice's amounts and their decimals (core/invoice/stablecoins amountsCurrency). */
export interface Amounts {
  readonly currency: string;
  readonly decimals: number;
}

/**
 * The e-invoice's figures from the same arithmetic as the human document (tax per rate on the sum of the nets, rounded
 * half-up to the currency's minor unit), each converted to cents; an amount that is not a whole number of cents (a line
 * priced below the cent) is refused, never rounded, so the two documents agree to the cent.
 */
export function einvoiceFigures(invoice: SettleInvoice, amounts: Amounts): EinvoiceFigures {
  const token = { decimals: amounts.decimals, symbol: invoice.pricedIn ? amounts.currency : invoice.payment.token.symbol };
  const totals = computeInvoiceTotals(invoice.lines, taxRoundingUnit(amounts.decimals, amounts.currency));
  const lines = invoice.lines.map((line, index) => ({
    net: toCents(totals.nets[index]!, token, `line ${index + 1}'s net amount`),
    discount: toCents(line.discount, token, `line ${index + 1}'s discount`),
    gross: toCents(line.quantity * line.unitPrice, token, `line ${index + 1}'s amount before discount`),
    category: vatCategory(line.taxRate, line.taxMention),
    rate: normalizeTaxRate(line.taxRate),
  }));
  const taxByRate = new Map(totals.taxes.map((tax) => [tax.rate, toCents(tax.amount, token, `the tax at ${tax.rate} %`)]));
  const groups = new Map<string, { category: VatCategory; rate: string; base: bigint }>();
  for (const line of lines) {
    const key = `${line.category.code} ${line.rate}`;
    const group = groups.get(key) ?? { category: line.category, rate: line.rate, base: 0n };
    groups.set(key, { ...group, base: group.base + line.net });
  }
  // Only positive rates carry tax, and they are all category S: one group per rate, so the tax per rate is the group's.
  const breakdown = [...groups.values()].map((group) => ({ ...group, tax: group.category.code === "S" ? taxByRate.get(group.rate)! : 0n }));
  const lineTotal = lines.reduce((sum, line) => sum + line.net, 0n);
  const taxTotal = breakdown.reduce((sum, entry) => sum + entry.tax, 0n);
  return { lines, breakdown, lineTotal, taxTotal, grandTotal: lineTotal + taxTotal };
}
