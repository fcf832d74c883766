/** Checking the new-invoice form as POST /invoices and the escrow would, and showing the API's own field problems. */
import { sameAddress, ZERO_ADDRESS } from "../../../../core/address";
import { INVOICE_LIMITS, NOTES_FORBIDDEN } from "../../../../core/invoice/limits";
import { computeInvoiceTotals } from "../../../../core/invoice/totals";
import { fill, t } from "../../i18n";
import type { ApiError, InvoiceDraftInput } from "../../lib/api";
import { checksummed, type TokenInfo } from "../../lib/format";
import { setFieldError } from "../../ui/controls";
import { replace } from "../../ui/dom";
import { notice } from "../../ui/feedback";
import type { CustomerCard } from "./customer";
import type { DeliveryCard } from "./delivery";
import { readLine, type LineInputs } from "./line-items";

/** The form's controls besides the line items. */
export interface InvoiceFields {
  form: HTMLFormElement;
  tokenSelect: HTMLSelectElement;
  payer: HTMLInputElement;
  arbiter: HTMLInputElement;
  due: HTMLInputElement;
  windowDays: HTMLInputElement;
  notes: HTMLTextAreaElement;
  customer: CustomerCard;
  delivery: DeliveryCard;
}

/**
 * Checks the form; shows each problem next to its field (focusing the first) and returns undefined, or returns the
 * body of POST /invoices.
 *
 * @param address the chosen token's address (undefined when the typed one is not an address)
 * @param token the chosen token, once read from the chain
 */
export function validateInvoice(
  fields: InvoiceFields,
  lines: LineInputs[],
  address: string | undefined,
  token: TokenInfo | undefined,
  merchant: string,
): InvoiceDraftInput | undefined {
  const { form, tokenSelect, payer, arbiter, due, windowDays, notes } = fields;
  const messages = t().validation;
  let ok = true;
  const fail = (id: string, message: string) => {
    if (ok) form.querySelector<HTMLElement>(`#${id}`)?.focus();
    ok = false;
    setFieldError(form, id, message);
  };
  if (!address) fail("invoice-custom-token", messages.pickToken);
  else if (!token) fail(tokenSelect.value === "other" ? "invoice-custom-token" : "invoice-token", messages.tokenUnread);

  const payerText = payer.value.trim();
  const payerAddress = payerText ? checksummed(payerText) : null;
  if (payerText && !payerAddress) fail("invoice-payer", messages.badAddress);
  else if (payerAddress === ZERO_ADDRESS) fail("invoice-payer", messages.anyonePays);
  else if (payerAddress && sameAddress(payerAddress, merchant)) fail("invoice-payer", messages.selfPayer);

  const arbiterText = arbiter.value.trim();
  const arbiterAddress = arbiterText ? checksummed(arbiterText) : null;
  if (arbiterText && (!arbiterAddress || arbiterAddress === ZERO_ADDRESS)) fail("invoice-arbiter", messages.badAddress);
  else if (arbiterAddress && sameAddress(arbiterAddress, merchant)) fail("invoice-arbiter", messages.selfArbiter);
  else if (arbiterAddress && sameAddress(arbiterAddress, payerAddress)) fail("invoice-arbiter", messages.arbiterPayer);

  const dueAt = due.value ? Date.parse(`${due.value}T23:59:59Z`) : NaN;
  if (Number.isNaN(dueAt)) fail("invoice-due", messages.pickDue);
  else if (dueAt <= Date.now()) fail("invoice-due", messages.futureDue);

  const days = Number(windowDays.value);
  if (!/^\d+$/.test(windowDays.value.trim()) || days > INVOICE_LIMITS.maxDisputeDays)
    fail("invoice-window", fill(messages.windowDays, { max: INVOICE_LIMITS.maxDisputeDays }));

  const customer = fields.customer.read(fail);
  const delivery = fields.delivery.read(fail);

  if (lines.length > INVOICE_LIMITS.maxLineItems) fail("invoice-lines", fill(messages.maxLines, { max: INVOICE_LIMITS.maxLineItems }));
  const items: InvoiceDraftInput["lineItems"] = [];
  for (const line of lines) {
    const read = readLine(line, token);
    for (const [id, message] of read.problems) fail(id, message);
    if (read.input)
      items.push({
        description: read.description,
        quantity: Number(read.input.quantity),
        unitPrice: read.input.unitPrice.toString(),
        discount: read.input.discount.toString(),
        taxRate: read.input.taxRate,
      });
  }
  if (ok) {
    const { total } = computeInvoiceTotals(
      items.map((item) => ({
        quantity: BigInt(item.quantity),
        unitPrice: BigInt(item.unitPrice),
        discount: BigInt(item.discount ?? "0"),
        taxRate: item.taxRate ?? "0",
      })),
    );
    if (total === 0n) fail("invoice-lines", messages.totalZero);
    else if (total > INVOICE_LIMITS.maxTotal) fail("invoice-lines", messages.totalTooLarge);
  }

  const noteText = notes.value.normalize("NFC");
  if (noteText.length > INVOICE_LIMITS.maxNotes) fail("invoice-notes", fill(messages.maxChars, { max: INVOICE_LIMITS.maxNotes }));
  else if (NOTES_FORBIDDEN.test(noteText)) fail("invoice-notes", messages.controlChars);

  if (!ok || !address) return undefined;
  return {
    token: address,
    payer: payerAddress,
    arbiter: arbiterAddress,
    dueDate: new Date(dueAt).toISOString(),
    disputeWindowSeconds: days * 86_400,
    ...customer,
    ...delivery,
    lineItems: items,
    notes: noteText.trim() ? noteText : null,
  };
}

