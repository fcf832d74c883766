/**
 * The new-invoice form's delivery card: what the invoice covers (goods, services or both) and, when the goods or
 * services go elsewhere than the customer's billing address, the delivery place: two of the French reform's mentions
 * (core/invoice/mentions).
 */
import { DESCRIPTION_FORBIDDEN } from "../../../../core/invoice/limits";
import { SUPPLY_KINDS, type SupplyKind } from "../../../../core/invoice/mentions";
import { t } from "../../i18n";
import type { InvoiceDraftInput } from "../../lib/api";
import { field } from "../../ui/controls";
import { h } from "../../ui/dom";
import { addressInputs } from "./address";

/** What the card adds to the POST /invoices body. */
export type DeliveryPart = Pick<InvoiceDraftInput, "delivery" | "supply">;

/** The card, and a function that checks it (calling `fail` per bad control) and returns its part of the body. */
export interface DeliveryCard {
  card: HTMLElement;
  read(fail: (id: string, message: string) => void): DeliveryPart;
}

/** The delivery card. */
export function deliveryCard(): DeliveryCard {
  const text = t().newInvoice;
  const supply = h(
    "select",
    { name: "supply" },
    h("option", { value: "" }, text.supplyUnstated),
    SUPPLY_KINDS.map((kind) => h("option", { value: kind }, text.supplyKinds[kind])),
  );
  const elsewhere = h("input", { type: "checkbox", name: "deliver-elsewhere", id: "deliver-elsewhere" });
  const name = h("input", { type: "text", name: "delivery-name", autocomplete: "off", maxlength: 200 });
  const address = addressInputs("delivery");
  const fields = h(
    "div",
    { class: "form-grid", id: "delivery-fields" },
    h("div", { class: "span-2" }, field({ id: "delivery-name", label: text.deliveryName, control: name, optional: true })),
    ...address.fields,
  );
  const sync = () => {
    fields.hidden = !elsewhere.checked;
  };
  elsewhere.addEventListener("change", sync);
  sync();
  const card = h(
    "section",
    { class: "card form-card" },
    h("h2", null, text.delivery),
    h(
      "div",
      { class: "form-grid" },
      field({ id: "invoice-supply", label: text.supply, control: supply, optional: true, hint: text.supplyHint }),
    ),
    h("label", { class: "check" }, elsewhere, ` ${text.deliverElsewhere}`),
    fields,
  );
  const read = (fail: (id: string, message: string) => void): DeliveryPart => {
    const kind = SUPPLY_KINDS.find((k) => k === supply.value) as SupplyKind | undefined;
    if (!elsewhere.checked) return { supply: kind ?? null, delivery: null };
    const who = name.value.normalize("NFC").trim();
    if (DESCRIPTION_FORBIDDEN.test(who)) fail(name.id, t().validation.controlChars);
    const place = address.read(fail, true);
    return { supply: kind ?? null, delivery: place && { ...(who ? { name: who } : {}), address: place } };
  };
  return { card, read };
}
