/** Checking the new-invoice form as POST /invoices and the escrow would, and showing the API's own field problems. */
import { sameAddress, ZERO_ADDRESS } from "../../../../core/address";
import type { ApiError, InvoiceDraftInput } from "../../lib/api";
import { checksummed, parseAmount, type TokenInfo } from "../../lib/format";
import { setFieldError } from "../../ui/controls";
import { replace } from "../../ui/dom";
import { notice } from "../../ui/feedback";
import type { LineInputs } from "./line-items";
import { DESCRIPTION_FORBIDDEN, INVOICE_LIMITS, NOTES_FORBIDDEN } from "../../../../core/invoice/limits";

/** The form's controls besides the line items. */
export interface InvoiceFields {
  form: HTMLFormElement;
  tokenSelect: HTMLSelectElement;
  payer: HTMLInputElement;
  arbiter: HTMLInputElement;
  due: HTMLInputElement;
  windowDays: HTMLInputElement;
  notes: HTMLTextAreaElement;
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
  let ok = true;
  const fail = (id: string, message: string) => {
    if (ok) form.querySelector<HTMLElement>(`#${id}`)?.focus();
    ok = false;
    setFieldError(form, id, message);
  };
  if (!address) fail("invoice-custom-token", "Enter the token's address (0x followed by 40 hexadecimal digits).");
  else if (!token)
    fail(tokenSelect.value === "other" ? "invoice-custom-token" : "invoice-token", "This token could not be read on this chain.");

  const payerText = payer.value.trim();
  const payerAddress = payerText ? checksummed(payerText) : null;
  if (payerText && !payerAddress)
    fail("invoice-payer", "Enter a valid address (0x followed by 40 hexadecimal digits, with a correct checksum).");
  else if (payerAddress === ZERO_ADDRESS) fail("invoice-payer", "Leave the payer empty to let anyone pay.");
  else if (payerAddress && sameAddress(payerAddress, merchant)) fail("invoice-payer", "You cannot be the payer of your own invoice.");

  const arbiterText = arbiter.value.trim();
  const arbiterAddress = arbiterText ? checksummed(arbiterText) : null;
  if (arbiterText && (!arbiterAddress || arbiterAddress === ZERO_ADDRESS))
    fail("invoice-arbiter", "Enter a valid address (0x followed by 40 hexadecimal digits, with a correct checksum).");
  else if (arbiterAddress && sameAddress(arbiterAddress, merchant))
    fail("invoice-arbiter", "You cannot be the arbiter of your own invoice.");
  else if (arbiterAddress && sameAddress(arbiterAddress, payerAddress)) fail("invoice-arbiter", "The arbiter must not be the payer.");

  const dueAt = due.value ? Date.parse(`${due.value}T23:59:59Z`) : NaN;
  if (Number.isNaN(dueAt)) fail("invoice-due", "Pick a due date.");
  else if (dueAt <= Date.now()) fail("invoice-due", "The due date must be in the future.");

  const days = Number(windowDays.value);
  if (!/^\d+$/.test(windowDays.value.trim()) || days > INVOICE_LIMITS.maxDisputeDays)
    fail("invoice-window", `Enter a whole number of days from 0 to ${INVOICE_LIMITS.maxDisputeDays}.`);

  const items: InvoiceDraftInput["lineItems"] = [];
  let total = 0n;
  const rows = lines;
  if (rows.length > INVOICE_LIMITS.maxLineItems) fail("invoice-lines", `An invoice has at most ${INVOICE_LIMITS.maxLineItems} lines.`);
  for (const line of rows) {
    const description = line.description.value.normalize("NFC").trim();
    if (!description) fail(line.description.id, "Describe this line.");
    else if (description.length > INVOICE_LIMITS.maxDescription)
      fail(line.description.id, `At most ${INVOICE_LIMITS.maxDescription} characters.`);
    else if (DESCRIPTION_FORBIDDEN.test(description)) fail(line.description.id, "Remove the control characters.");
    const quantity = Number(line.quantity.value);
    if (!/^\d+$/.test(line.quantity.value.trim()) || quantity < 1 || quantity > INVOICE_LIMITS.maxQuantity)
      fail(line.quantity.id, "A whole number from 1.");
    const price = token ? parseAmount(line.price.value, token.decimals) : undefined;
    if (price && "error" in price) fail(line.price.id, price.error);
    if (price && "value" in price && Number.isSafeInteger(quantity)) {
      total += price.value * BigInt(quantity);
      items.push({ description, quantity, unitPrice: price.value.toString() });
    }
  }
  if (ok && total === 0n) fail("invoice-lines", "The total must be more than zero.");
  if (ok && total > INVOICE_LIMITS.maxTotal) fail("invoice-lines", "The total is larger than the escrow accepts.");

  const noteText = notes.value.normalize("NFC");
  if (noteText.length > INVOICE_LIMITS.maxNotes) fail("invoice-notes", `At most ${INVOICE_LIMITS.maxNotes} characters.`);
  else if (NOTES_FORBIDDEN.test(noteText)) fail("invoice-notes", "Remove the control characters.");

  if (!ok || !address) return undefined;
  return {
    token: address,
    payer: payerAddress,
    arbiter: arbiterAddress,
    dueDate: new Date(dueAt).toISOString(),
    disputeWindowSeconds: days * 86_400,
    lineItems: items,
    notes: noteText.trim() ? noteText : null,
  };
}

/** Puts the API's field problems (a 400 validation_failed) next to the matching fields, or says what failed. */
export function showApiProblems(form: HTMLFormElement, formError: HTMLElement, error: ApiError, rows: LineInputs[]): void {
  const ids: Record<string, string> = {
    token: "invoice-token",
    payer: "invoice-payer",
    arbiter: "invoice-arbiter",
    dueDate: "invoice-due",
    disputeWindowSeconds: "invoice-window",
    notes: "invoice-notes",
    lineItems: "invoice-lines",
  };
  let shown = 0;
  for (const problem of error.fieldProblems) {
    const [head, index, part] = problem.path.split(".");
    let id = ids[head ?? ""];
    if (head === "lineItems" && index !== undefined && part) {
      const line = rows[Number(index)];
      id = part === "description" ? line?.description.id : part === "quantity" ? line?.quantity.id : line?.price.id;
    }
    if (id) {
      setFieldError(form, id, `${problem.message.charAt(0).toUpperCase()}${problem.message.slice(1)}.`);
      shown++;
    }
  }
  if (shown === 0) replace(formError, notice("error", "The server refused the invoice", error.message));
}
