/**
 * The invoice screen: one invoice, for whoever opens it: the document with its verification mark, the amounts, and
 * the actions the connected account's role and the invoice's state allow. Its parts live beside this file.
 */
import { rolesOf } from "../../../../core/invoice/actions";
import { humanError } from "../../lib/errors";
import { app } from "../../lib/state";
import { h, replace } from "../../ui/dom";
import { notice, statusBadge } from "../../ui/feedback";
import { errorCard, gate, loadingCard, type View } from "../../ui/page";
import { actionsCard, roleLabel } from "./actions";
import { documentCard } from "./document";
import { emailsCard } from "./emails";
import { loadInvoice, waitForDraft, type InvoiceScreen, type Loaded } from "./screen";
import { shareCard } from "./share";
import { summaryCard } from "./summary";
import { timelineCard } from "./timeline";

/** One invoice (`#/invoice/:id`), or a draft (`#/invoice/<draft id>`) until it is on chain. */
export const invoiceView: View = (root, params, query) => {
  const id = params.id ?? "";
  const header = h(
    "header",
    { class: "page-header" },
    h("div", null, h("p", { class: "eyebrow" }, "Invoice"), h("h1", null, /^\d+$/.test(id) ? `Invoice #${id}` : "Invoice")),
  );
  root.append(header);
  if (!gate(root, { wallet: true, chain: true, reason: "Connect your wallet to see this invoice and pay it." })) return;
  const deployment = app.deployment!;
  if (!deployment.has("PaymentEscrow")) {
    root.append(notice("warning", "Invoices are not available", "PaymentEscrow is not deployed on this server yet."));
    return;
  }
  const body = h("div", { class: "invoice-page" }, loadingCard("Reading the invoice"));
  // Kept across re-renders so that a transaction's progress stays on screen while the page refreshes.
  const slot = h("div", { class: "tx-slot", id: "invoice-tx" });
  root.append(body);
  let stopped = false;

  if (!/^\d+$/.test(id)) {
    // A draft id: the invoice appears once its createInvoice transaction is indexed.
    void waitForDraft(id, body, () => stopped);
    return () => (stopped = true);
  }

  const screen: InvoiceScreen = {
    id,
    account: app.account!,
    deployment,
    provider: app.connection!.provider(),
    refresh: async () => {
      try {
        const loaded = await loadInvoice(screen);
        if (stopped) return;
        render(loaded);
      } catch (error) {
        if (stopped) return;
        const human = humanError(error);
        replace(
          body,
          human.errorName === "EscrowInvoiceNotFound"
            ? notice(
                "warning",
                `There is no invoice #${id}`,
                "Check the number or the link you were given.",
                h("a", { class: "btn btn-secondary btn-sm", href: "#/pay" }, "Open another invoice"),
              )
            : errorCard(error, () => void screen.refresh()),
        );
      }
    },
  };

  const render = (data: Loaded) => {
    const roles = rolesOf(data.chain, screen.account);
    header.replaceChildren(
      h("div", null, h("p", { class: "eyebrow" }, roleLabel(roles)), h("h1", null, `Invoice #${id}`)),
      h("div", { class: "page-actions" }, statusBadge(data.chain.status)),
    );
    replace(
      body,
      query.get("created")
        ? notice("success", "Invoice created", "It is on chain and indexed. Share the link below with your payer.")
        : null,
      h(
        "div",
        { class: "layout-main-side" },
        h("div", { class: "stack" }, documentCard(data, screen.account), timelineCard(data, screen.account)),
        h(
          "aside",
          { class: "stack" },
          summaryCard(data),
          actionsCard(screen, data, roles, slot),
          shareCard(id, roles.merchant),
          emailsCard(data),
        ),
      ),
    );
  };

  let polls = 0;
  void screen.refresh();
  // Follow the invoice while the page is open (someone else may pay, release or dispute it).
  const timer = setInterval(() => {
    if (document.querySelector("#main form:focus-within, #main input:focus")) return;
    if (++polls % 3 === 0) void screen.refresh();
  }, 5000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
};
