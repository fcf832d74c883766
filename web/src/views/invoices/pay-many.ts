/**
 * "Pay selected" on the payer's list of invoices: checkboxes on the open invoices addressed to the signed-in account,
 * and one action that asks the API for the batch (POST /invoices/batch-transactions) and sends its calls through the
 * wallet one by one (an approve per token whose allowance is short, then one payMany), with progress.
 */
import { sameAddress } from "../../../../core/address";
import { MAX_BATCH_INVOICES } from "../../../../core/invoice/limits";
import { isPayableStatus } from "../../../../core/invoice/status";
import { api, ApiError, type BatchTransactions, type Invoice } from "../../lib/api";
import { tokenInfo } from "../../lib/contracts";
import { formatToken, type TokenInfo } from "../../lib/format";
import { app } from "../../lib/state";
import { runTransaction } from "../../lib/tx";
import { h, replace } from "../../ui/dom";
import { busy, notice } from "../../ui/feedback";
import { fill, t } from "../../i18n";

/** Every string of this feature, in the page's language (catalogue section `payMany`). */
export const PAY_MANY_TEXT = {
  column: () => t().payMany.column,
  select: (id: string) => fill(t().payMany.select, { id }),
  button: (count: number) => (count === 0 ? t().payMany.button : fill(t().payMany.buttonCount, { count })),
  hint: () => t().payMany.hint,
  tooMany: () => fill(t().payMany.tooMany, { max: MAX_BATCH_INVOICES }),
  refused: () => t().payMany.refused,
  step: (title: string, step: number, steps: number) => fill(t().payMany.step, { title, step, steps }),
  approve: (amount: string) => fill(t().payMany.approve, { amount }),
  payMany: (count: number, total: string) => fill(count === 1 ? t().payMany.payOne : t().payMany.payMany, { count, total }),
  paid: (count: number) => (count === 1 ? t().payMany.paidOne : fill(t().payMany.paidMany, { count })),
  stopped: () => t().payMany.stopped,
};

/** The checkboxes and the "Pay selected" bar of one list. */
export interface PayManySelection {
  /** The bar with the button and the progress, to put above the list. */
  bar: HTMLElement;
  /** The header cell of the checkbox column. */
  headCell(): HTMLTableCellElement;
  /** The checkbox cell of `item`'s row (empty when it cannot be paid here). */
  cell(item: Invoice): HTMLTableCellElement;
}

/** True when `account` can pay `item` in a batch now: on chain, open or partially paid, addressed to it. */
export function batchPayable(item: Invoice, account: string): boolean {
  const onchain = item.onchain;
  return !!onchain && isPayableStatus(onchain.status) && sameAddress(onchain.payer, account);
}

/** The selection of `account`'s list; `onPaid` runs once a batch was paid and indexed (to read the list again). */
export function payManySelection(account: string, onPaid: () => void): PayManySelection {
  const selected = new Set<string>();
  const button = h("button", { type: "button", class: "btn btn-primary", id: "pay-selected", disabled: true }, PAY_MANY_TEXT.button(0));
  const status = h("div", { id: "pay-many-status" });
  const slot = h("div", { id: "pay-many-tx" });
  // Shown once the list holds an invoice it can pay.
  const bar = h(
    "div",
    { class: "pay-many-bar", id: "pay-many", hidden: true },
    h("div", { class: "pay-many-row" }, button, h("span", { class: "muted small" }, PAY_MANY_TEXT.hint())),
    status,
    slot,
  );
  const refresh = () => {
    button.textContent = PAY_MANY_TEXT.button(selected.size);
    button.disabled = selected.size === 0;
  };

  button.addEventListener("click", async () => {
    replace(status);
    replace(slot);
    if (selected.size > MAX_BATCH_INVOICES) return replace(status, notice("warning", PAY_MANY_TEXT.tooMany()));
    const done = busy(button);
    try {
      const batch = await api.batchTransactions([...selected]);
      if (await send(batch)) {
        replace(status, notice("success", PAY_MANY_TEXT.paid(batch.payments.length)));
        selected.clear();
        onPaid();
      } else replace(status, notice("warning", PAY_MANY_TEXT.stopped()));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return app.sessionExpired();
      replace(status, notice("error", PAY_MANY_TEXT.refused(), error instanceof Error ? error.message : String(error)));
    } finally {
      done();
      refresh();
    }
  });

  /** Sends the batch's calls in order, each with its own progress card; true when every one was mined. */
  async function send({ transactions, payments }: BatchTransactions): Promise<boolean> {
    const provider = app.connection!.provider();
    const chainId = app.deployment!.chainId;
    const totals = new Map<string, bigint>();
    for (const p of payments) totals.set(p.token.toLowerCase(), (totals.get(p.token.toLowerCase()) ?? 0n) + BigInt(p.amount));
    const tokens = new Map<string, TokenInfo>();
    for (const token of totals.keys()) tokens.set(token, await tokenInfo(token, provider, chainId));
    const amountIn = (token: string) => formatToken(totals.get(token) ?? 0n, tokens.get(token)!);
    for (const [i, tx] of transactions.entries()) {
      const what =
        tx.action === "approve"
          ? PAY_MANY_TEXT.approve(amountIn(tx.to.toLowerCase()))
          : PAY_MANY_TEXT.payMany(payments.length, [...totals.keys()].map(amountIn).join(" + "));
      const stepSlot = h("div", { class: "pay-many-step" });
      slot.append(stepSlot);
      const result = await runTransaction({
        title: PAY_MANY_TEXT.step(what, i + 1, transactions.length),
        slot: stepSlot,
        // An approval leaves no history row to wait for.
        waitForIndex: tx.action === "approve" ? false : undefined,
        send: async (phase) => {
          const signer = await app.signer();
          phase("wallet");
          return signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) });
        },
      });
      if (!result.receipt) return false;
    }
    return true;
  }

  return {
    bar,
    headCell: () => h("th", { scope: "col", class: "select-cell" }, h("span", { class: "visually-hidden" }, PAY_MANY_TEXT.column())),
    cell(item) {
      const id = item.onchain?.id;
      if (!id || !batchPayable(item, account)) return h("td", { class: "select-cell" });
      bar.hidden = false;
      const box = h("input", {
        type: "checkbox",
        id: `select-${id}`,
        "data-invoice-select": id,
        "aria-label": PAY_MANY_TEXT.select(id),
        checked: selected.has(id),
        onchange: (e: Event) => {
          if ((e.currentTarget as HTMLInputElement).checked) selected.add(id);
          else selected.delete(id);
          refresh();
        },
      });
      return h("td", { class: "select-cell" }, box);
    },
  };
}
