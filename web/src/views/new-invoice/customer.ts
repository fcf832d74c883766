/**
 * The new-invoice form's customer card: pick one of the merchant's saved customers (GET /customers) or type a new
 * customer's name, address, VAT number, company number and email; and the document language (the customer's).
 * The checks are core/legal.ts's, the rules the API applies.
 */
import { DESCRIPTION_FORBIDDEN } from "../../../../core/invoice/limits";
import { EMAIL_PATTERN, siretProblem, vatNumberProblem } from "../../../../core/legal";
import { fill, locale, PAGE_LOCALES, PAGE_MESSAGES, t, type Locale } from "../../i18n";
import { api, type InvoiceDraftInput, type SavedCustomer } from "../../lib/api";
import { humanError } from "../../lib/errors";
import { field } from "../../ui/controls";
import { h, replace } from "../../ui/dom";
import { addressInputs } from "./address";

/** What the card adds to the POST /invoices body. */
export type CustomerPart = Pick<InvoiceDraftInput, "customer" | "customerId" | "language">;

/** The card, and a function that checks it (calling `fail` per bad control) and returns its part of the body. */
export interface CustomerCard {
  card: HTMLElement;
  read(fail: (id: string, message: string) => void): CustomerPart;
}

/** The customer card; it fills its saved-customer list from the API once built. */
export function customerCard(): CustomerCard {
  const text = t().newInvoice;
  const choice = h(
    "select",
    { name: "customer-choice" },
    h("option", { value: "none" }, text.noCustomer),
    h("option", { value: "new" }, text.newCustomer),
  );
  const input = (name: string, attributes: Record<string, string | number> = {}) =>
    h("input", { type: "text", name: `customer-${name}`, autocomplete: "off", ...attributes });
  const name = input("name", { maxlength: 200 });
  const address = addressInputs("customer");
  const vat = input("vat", { maxlength: 40, placeholder: "FR40303265045" });
  const company = input("company", { maxlength: 32 });
  const email = input("email", { type: "email", maxlength: 254 });
  const language = h(
    "select",
    { name: "language" },
    PAGE_LOCALES.map((tag) => h("option", { value: tag, lang: tag }, PAGE_MESSAGES[tag].languageName)),
  );
  language.value = locale();
  const savedSummary = h("p", { class: "hint", id: "customer-saved-summary" });
  const status = h("p", { class: "hint", id: "customer-list-status" });
  const fields = h(
    "div",
    { class: "form-grid", id: "customer-fields" },
    h("div", { class: "span-2" }, field({ id: "customer-name", label: text.customerName, control: name })),
    ...address.fields,
    field({ id: "customer-vat", label: text.vatNumber, control: vat, optional: true, hint: text.vatHint }),
    field({ id: "customer-company", label: text.companyNumber, control: company, optional: true, hint: text.companyHint }),
    field({ id: "customer-email", label: text.email, control: email, optional: true, hint: text.emailHint }),
  );
  const saved = new Map<string, SavedCustomer>();
  const sync = () => {
    fields.hidden = choice.value !== "new";
    const picked = saved.get(choice.value);
    savedSummary.textContent = picked ? [picked.name, picked.email, picked.vatNumber].filter(Boolean).join(" · ") : "";
  };
  choice.addEventListener("change", sync);
  sync();
  void api.customers().then(
    (list) => {
      for (const customer of list.items) {
        saved.set(customer.id, customer);
        choice.append(h("option", { value: customer.id }, customer.name));
      }
    },
    (error: unknown) => replace(status, fill(text.customersFailed, { reason: humanError(error).message })),
  );

  const card = h(
    "section",
    { class: "card form-card" },
    h("h2", null, text.customer),
    h(
      "div",
      { class: "form-grid" },
      h(
        "div",
        null,
        field({ id: "invoice-customer", label: text.savedCustomer, control: choice, hint: text.savedHint }),
        savedSummary,
        status,
      ),
      field({ id: "invoice-language", label: text.language, control: language, hint: text.languageHint }),
    ),
    fields,
  );

  const read = (fail: (id: string, message: string) => void): CustomerPart => {
    const messages = t().validation;
    const chosen = PAGE_LOCALES.find((tag) => tag === language.value) ?? ("en" satisfies Locale);
    if (choice.value === "none") return { language: chosen };
    if (choice.value !== "new") return { customerId: choice.value, language: chosen };
    const value = (control: HTMLInputElement) => control.value.normalize("NFC").trim();
    const customerName = value(name);
    if (!customerName || DESCRIPTION_FORBIDDEN.test(customerName)) fail(name.id, messages.customerName);
    const countryCode = address.country();
    const billing = address.read(fail);
    const vatProblem = value(vat) ? vatNumberProblem(value(vat)) : null;
    if (vatProblem) fail(vat.id, fill(messages.vat, { problem: vatProblem }));
    const siret = value(company) && countryCode === "FR" ? siretProblem(value(company)) : null;
    if (siret) fail(company.id, fill(messages.siret, { problem: siret }));
    if (value(email) && !EMAIL_PATTERN.test(value(email))) fail(email.id, messages.email);
    const optional = (control: HTMLInputElement) => value(control) || null;
    return {
      language: chosen,
      customer: {
        name: customerName,
        address: billing,
        vatNumber: optional(vat),
        companyNumber: optional(company),
        email: optional(email),
      },
    };
  };
  return { card, read };
}
