/**
 * The document's lines for an invoice priced in a currency (PaymentEscrow.payPriced): the price in the currency and,
 * once paid, the token amount the payment took and the feed's rate (from the index's InvoicePriced columns).
 */
import { formatPrice, formatRate } from "../../core/invoice/currency";
import { type DocumentLabels, fill } from "../../core/labels";
import type { PricingRow } from "../index/rows";
import type { InvoiceDocumentModel, TokenInfo } from "./model";

/** A price in a currency as printed: "12.50 EUR". */
export const priceText = (pricing: PricingRow): string => `${formatPrice(pricing.price)} ${pricing.currency}`;

/** The totals rows of an invoice priced in a currency: its price and, once paid, the token amount and the rate. */
export function pricedTotals(
  pricing: PricingRow,
  amount: bigint,
  token: TokenInfo,
  fmt: (value: bigint) => string,
  l: DocumentLabels,
): InvoiceDocumentModel["totals"] {
  const rows = [{ label: l.price, value: priceText(pricing) }];
  const { rate } = pricing;
  if (!rate) return rows;
  const values = {
    symbol: token.symbol,
    rate: formatRate(rate.answer, rate.decimals),
    currency: pricing.currency,
    round: rate.roundId.toString(),
  };
  rows.push({ label: fill(l.paidInToken, values), value: fmt(amount) });
  rows.push({ label: l.rate, value: fill(l.rateValue, values) });
  return rows;
}
