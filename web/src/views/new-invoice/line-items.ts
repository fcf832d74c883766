/**
 * The line-items editor of the new-invoice form: per line description, quantity, unit price, discount and tax rate,
 * each line's net, and the live totals (net, tax per rate, gross) computed by core/invoice/totals.ts, the module the
 * API uses: the page never has a formula of its own.
 */
import { computeInvoiceTotals, isTaxRate, type LineInput } from "../../../../core/invoice/totals";
import { DESCRIPTION_FORBIDDEN, INVOICE_LIMITS } from "../../../../core/invoice/limits";
import { fill, t } from "../../i18n";
import { formatNumber, formatToken, parseAmount, type TokenInfo } from "../../lib/format";
import { field } from "../../ui/controls";
import { h, replace } from "../../ui/dom";
import { icon } from "../../ui/icons";

/** One line as typed. */
export interface LineDraft {
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  taxRate: string;
}

/** The controls of one line as the form reads them. */
export interface LineInputs {
  row: HTMLElement;
  description: HTMLInputElement;
  quantity: HTMLInputElement;
  price: HTMLInputElement;
  discount: HTMLInputElement;
  taxRate: HTMLInputElement;
  amount: HTMLElement;
}

/** A line read from its controls: the arithmetic's input and the description, or the problem of each bad control. */
export interface ReadLine {
  description: string;
  input?: LineInput;
  /** Control id → sentence, for each control whose value the API would refuse. */
  problems: Map<string, string>;
}

/** A rate as typed ("5,5" in French) in the API's notation ("5.5"). */
function rateText(input: HTMLInputElement): string {
  return input.value.trim().replace(",", ".") || "0";
}

/** Reads and checks one line, as POST /invoices checks it (`token` undefined: amounts cannot be read yet). */
export function readLine(line: LineInputs, token: TokenInfo | undefined): ReadLine {
  const messages = t().validation;
  const problems = new Map<string, string>();
  const description = line.description.value.normalize("NFC").trim();
  if (!description) problems.set(line.description.id, messages.describe);
  else if (description.length > INVOICE_LIMITS.maxDescription)
    problems.set(line.description.id, fill(messages.maxChars, { max: INVOICE_LIMITS.maxDescription }));
  else if (DESCRIPTION_FORBIDDEN.test(description)) problems.set(line.description.id, messages.controlChars);
  const quantity = Number(line.quantity.value);
  if (!/^\d+$/.test(line.quantity.value.trim()) || quantity < 1 || quantity > INVOICE_LIMITS.maxQuantity)
    problems.set(line.quantity.id, messages.quantity);
  const rate = rateText(line.taxRate);
  if (!isTaxRate(rate)) problems.set(line.taxRate.id, messages.taxRate);
  if (!token) return { description, problems };
  const price = parseAmount(line.price.value, token.decimals);
  if ("error" in price) problems.set(line.price.id, price.error);
  const discount = line.discount.value.trim() ? parseAmount(line.discount.value, token.decimals) : { value: 0n };
  if ("error" in discount) problems.set(line.discount.id, discount.error);
  if (problems.size > 0 || !("value" in price) || !("value" in discount)) return { description, problems };
  if (discount.value > price.value * BigInt(quantity)) {
    problems.set(line.discount.id, messages.discountTooLarge);
    return { description, problems };
  }
  return { description, problems, input: { quantity: BigInt(quantity), unitPrice: price.value, discount: discount.value, taxRate: rate } };
}

/** The editor: its list and totals elements, and functions to add a line, read the lines and recompute the totals. */
export interface LineItemsEditor {
  lines: HTMLElement;
  totals: HTMLElement;
  /** Adds a line and returns its description input. */
  add(initial?: Partial<LineDraft>): HTMLInputElement;
  read(): LineInputs[];
  updateTotal(): void;
}

/** A line-items editor whose amounts are in `currentToken()` (dashes while no token is known). */
export function lineItemsEditor(currentToken: () => TokenInfo | undefined): LineItemsEditor {
  const text = t().newInvoice;
  const lines = h("div", { class: "line-items", role: "list" });
  const totals = h("dl", { class: "invoice-totals", id: "invoice-totals" });
  let lineCount = 0;
  const add = (initial?: Partial<LineDraft>): HTMLInputElement => {
    const n = lineCount++;
    const input = (name: string, attributes: Record<string, string | number>) =>
      h("input", { type: "text", name: `line-${n}-${name}`, autocomplete: "off", ...attributes });
    const description = input("description", {
      maxlength: INVOICE_LIMITS.maxDescription,
      placeholder: text.descriptionPlaceholder,
      value: initial?.description ?? "",
    });
    const quantity = input("quantity", { type: "number", min: "1", step: "1", inputmode: "numeric", value: initial?.quantity ?? "1" });
    const price = input("price", { inputmode: "decimal", placeholder: "0", value: initial?.unitPrice ?? "" });
    const discount = input("discount", { inputmode: "decimal", placeholder: "0", value: initial?.discount ?? "" });
    const taxRate = input("tax", { inputmode: "decimal", placeholder: "0", value: initial?.taxRate ?? "" });
    const remove = h(
      "button",
      { type: "button", class: "btn btn-ghost btn-icon line-remove", "aria-label": text.removeLine },
      icon("trash", 16),
    );
    const amount = h("span", { class: "line-amount mono-num" }, "—");
    const row = h(
      "div",
      { class: "line-item", role: "listitem", "data-line": String(n) },
      field({ id: `line-${n}-description`, label: text.description, control: description }),
      field({ id: `line-${n}-quantity`, label: text.quantity, control: quantity }),
      field({ id: `line-${n}-price`, label: text.unitPrice, control: price }),
      field({ id: `line-${n}-discount`, label: text.discount, control: discount }),
      field({ id: `line-${n}-tax`, label: text.taxRate, control: taxRate }),
      h("div", { class: "line-total" }, h("span", { class: "line-total-label" }, text.amount), amount),
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
      discount: row.querySelector<HTMLInputElement>('input[name$="-discount"]')!,
      taxRate: row.querySelector<HTMLInputElement>('input[name$="-tax"]')!,
      amount: row.querySelector<HTMLElement>(".line-amount")!,
    }));

  /** Recomputes every net and the totals from the lines that read well (the others show a dash). */
  function updateTotal(): void {
    const token = currentToken();
    const rows = read();
    const parsed = rows.map((line) => readLine(line, token).input);
    const good = parsed.filter((input): input is LineInput => input !== undefined);
    const result = computeInvoiceTotals(good);
    let next = 0;
    rows.forEach((line, i) => (line.amount.textContent = parsed[i] && token ? formatToken(result.nets[next++]!, token) : "—"));
    const money = (value: bigint) => (token ? formatToken(value, token) : "—");
    const row = (label: string, value: bigint, attributes: Record<string, string>) => [
      h("dt", null, label),
      h("dd", { class: "mono-num", ...attributes }, money(value)),
    ];
    replace(
      totals,
      row(text.subtotal, result.subtotal, { id: "invoice-subtotal" }),
      result.taxes.map((tax) => row(fill(text.taxAt, { rate: formatNumber(tax.rate) }), tax.amount, { "data-rate": tax.rate })),
      h("dt", { class: "total" }, text.total),
      h("dd", { class: "mono-num total", id: "invoice-total" }, money(result.total)),
    );
  }

  lines.addEventListener("input", updateTotal);
  return { lines, totals, add, read, updateTotal };
}