/** Control ids of the body's fields, for the API's field problems. */
const FIELD_IDS: Record<string, string> = {
  token: "invoice-token",
  payer: "invoice-payer",
  arbiter: "invoice-arbiter",
  dueDate: "invoice-due",
  disputeWindowSeconds: "invoice-window",
  notes: "invoice-notes",
  lineItems: "invoice-lines",
  customerId: "invoice-customer",
  language: "invoice-language",
  "customer.name": "customer-name",
  "customer.vatNumber": "customer-vat",
  "customer.companyNumber": "customer-company",
  "customer.email": "customer-email",
  "customer.address.line1": "customer-line1",
  "customer.address.city": "customer-city",
  "customer.address.postalCode": "customer-postal",
  "customer.address.country": "customer-country",
  supply: "invoice-supply",
  "delivery.name": "delivery-name",
  "delivery.address.line1": "delivery-line1",
  "delivery.address.city": "delivery-city",
  "delivery.address.postalCode": "delivery-postal",
  "delivery.address.country": "delivery-country",
};

/** A line's control for a field of POST /invoices's line item. */
const LINE_PARTS: Record<string, keyof Omit<LineInputs, "row" | "amount">> = {
  description: "description",
  quantity: "quantity",
  unitPrice: "price",
  discount: "discount",
  taxRate: "taxRate",
};

/** Puts the API's field problems (a 400 validation_failed) next to the matching fields, or says what failed. */
export function showApiProblems(form: HTMLFormElement, formError: HTMLElement, error: ApiError, rows: LineInputs[]): void {
  let shown = 0;
  for (const problem of error.fieldProblems) {
    const [head, index, part] = problem.path.split(".");
    let id = FIELD_IDS[problem.path] ?? FIELD_IDS[head ?? ""];
    if (head === "lineItems" && index !== undefined && part) {
      const control = LINE_PARTS[part];
      id = control ? rows[Number(index)]?.[control].id : id;
    }
    if (id) {
      setFieldError(form, id, `${problem.message.charAt(0).toUpperCase()}${problem.message.slice(1)}.`);
      shown++;
    }
  }
  if (shown === 0) replace(formError, notice("error", t().newInvoice.refused, error.message));
}
