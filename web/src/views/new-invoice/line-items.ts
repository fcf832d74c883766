/** The line-items editor of the new-invoice form: rows of description, quantity and unit price, with amounts and the total. */
import { formatToken, parseAmount, type TokenInfo } from "../../lib/format";
import { field } from "../../ui/controls";
import { h } from "../../ui/dom";
import { icon } from "../../ui/icons";
import { INVOICE_LIMITS } from "../../../../core/invoice/limits";

/** One line as typed. */
export interface LineDraft {
  description: string;
  quantity: string;
  unitPrice: string;
}

/** The controls of one line as the form reads them. */
export interface LineInputs {
  row: HTMLElement;
  description: HTMLInputElement;
  quantity: HTMLInputElement;
  price: HTMLInputElement;
  amount: HTMLElement;
}

/** The editor: its list element and total, and functions to add a line, read the lines and recompute the total. */
export interface LineItemsEditor {
  lines: HTMLElement;
  totalText: HTMLElement;
  /** Adds a line and returns its description input. */
  add(initial?: Partial<LineDraft>): HTMLInputElement;
  read(): LineInputs[];
  updateTotal(): void;
}

/** A line-items editor whose amounts are in `currentToken()` (dashes while no token is known). */
export function lineItemsEditor(currentToken: () => TokenInfo | undefined): LineItemsEditor {
  const lines = h("div", { class: "line-items", role: "list" });
  const totalText = h("strong", { id: "invoice-total" }, "0");
  let lineCount = 0;
  const add = (initial?: Partial<LineDraft>): HTMLInputElement => {
    const n = lineCount++;
    const description = h("input", {
      type: "text",
      name: `line-${n}-description`,
      maxlength: INVOICE_LIMITS.maxDescription,
      placeholder: "What you deliver",
      value: initial?.description ?? "",
    });
    const quantity = h("input", {
      type: "number",
      name: `line-${n}-quantity`,
      min: "1",
      step: "1",
      inputmode: "numeric",
      value: initial?.quantity ?? "1",
    });
    const price = h("input", {
      type: "text",
      name: `line-${n}-price`,
      inputmode: "decimal",
      placeholder: "0.00",
      autocomplete: "off",
      value: initial?.unitPrice ?? "",
    });
    const remove = h(
      "button",
      { type: "button", class: "btn btn-ghost btn-icon line-remove", "aria-label": "Remove this line" },
      icon("trash", 16),
    );
    const amount = h("span", { class: "line-amount mono-num" }, "—");
    const row = h(
      "div",
      { class: "line-item", role: "listitem", "data-line": String(n) },
      field({ id: `line-${n}-description`, label: "Description", control: description }),
      field({ id: `line-${n}-quantity`, label: "Qty", control: quantity }),
      field({ id: `line-${n}-price`, label: "Unit price", control: price }),
      h("div", { class: "line-total" }, h("span", { class: "line-total-label" }, "Amount"), amount),
      remove,
    );
    remove.addEventListener("click", () => {
      if (lines.children.length > 1) row.remove();
      updateTotal();
      lines.querySelector<HTMLInputElement>("input")?.focus();
    });
    lines.append(row);
    updateTotal();
    return description;
  };

  const read = (): LineInputs[] =>
    [...lines.querySelectorAll<HTMLElement>(".line-item")].map((row) => ({
      row,
      description: row.querySelector<HTMLInputElement>('input[name$="-description"]')!,
      quantity: row.querySelector<HTMLInputElement>('input[name$="-quantity"]')!,
      price: row.querySelector<HTMLInputElement>('input[name$="-price"]')!,
      amount: row.querySelector<HTMLElement>(".line-amount")!,
    }));

  function updateTotal(): void {
    let total = 0n;
    for (const line of read()) {
      const token = currentToken();
      const parsed = token ? parseAmount(line.price.value, token.decimals) : undefined;
      const quantity = /^\d+$/.test(line.quantity.value) ? BigInt(line.quantity.value) : undefined;
      if (parsed && "value" in parsed && quantity !== undefined) {
        line.amount.textContent = formatToken(parsed.value * quantity, token!);
        total += parsed.value * quantity;
      } else line.amount.textContent = "—";
    }
    const token = currentToken();
    totalText.textContent = token ? formatToken(total, token) : "—";
  }

  lines.addEventListener("input", updateTotal);
  return { lines, totalText, add, read, updateTotal };
}
