/** The invoice screen's actions card: what the connected account's role and the invoice's state allow now. */
import { availableActions, paymentCall, type Roles } from "../../../../core/invoice/actions";
import { isPayableStatus } from "../../../../core/invoice/status";
import { fill, t } from "../../i18n";
import { formatDateTime, formatNumber, formatRelative, formatToken } from "../../lib/format";
import type { ChainInvoice } from "../../lib/invoice";
import { h, type Child } from "../../ui/dom";
import { amountForm, simpleAction, waitingAction } from "./action-forms";
import { resolveForm, settlementForm } from "./dispute";
import { payForm } from "./pay";
import { pricedPayForm } from "./pay-priced";
import type { InvoiceScreen, Loaded } from "./screen";
import { invoiceSender } from "./send";

/** The buttons the account's role and the invoice's state allow. */
export function actionsCard(screen: InvoiceScreen, data: Loaded, roles: Roles, slot: HTMLElement): HTMLElement {
  const { id } = screen;
  const { chain, token, now } = data;
  const can = availableActions(chain, roles, now);
  const parts: Child[] = [];
  const sender = invoiceSender(screen, slot, token);
  const text = t().actions;

  // Priced in a currency and not paid yet (amount 0 until then): payPriced converts the price, from the API's quote.
  const pricing = data.record?.onchain?.pricing ?? null;
  if (pricing && paymentCall({ ...chain, pricing }) === "payPriced") {
    if (roles.payer && isPayableStatus(chain.status)) parts.push(pricedPayForm(data, pricing, sender));
  } else if (can.pay) parts.push(payForm(data, roles, sender));
  if (can.release) {
    parts.push(
      amountForm({
        id: "release",
        title: text.releaseTitle,
        text: text.releaseText,
        max: chain.held,
        token,
        button: text.release,
        onSubmit: (amount) =>
          sender.escrowCall(fill(text.releaseTx, { amount: formatToken(amount, token) }), (escrow) => escrow.release(chain.id, amount)),
      }),
    );
  }
  if (can.dispute) {
    parts.push(
      simpleAction({
        id: "dispute",
        title: text.disputeTitle,
        text: fill(text.disputeText, { date: formatDateTime(chain.paidAt + chain.disputeWindow) }),
        button: text.dispute,
        tone: "danger",
        onClick: () => sender.escrowCall(fill(text.disputeTx, { id }), (escrow) => escrow.dispute(chain.id)),
      }),
    );
  }
  if (can.reclaim) {
    parts.push(
      can.reclaim.now
        ? simpleAction({
            id: "reclaim",
            title: chain.status === "expired" ? text.expired : text.arbiterLate,
            text: fill(text.reclaimText, { amount: formatToken(chain.held, token) }),
            button: text.reclaim,
            onClick: () =>
              sender.escrowCall(fill(text.reclaimTx, { amount: formatToken(chain.held, token) }), (escrow) => escrow.reclaim(chain.id)),
          })
        : waitingAction(text.reclaim, fill(text.reclaimLater, { date: formatDateTime(can.reclaim.from!) })),
    );
  }
  if (can.claim) {
    parts.push(
      can.claim.now
        ? simpleAction({
            id: "claim",
            title: text.claimTitle,
            text: fill(text.claimText, { amount: formatToken(chain.held, token), fee: formatNumber(chain.feeBps / 100) }),
            button: text.claim,
            tone: "success",
            onClick: () =>
              sender.escrowCall(fill(text.claimTx, { amount: formatToken(chain.held, token) }), (escrow) => escrow.claim(chain.id)),
          })
        : waitingAction(
            text.claim,
            fill(text.claimLater, { date: formatDateTime(can.claim.from!), relative: formatRelative(can.claim.from!, now) }),
          ),
    );
  }
  if (can.refund) {
    parts.push(
      amountForm({
        id: "refund",
        title: text.refundTitle,
        text: text.refundText,
        max: chain.held,
        token,
        button: text.refund,
        tone: "secondary",
        onSubmit: (amount) =>
          sender.escrowCall(fill(text.refundTx, { amount: formatToken(amount, token) }), (escrow) => escrow.refund(chain.id, amount)),
      }),
    );
  }
  if (can.cancel) {
    parts.push(
      simpleAction({
        id: "cancel",
        title: text.cancelTitle,
        text: text.cancelText,
        button: text.cancel,
        tone: "danger",
        onClick: () => sender.escrowCall(fill(text.cancelTx, { id }), (escrow) => escrow.cancel(chain.id)),
      }),
    );
  }
  if (can.resolve) parts.push(resolveForm(data, sender));
  if (can.settle) parts.push(settlementForm(data, roles, sender));
  if (data.credit > 0n) {
    parts.push(
      simpleAction({
        id: "withdraw-credit",
        title: text.creditTitle,
        text: fill(text.creditText, { amount: formatToken(data.credit, token) }),
        button: text.withdraw,
        onClick: () =>
          sender.escrowCall(fill(text.withdrawTx, { amount: formatToken(data.credit, token) }), (escrow) => escrow.withdraw(chain.token)),
      }),
    );
  }
  if (parts.length === 0) parts.push(h("p", { class: "muted" }, nothingToDo(chain, roles)));
  return h(
    "section",
    { class: "card actions-card", "aria-label": text.title },
    h("h2", null, text.title),
    h("div", { class: "actions" }, parts),
    slot,
  );
}

/** Who the connected account is on this invoice, for the eyebrow. */
export function roleLabel(roles: Roles): string {
  const text = t().actions;
  if (roles.merchant) return text.roleMerchant;
  if (roles.arbiter) return text.roleArbiter;
  if (roles.openPayer) return text.roleOpen;
  if (roles.payer) return text.rolePayer;
  return t().invoice.eyebrow;
}

/** Why there is no action to offer, in one sentence. */
function nothingToDo(chain: ChainInvoice, roles: Roles): string {
  const text = t().actions;
  if (["released", "refunded", "resolved", "cancelled"].includes(chain.status)) return text.closed;
  if (roles.merchant && (chain.status === "open" || chain.status === "partially_paid")) return text.waitingPayer;
  if (roles.merchant && chain.status === "disputed") return text.reviewing;
  if (!roles.merchant && !roles.payer && !roles.arbiter) return text.noRole;
  return text.nothing;
}
