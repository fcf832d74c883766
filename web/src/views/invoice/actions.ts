/** The invoice screen's actions card: what the connected account's role and the invoice's state allow now. */
import { availableActions, type Roles } from "../../../../core/invoice/actions";
import { formatDateTime, formatRelative, formatToken } from "../../lib/format";
import type { ChainInvoice } from "../../lib/invoice";
import { h, type Child } from "../../ui/dom";
import { amountForm, simpleAction, waitingAction } from "./action-forms";
import { resolveForm, settlementForm } from "./dispute";
import { payForm } from "./pay";
import type { InvoiceScreen, Loaded } from "./screen";
import { invoiceSender } from "./send";

/** The buttons the account's role and the invoice's state allow. */
export function actionsCard(screen: InvoiceScreen, data: Loaded, roles: Roles, slot: HTMLElement): HTMLElement {
  const { id } = screen;
  const { chain, token, now } = data;
  const can = availableActions(chain, roles, now);
  const parts: Child[] = [];
  const sender = invoiceSender(screen, slot, token);

  if (can.pay) parts.push(payForm(data, roles, sender));
  if (can.release) {
    parts.push(
      amountForm({
        id: "release",
        title: "Release to the merchant",
        text: "Release what you received, in full or in parts (milestones). The protocol fee is taken from it.",
        max: chain.held,
        token,
        button: "Release",
        onSubmit: (amount) => sender.escrowCall(`Release ${formatToken(amount, token)}`, (escrow) => escrow.release(chain.id, amount)),
      }),
    );
  }
  if (can.dispute) {
    parts.push(
      simpleAction({
        id: "dispute",
        title: "Something wrong?",
        text: `Dispute before ${formatDateTime(chain.paidAt + chain.disputeWindow)} to freeze the funds until the arbiter decides.`,
        button: "Open a dispute",
        tone: "danger",
        onClick: () => sender.escrowCall(`Dispute invoice #${id}`, (escrow) => escrow.dispute(chain.id)),
      }),
    );
  }
  if (can.reclaim) {
    parts.push(
      can.reclaim.now
        ? simpleAction({
            id: "reclaim",
            title: chain.status === "expired" ? "The invoice expired" : "The arbiter did not decide in time",
            text: `Take back the ${formatToken(chain.held, token)} held in escrow.`,
            button: "Reclaim",
            onClick: () => sender.escrowCall(`Reclaim ${formatToken(chain.held, token)}`, (escrow) => escrow.reclaim(chain.id)),
          })
        : waitingAction(
            "Reclaim",
            `If the arbiter has not decided by ${formatDateTime(can.reclaim.from!)}, you can take back what is held.`,
          ),
    );
  }
  if (can.claim) {
    parts.push(
      can.claim.now
        ? simpleAction({
            id: "claim",
            title: "Claim your funds",
            text: `The dispute window is over: claim the ${formatToken(chain.held, token)} held (less the ${chain.feeBps / 100}% protocol fee).`,
            button: "Claim",
            tone: "success",
            onClick: () => sender.escrowCall(`Claim ${formatToken(chain.held, token)}`, (escrow) => escrow.claim(chain.id)),
          })
        : waitingAction(
            "Claim",
            `The payer can dispute until ${formatDateTime(can.claim.from!)} (${formatRelative(can.claim.from!, now)}). You can claim after that, or the payer can release earlier.`,
          ),
    );
  }
  if (can.refund) {
    parts.push(
      amountForm({
        id: "refund",
        title: "Refund the payer",
        text: "Send some or all of the held funds back to the payer. No fee is taken.",
        max: chain.held,
        token,
        button: "Refund",
        tone: "secondary",
        onSubmit: (amount) => sender.escrowCall(`Refund ${formatToken(amount, token)}`, (escrow) => escrow.refund(chain.id, amount)),
      }),
    );
  }
  if (can.cancel) {
    parts.push(
      simpleAction({
        id: "cancel",
        title: "Cancel the invoice",
        text: "Nothing was paid yet. Once cancelled it cannot be paid.",
        button: "Cancel invoice",
        tone: "danger",
        onClick: () => sender.escrowCall(`Cancel invoice #${id}`, (escrow) => escrow.cancel(chain.id)),
      }),
    );
  }
  if (can.resolve) parts.push(resolveForm(data, sender));
  if (can.settle) parts.push(settlementForm(data, roles, sender));
  if (data.credit > 0n) {
    parts.push(
      simpleAction({
        id: "withdraw-credit",
        title: "Credited to you",
        text: `${formatToken(data.credit, token)} could not be sent to you directly and waits in the escrow.`,
        button: "Withdraw",
        onClick: () => sender.escrowCall(`Withdraw ${formatToken(data.credit, token)}`, (escrow) => escrow.withdraw(chain.token)),
      }),
    );
  }
  if (parts.length === 0) parts.push(h("p", { class: "muted" }, nothingToDo(chain, roles)));
  return h(
    "section",
    { class: "card actions-card", "aria-label": "Actions" },
    h("h2", null, "Actions"),
    h("div", { class: "actions" }, parts),
    slot,
  );
}

/** Who the connected account is on this invoice, for the eyebrow. */
export function roleLabel(roles: Roles): string {
  if (roles.merchant) return "You issued this invoice";
  if (roles.arbiter) return "You are the arbiter";
  if (roles.openPayer) return "Open invoice: anyone can pay";
  if (roles.payer) return "Addressed to you";
  return "Invoice";
}

/** Why there is no action to offer, in one sentence. */
function nothingToDo(chain: ChainInvoice, roles: Roles): string {
  if (["released", "refunded", "resolved", "cancelled"].includes(chain.status)) return "This invoice is closed. Nothing is left to do.";
  if (roles.merchant && (chain.status === "open" || chain.status === "partially_paid"))
    return "Waiting for the payer. Share the link below.";
  if (roles.merchant && chain.status === "disputed") return "The arbiter is reviewing the dispute.";
  if (!roles.merchant && !roles.payer && !roles.arbiter) return "Your account has no role on this invoice.";
  return "Nothing to do right now.";
}
