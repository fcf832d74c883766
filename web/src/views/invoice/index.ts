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
import { loadInvoice, resolveChain, waitForDraft, type InvoiceScreen, type Loaded } from "./screen";
import { askToSwitch, chainBadge, chainIdOf } from "../../ui/chains";
import { shareCard } from "./share";
import { summaryCard } from "./summary";
import { timelineCard } from "./timeline";
import { creditNotesCard } from "./credit-notes";
import { fill, t } from "../../i18n";

/** One invoice (`#/invoice/:id`), or a draft (`#/invoice/<draft id>`) until it is on chain. */
export const invoiceView: View = (root, params, query) => {
  const id = params.id ?? "";
  const text = t().invoice;
  const header = h(
    "header",
    { class: "page-header" },
    h("div", null, h("p", { class: "eyebrow" }, text.eyebrow), h("h1", null, /^\d+$/.test(id) ? fill(text.title, { id }) : text.eyebrow)),
  );
  root.append(header);
  const pinned = chainIdOf(params.chainId);
  if (pinned !== undefined && app.deployments.length > 0 && !app.deploymentOf(pinned)) {
    root.append(notice("warning", fill(t().chains.unknownChain, { id: pinned }), t().chains.unknownChainText));
    return;
  }
  askToSwitch(pinned);
  if (!gate(root, { wallet: true, chain: true, reason: text.gate })) return;
  const deployment = app.deployment!;
  if (!deployment.has("PaymentEscrow")) {
    root.append(notice("warning", t().newInvoice.unavailable, t().newInvoice.noEscrow));
    return;
  }
  const body = h("div", { class: "invoice-page" }, loadingCard(text.reading));
  // Kept across re-renders so that a transaction's progress stays on screen while the page refreshes.
  const slot = h("div", { class: "tx-slot", id: "invoice-tx" });
  root.append(body);
  let stopped = false;

  if (!/^\d+$/.test(id)) {
    // A draft id: the invoice appears once its createInvoice transaction is indexed.
    void waitForDraft(id, body, () => stopped);
    return () => (stopped = true);
  }

  if (app.multichain && pinned === undefined && app.signedIn) {
    // An old link (`#/invoice/<id>`): the API tells the invoice's chain, or which ones have that id.
    void resolveChain(id, body).then((resolved) => {
      if (!resolved && !stopped) void screen.refresh();
    });
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
                fill(text.notFound, { id }),
                text.notFoundText,
                h("a", { class: "btn btn-secondary btn-sm", href: "#/pay" }, text.openAnother),
              )
            : errorCard(error, () => void screen.refresh()),
        );
      }
    },
  };

  const render = (data: Loaded) => {
    const roles = rolesOf(data.chain, screen.account);
    const number = data.record?.details?.number;
    header.replaceChildren(
      h(
        "div",
        null,
        h("p", { class: "eyebrow" }, roleLabel(roles)),
        h("h1", { id: "invoice-title" }, number ? fill(text.numbered, { number }) : fill(text.title, { id })),
      ),
      h("div", { class: "page-actions" }, chainBadge(deployment.chainId), statusBadge(data.chain.status)),
    );
    replace(
      body,
      query.get("created") ? notice("success", text.created, text.createdText) : null,
      h(
        "div",
        { class: "layout-main-side" },
        h("div", { class: "stack" }, documentCard(data, screen.account), creditNotesCard(data), timelineCard(data, screen.account)),
        h(
          "aside",
          { class: "stack" },
          summaryCard(data),
          actionsCard(screen, data, roles, slot),
          shareCard(id, deployment.chainId, roles.merchant),
          emailsCard(data),
        ),
      ),
    );
  };

  let polls = 0;
  if (!(app.multichain && pinned === undefined && app.signedIn)) void screen.refresh();
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
