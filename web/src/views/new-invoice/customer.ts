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
  const line1 = input("line1", { maxlength: 200 });
  const city = input("city", { maxlength: 100 });
  const postalCode = input("postal", { maxlength: 12 });
  const country = input("country", { maxlength: 2, placeholder: "FR" });
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
    h("div", { class: "span-2" }, field({ id: "customer-line1", label: text.line1, control: line1, optional: true })),
    field({ id: "customer-city", label: text.city, control: city, optional: true }),
    field({ id: "customer-postal", label: text.postalCode, control: postalCode, optional: true }),
    field({ id: "customer-country", label: text.country, control: country, optional: true, hint: text.countryHint }),
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
    const countryCode = value(country).toUpperCase();
    const hasAddress = [line1, city, postalCode, country].some((control) => value(control) !== "");
    if (hasAddress) {
      if (!value(line1)) fail(line1.id, messages.line1);
      if (!value(city)) fail(city.id, messages.city);
      if (!/^[A-Z]{2}$/.test(countryCode)) fail(country.id, messages.country);
      if (value(postalCode) && !/^[A-Za-z0-9 -]{2,12}$/.test(value(postalCode))) fail(postalCode.id, messages.postalCode);
    }
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
        address: hasAddress
          ? {
              line1: value(line1),
              city: value(city),
              country: countryCode,
              ...(value(postalCode) ? { postalCode: value(postalCode) } : {}),
            }
          : null,
        vatNumber: optional(vat),
        companyNumber: optional(company),
        email: optional(email),
      },
    };
  };
  return { card, read };
}
