/** The building blocks of the invoice screen's actions: a one-button action, a waiting note, an amount form, a radio card. */
import { fill, t } from "../../i18n";
import { amountInput, formatToken, parseAmount, type TokenInfo } from "../../lib/format";
import { clearFieldErrors, field, setFieldError } from "../../ui/controls";
import { h } from "../../ui/dom";
import { icon } from "../../ui/icons";

/** A small block with a title, a sentence and one button. */
export function simpleAction(options: {
  id: string;
  title: string;
  text: string;
  button: string;
  tone?: "primary" | "danger" | "success";
  onClick: () => Promise<unknown>;
}): HTMLElement {
  const button = h(
    "button",
    { type: "button", class: `btn btn-${options.tone ?? "primary"} btn-block`, id: `action-${options.id}` },
    options.button,
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await options.onClick();
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "action" }, h("h3", null, options.title), h("p", { class: "muted" }, options.text), button);
}

/** An action that becomes possible later, with the date. */
export function waitingAction(title: string, text: string): HTMLElement {
  return h("div", { class: "action action-waiting" }, h("h3", null, icon("clock", 16), ` ${title}`), h("p", { class: "muted" }, text));
}

/** An action with an amount (defaulting to `max`) and a submit button. */
export function amountForm(options: {
  id: string;
  title: string;
  text: string;
  max: bigint;
  token: TokenInfo;
  button: string;
  tone?: "primary" | "secondary";
  onSubmit: (amount: bigint) => Promise<unknown>;
}): HTMLElement {
  const { token } = options;
  const input = h("input", {
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    value: amountInput(options.max, token.decimals),
  });
  const button = h(
    "button",
    { type: "submit", class: `btn btn-${options.tone ?? "primary"} btn-block`, id: `action-${options.id}` },
    options.button,
  );
  const form = h(
    "form",
    { class: "action", novalidate: true },
    h("h3", null, options.title),
    h("p", { class: "muted" }, options.text),
    field({
      id: `${options.id}-amount`,
      label: fill(t().actions.amount, { symbol: token.symbol }),
      control: input,
      hint: fill(t().actions.atMost, { amount: formatToken(options.max, token) }),
    }),
    button,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const parsed = parseAmount(input.value, token.decimals);
    if ("error" in parsed) return setFieldError(form, input.id, parsed.error);
    if (parsed.value === 0n) return setFieldError(form, input.id, t().actions.moreThanZero);
    if (parsed.value > options.max)
      return setFieldError(form, input.id, fill(t().actions.atMostSentence, { amount: formatToken(options.max, token) }));
    button.disabled = true;
    try {
      await options.onSubmit(parsed.value);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** One choice of a radio group, shown as a card with a title and a sentence. */
export function radioCard(name: string, value: string, title: string, text: string, checked: boolean): HTMLElement {
  const id = `${name}-${value}`;
  return h(
    "label",
    { class: "radio-card", for: id },
    h("input", { type: "radio", name, value, id, checked }),
    h("span", null, h("strong", null, title), text),
  );
}
