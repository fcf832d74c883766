/** The invoice screen's activity card: the invoice's indexed events, newest last. */
import { txHash } from "../../ui/chains";
import { sameAddress } from "../../../../core/address";
import { eventLabel } from "../../../../core/labels";
import { locale, t } from "../../i18n";
import { currencyUnit, formatDateTime, formatToken, shortAddress } from "../../lib/format";
import type { ChainInvoice } from "../../lib/invoice";
import { app } from "../../lib/state";
import { h } from "../../ui/dom";
import type { Loaded } from "./screen";

/** The events of the invoice, as a timeline (or why there are none). */
export function timelineCard({ events, token, chain, record }: Loaded, account: string): HTMLElement {
  const text = t().activity;
  // An invoice priced in a currency is created with its price (hundredths of the currency), paid in the token.
  const pricing = record?.onchain?.pricing ?? null;
  const unitOf = (kind: string) =>
    pricing && (kind === "InvoiceCreated" || kind === "InvoiceCurrencySet") ? currencyUnit(pricing.currency) : token;
  return h(
    "section",
    { class: "card", "aria-label": text.title },
    h("h2", null, text.title),
    events.length === 0
      ? h("p", { class: "muted", style: "margin-top:8px" }, app.signedIn ? text.none : text.signIn)
      : h(
          "ol",
          { class: "timeline" },
          events.map((event) =>
            h(
              "li",
              null,
              h("span", { class: "timeline-dot", "aria-hidden": "true" }),
              h(
                "div",
                null,
                h(
                  "p",
                  { class: "timeline-title" },
                  eventLabel(event.kind, locale()),
                  event.amount && event.amount !== "0"
                    ? h("span", { class: "timeline-amount" }, ` · ${formatToken(BigInt(event.amount), unitOf(event.kind))}`)
                    : null,
                ),
                h(
                  "p",
                  { class: "timeline-meta" },
                  formatDateTime(new Date(event.timestamp)),
                  event.actor ? ` · ${actorName(event.actor, chain, account)}` : "",
                  " · ",
                  h("a", { href: txHash(event.txHash, app.deployment?.chainId) }, text.transaction),
                ),
              ),
            ),
          ),
        ),
  );
}

/** Who did it, as the connected account sees it: "you", "merchant", "payer", "arbiter" or a short address. */
function actorName(actor: string, chain: ChainInvoice, account: string): string {
  const text = t().activity;
  return sameAddress(actor, account)
    ? text.you
    : sameAddress(actor, chain.merchant)
      ? text.merchant
      : sameAddress(actor, chain.payer)
        ? text.payer
        : sameAddress(actor, chain.arbiter)
          ? text.arbiter
          : shortAddress(actor);
}
