import { clearFieldErrors, field, setFieldError } from "../../ui/controls";
import { h } from "../../ui/dom";
import { icon } from "../../ui/icons";
import { t } from "../../i18n";
import { app } from "../../lib/state";
import { pageHeader, type View } from "../../ui/page";
import { chainIdOf, invoiceHash } from "../../ui/chains";

/**
 * The invoice id in what a payer pasted: a number ("12", "#12"), an invoice link
 * (".../#/invoice/12", or ".../#/invoice/<chainId>/12" on a server of several networks), or a draft id (a UUID).
 * Undefined when there is none.
 */
export function invoiceIdFrom(text: string): string | undefined {
  const trimmed = text.trim();
  const fromLink = /#\/invoice\/(?:[0-9]+\/)?([0-9]+|[0-9a-f-]{36})/i.exec(trimmed);
  if (fromLink) return fromLink[1]!.toLowerCase();
  const number = /^#?\s*([0-9]{1,30})$/.exec(trimmed);
  if (number) return String(BigInt(number[1]!));
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(trimmed)) return trimmed.toLowerCase();
  return undefined;
}

/** The payer's door: open an invoice by link or number, or pick one addressed to you. */
export const payView: View = (root) => {
  const text = t().payDoor;
  root.append(pageHeader(text.title, text.lead));
  const input = h("input", {
    type: "text",
    name: "invoice",
    placeholder: text.placeholder,
    autocomplete: "off",
    spellcheck: "false",
  });
  const form = h(
    "form",
    { class: "card form-card pay-open", id: "open-invoice", novalidate: true },
    field({ id: "open-invoice-id", label: text.label, control: input }),
    h("button", { type: "submit", class: "btn btn-primary btn-lg" }, `${text.open} `, icon("arrowRight", 18)),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const id = invoiceIdFrom(input.value);
    if (!id) return setFieldError(form, input.id, text.bad);
    // A link that names its chain keeps it; a number alone lets the invoice screen find (or ask for) the chain.
    location.hash = invoiceHash(chainIdOf(/#\/invoice\/([0-9]+)\/[0-9]+/.exec(input.value)?.[1]), id);
  });
  root.append(form);
  if (app.signedIn) {
    root.append(h("p", { class: "muted" }, text.orSee, h("a", { href: "#/invoices?role=payer&tab=awaiting" }, text.addressed), "."));
  }
};
