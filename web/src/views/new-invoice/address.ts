/**
 * A postal address's inputs on the new-invoice form (the customer's, the delivery place's), checked as the API's
 * PostalAddressSchema checks them.
 */
import { t } from "../../i18n";
import type { InvoiceDraftInput } from "../../lib/api";
import { field } from "../../ui/controls";
import { h } from "../../ui/dom";

/** An address as POST /invoices takes it. */
export type AddressInput = NonNullable<NonNullable<InvoiceDraftInput["customer"]>["address"]>;

/** The address's fields, and a function that checks them (calling `fail` per bad control). */
export interface AddressInputs {
  /** Street (two columns wide), city, postal code, country. */
  fields: HTMLElement[];
  /** The country typed, in capitals ("" when none). */
  country(): string;
  /** The address, null when every input is empty (or, with `required`, a problem on the street). */
  read(fail: (id: string, message: string) => void, required?: boolean): AddressInput | null;
}

/** The inputs of an address whose control ids start with `prefix` (customer-line1, delivery-city, …). */
export function addressInputs(prefix: string): AddressInputs {
  const text = t().newInvoice;
  const input = (name: string, attributes: Record<string, string | number> = {}) =>
    h("input", { type: "text", name: `${prefix}-${name}`, autocomplete: "off", ...attributes });
  const line1 = input("line1", { maxlength: 200 });
  const city = input("city", { maxlength: 100 });
  const postalCode = input("postal", { maxlength: 12 });
  const country = input("country", { maxlength: 2, placeholder: "FR" });
  const value = (control: HTMLInputElement) => control.value.normalize("NFC").trim();
  return {
    fields: [
      h("div", { class: "span-2" }, field({ id: `${prefix}-line1`, label: text.line1, control: line1, optional: true })),
      field({ id: `${prefix}-city`, label: text.city, control: city, optional: true }),
      field({ id: `${prefix}-postal`, label: text.postalCode, control: postalCode, optional: true }),
      field({ id: `${prefix}-country`, label: text.country, control: country, optional: true, hint: text.countryHint }),
    ],
    country: () => value(country).toUpperCase(),
    read(fail, required = false) {
      const messages = t().validation;
      const countryCode = value(country).toUpperCase();
      if (!required && [line1, city, postalCode, country].every((control) => value(control) === "")) return null;
      if (!value(line1)) fail(line1.id, messages.line1);
      if (!value(city)) fail(city.id, messages.city);
      if (!/^[A-Z]{2}$/.test(countryCode)) fail(country.id, messages.country);
      if (value(postalCode) && !/^[A-Za-z0-9 -]{2,12}$/.test(value(postalCode))) fail(postalCode.id, messages.postalCode);
      return {
        line1: value(line1),
        city: value(city),
        country: countryCode,
        ...(value(postalCode) ? { postalCode: value(postalCode) } : {}),
      };
    },
  };
}
