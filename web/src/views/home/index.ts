import { app } from "../../lib/state";
import { h } from "../../ui/dom";
import { icon } from "../../ui/icons";
import { t } from "../../i18n";
import { actionButton, type View } from "../../ui/page";

/** The landing page: what Settle does and where to start. */
export const homeView: View = (root) => {
  const connected = !!app.account;
  const text = t().home;
  root.append(
    h(
      "section",
      { class: "hero" },
      h("p", { class: "eyebrow" }, text.eyebrow),
      h("h1", null, text.title),
      h("p", { class: "lead" }, text.lead),
      h(
        "div",
        { class: "hero-actions" },
        connected
          ? [
              h("a", { class: "btn btn-primary btn-lg", href: "#/invoices/new" }, icon("plus", 18), ` ${text.newInvoice}`),
              h("a", { class: "btn btn-secondary btn-lg", href: "#/pay" }, icon("send", 18), ` ${text.payInvoice}`),
            ]
          : actionButton([icon("wallet", 18), ` ${text.connect}`], () => app.connect(), {
              class: "btn btn-primary btn-lg",
              busyText: t().gate.waitingWallet,
              id: "hero-connect",
            }),
      ),
    ),
    h(
      "section",
      { class: "feature-grid", "aria-label": text.features },
      feature("invoice", text.invoices, text.invoicesText, "#/invoices"),
      feature("send", text.pay, text.payText, "#/pay"),
      feature("coins", text.staking, text.stakingText, "#/staking"),
      feature("history", text.history, text.historyText, "#/history"),
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
    h("span", { class: "feature-link" }, `${t().home.open} `, icon("arrowRight", 16)),
  );
}
