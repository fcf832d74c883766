/** The invoice screen's activity card: the invoice's indexed events, newest last. */
import { sameAddress } from "../../../../core/address";
import { eventLabel } from "../../../../core/labels";
import { formatDateTime, formatToken, shortAddress } from "../../lib/format";
import type { ChainInvoice } from "../../lib/invoice";
import { app } from "../../lib/state";
import { h } from "../../ui/dom";
import type { Loaded } from "./screen";

/** The events of the invoice, as a timeline (or why there are none). */
export function timelineCard({ events, token, chain }: Loaded, account: string): HTMLElement {
  return h(
    "section",
    { class: "card", "aria-label": "Activity" },
    h("h2", null, "Activity"),
    events.length === 0
      ? h(
          "p",
          { class: "muted", style: "margin-top:8px" },
          app.signedIn ? "No indexed activity yet." : `Created on chain. Sign in to see the full activity.`,
        )
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
                  eventLabel(event.kind),
                  event.amount && event.amount !== "0"
                    ? h("span", { class: "timeline-amount" }, ` · ${formatToken(BigInt(event.amount), token)}`)
                    : null,
                ),
                h(
                  "p",
                  { class: "timeline-meta" },
                  formatDateTime(new Date(event.timestamp)),
                  event.actor ? ` · ${actorName(event.actor, chain, account)}` : "",
                  " · ",
                  h("a", { href: `#/tx/${event.txHash}` }, "transaction"),
                ),
              ),
            ),
          ),
        ),
  );
}

/** Who did it, as the connected account sees it: "you", "merchant", "payer", "arbiter" or a short address. */
function actorName(actor: string, chain: ChainInvoice, account: string): string {
  return sameAddress(actor, account)
    ? "you"
    : sameAddress(actor, chain.merchant)
      ? "merchant"
      : sameAddress(actor, chain.payer)
        ? "payer"
        : sameAddress(actor, chain.arbiter)
          ? "arbiter"
          : shortAddress(actor);
}
