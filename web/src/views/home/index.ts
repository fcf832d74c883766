import { app } from "../../lib/state";
import { h } from "../../ui/dom";
import { icon } from "../../ui/icons";
import { actionButton, type View } from "../../ui/page";

/** The landing page: what Settle does and where to start. */
export const homeView: View = (root) => {
  const connected = !!app.account;
  root.append(
    h(
      "section",
      { class: "hero" },
      h("p", { class: "eyebrow" }, "Payments with an escrow you can verify"),
      h("h1", null, "Get paid on-chain, with the details people expect."),
      h(
        "p",
        { class: "lead" },
        "Issue invoices with line items, get paid in ETH or tokens into an escrow, release funds in parts, settle disputes with an arbiter, and stake SETL for rewards.",
      ),
      h(
        "div",
        { class: "hero-actions" },
        connected
          ? [
              h("a", { class: "btn btn-primary btn-lg", href: "#/invoices/new" }, icon("plus", 18), " New invoice"),
              h("a", { class: "btn btn-secondary btn-lg", href: "#/pay" }, icon("send", 18), " Pay an invoice"),
            ]
          : actionButton([icon("wallet", 18), " Connect wallet"], () => app.connect(), {
              class: "btn btn-primary btn-lg",
              busyText: "Waiting for your wallet…",
              id: "hero-connect",
            }),
      ),
    ),
    h(
      "section",
      { class: "feature-grid", "aria-label": "What you can do" },
      feature(
        "invoice",
        "Invoices",
        "Line items, due date, dispute window and arbiter. The details' hash is stored on chain, so payers can verify them.",
        "#/invoices",
      ),
      feature(
        "send",
        "Pay",
        "Pay in ETH, with approve + pay, or with a single permit signature. Release in parts, dispute, reclaim after expiry.",
        "#/pay",
      ),
      feature("coins", "Staking", "Stake SETL with one permit transaction and watch your rewards grow every second.", "#/staking"),
      feature(
        "history",
        "History",
        "Every payment, release and reward of your account, filtered, paginated and exportable to CSV.",
        "#/history",
      ),
    ),
  );
};

function feature(iconName: Parameters<typeof icon>[0], title: string, text: string, href: string): HTMLElement {
  return h(
    "a",
    { class: "card feature", href },
    h("span", { class: "feature-icon" }, icon(iconName, 22)),
    h("h2", null, title),
    h("p", null, text),
    h("span", { class: "feature-link" }, "Open ", icon("arrowRight", 16)),
  );
}
