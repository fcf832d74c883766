/**
 * "Pay selected" on the payer's list of invoices: checkboxes on the open invoices addressed to the signed-in account,
 * and one action that pays the basket chain by chain (basket.ts): per chain, the API's batch
 * (POST /invoices/batch-transactions?chainId=) sent through the wallet on that chain, with progress.
 */
import { sameAddress } from "../../../../core/address";
import { isPayableStatus } from "../../../../core/invoice/status";
import { ApiError, type Invoice } from "../../lib/api";
import { humanError } from "../../lib/errors";
import { app } from "../../lib/state";
import { invoiceChainId } from "../../ui/chains";
import { h, replace } from "../../ui/dom";
import { busy, notice } from "../../ui/feedback";
import { fill, t } from "../../i18n";
import { basketKey, groupByChain, planBasket, sendBasket } from "./basket";

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

/**
 * The selection whose basket is being paid: switching the wallet to the next chain renders the list again, and the new
 * list takes this one over (its checkboxes, bar and progress) instead of starting an empty one.
 */
let paying: { account: string; selection: PayManySelection; rebind(onPaid: () => void): void } | undefined;

/** The selection of `account`'s list; `onPaid` runs once a batch was paid and indexed (to read the list again). */
export function payManySelection(account: string, onPaid: () => void): PayManySelection {
  if (paying && sameAddress(paying.account, account)) {
    paying.rebind(onPaid);
    return paying.selection;
  }
  let reload = onPaid;
  /** Selection keys `<chainId>:<id>`: the same id on two chains is two invoices. */
  const selected = new Set<string>();
  const text = () => t().payMany;
  const buttonText = () => (selected.size === 0 ? text().button : fill(text().buttonCount, { count: selected.size }));
  const button = h("button", { type: "button", class: "btn btn-primary", id: "pay-selected", disabled: true }, buttonText());
  const status = h("div", { id: "pay-many-status" });
  const slot = h("div", { id: "pay-many-tx" });
  // Shown once the list holds an invoice it can pay.
  const bar = h(
    "div",
    { class: "pay-many-bar", id: "pay-many", hidden: true },
    h("div", { class: "pay-many-row" }, button, h("span", { class: "muted small" }, text().hint)),
    status,
    slot,
  );
  const refresh = () => {
    button.textContent = buttonText();
    button.disabled = selected.size === 0 || !!paying;
  };

  button.addEventListener("click", async () => {
    replace(status);
    replace(slot);
    const done = busy(button);
    paying = { account, selection, rebind: (next) => (reload = next) };
    let paid = 0;
    try {
      const batches = await planBasket(groupByChain(selected, app.connection?.chainId));
      const complete = await sendBasket(batches, slot, (batch) => {
        paid += batch.plan.payments.length;
        for (const key of batch.keys) selected.delete(key);
      });
      if (complete) replace(status, notice("success", paid === 1 ? text().paidOne : fill(text().paidMany, { count: paid })));
      else replace(status, notice("warning", text().stopped));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return app.sessionExpired();
      replace(status, notice("error", text().refused, humanError(error).message));
    } finally {
      paying = undefined;
      done();
      refresh();
      if (paid > 0) reload();
    }
  });

  const selection: PayManySelection = {
    bar,
    headCell: () => h("th", { scope: "col", class: "select-cell" }, h("span", { class: "visually-hidden" }, text().column)),
    cell(item) {
      const id = item.onchain?.id;
      const chainId = invoiceChainId(item) ?? app.deployment?.chainId;
      if (!id || chainId === undefined || !batchPayable(item, account)) return h("td", { class: "select-cell" });
      bar.hidden = false;
      const key = basketKey(chainId, id);
      const box = h("input", {
        type: "checkbox",
        id: app.multichain ? `select-${chainId}-${id}` : `select-${id}`,
        "data-invoice-select": id,
        "data-chain": String(chainId),
        "aria-label": app.multichain ? fill(text().selectOn, { id, name: chainNameOf(chainId) }) : fill(text().select, { id }),
        checked: selected.has(key),
        onchange: (e: Event) => {
          if ((e.currentTarget as HTMLInputElement).checked) selected.add(key);
          else selected.delete(key);
          refresh();
        },
      });
      return h("td", { class: "select-cell" }, box);
    },
  };
  return selection;
}

/** The served chain's name for people. */
function chainNameOf(chainId: number): string {
  return app.deploymentOf(chainId)?.chainName ?? String(chainId);
}
