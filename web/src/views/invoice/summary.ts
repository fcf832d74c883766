/**
 * The invoice screen's amounts card: what is due, a progress bar of paid, held, released and refunded, and the price
 * and rate of an invoice priced in a currency.
 */
import { fill, t } from "../../i18n";
import { formatAmount, formatDate, formatNumber, formatToken } from "../../lib/format";
import { h } from "../../ui/dom";
import type { Loaded } from "./screen";

/** The side card with the amounts and a progress bar. */
export function summaryCard({ chain, token, record }: Loaded): HTMLElement {
  const text = t().invoice;
  // An invoice priced in a currency (from the API): its price and, once paid, the rate its payment used.
  const pricing = record?.onchain?.pricing ?? null;
  const unpaidPrice = !!pricing && !pricing.payment;
  const pct = (v: bigint) => (chain.amount === 0n ? 0 : Number((v * 10_000n) / chain.amount) / 100);
  return h(
    "section",
    { class: "card summary", "aria-label": text.amounts },
    h("p", { class: "stat-label" }, chain.due > 0n || unpaidPrice ? text.amountDue : text.invoiceTotal),
    // Priced and not paid yet: the price is what is due (the token amount comes with the payment's rate).
    unpaidPrice
      ? h("p", { class: "summary-amount", id: "invoice-due" }, pricing!.price, h("span", { class: "stat-unit" }, pricing!.currency))
      : h(
          "p",
          { class: "summary-amount", id: "invoice-due" },
          formatAmount(chain.due > 0n ? chain.due : chain.amount, token.decimals),
          h("span", { class: "stat-unit" }, token.symbol),
        ),
    h(
      "div",
      {
        class: "progress",
        role: "img",
        "aria-label": fill(text.progress, { paid: formatNumber(pct(chain.paid)), released: formatNumber(pct(chain.released)) }),
      },
      h("span", { class: "progress-released", style: `width:${pct(chain.released)}%` }),
      h("span", { class: "progress-held", style: `width:${Math.max(0, pct(chain.paid) - pct(chain.released) - pct(chain.refunded))}%` }),
      h("span", { class: "progress-refunded", style: `width:${pct(chain.refunded)}%` }),
    ),
    h(
      "dl",
      { class: "kv kv-compact" },
      pricing
        ? [
            h("dt", null, text.price),
            h("dd", { class: "num", id: "invoice-price" }, pricing.display),
            pricing.payment
              ? [
                  h("dt", null, t().priced.tokenPaid),
                  h("dd", { class: "num", id: "invoice-token-amount" }, formatToken(BigInt(pricing.payment.tokenAmount), token, 6)),
                  h("dt", null, text.rate),
                  h("dd", { class: "num", id: "invoice-rate" }, `1 ${token.symbol} = ${pricing.payment.rate} ${pricing.currency}`),
                ]
              : null,
          ]
        : null,
      // Until a priced invoice is paid there is no token amount to show.
      unpaidPrice
        ? null
        : [
            h("dt", null, text.total),
            h("dd", { class: "num" }, formatToken(chain.amount, token)),
            h("dt", null, text.paid),
            h("dd", { class: "num", id: "invoice-paid" }, formatToken(chain.paid, token)),
            h("dt", null, h("span", { class: "legend legend-held" }), text.held),
            h("dd", { class: "num", id: "invoice-held" }, formatToken(chain.held, token)),
            h("dt", null, h("span", { class: "legend legend-released" }), text.released),
            h("dd", { class: "num", id: "invoice-released" }, formatToken(chain.released, token)),
          ],
      chain.refunded > 0n
        ? [
            h("dt", null, h("span", { class: "legend legend-refunded" }), text.refunded),
            h("dd", { class: "num" }, formatToken(chain.refunded, token)),
          ]
        : null,
      h("dt", null, text.dueDate),
      h("dd", { class: "num" }, formatDate(chain.dueDate)),
    ),
  );
}
