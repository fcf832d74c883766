import { type InvoiceParties, type PaymentTerms, mayTake, minimumPayment, paymentCall, rolesOf } from "../../core/invoice/actions";
import { isPayableStatus } from "../../core/invoice/status";
import { ApiError } from "../lib/errors";

/** What {@link checkPayment} reads of an on-chain invoice (amounts as decimal text, as the index JSON has them). */
export interface PayableInvoice extends InvoiceParties, PaymentTerms {
  amount: string;
  paid: string;
  /** The status at the indexed head (expiry included). */
  status: string;
}

/**
 * The amount `account` may pay on `invoice` now: `requested`, or what is left when it is undefined. The same rules
 * for a payment the payer sends and one the relayer submits (core/invoice/actions).
 *
 * @param field where `requested` came from in the request body, for the 400's details (e.g. "amount")
 * @throws ApiError 403 when `account` may not pay it, 409 when nothing is left or the invoice no longer takes payments
 * (cancelled, expired, closed), 422 `invoice_priced_in_currency` for an invoice priced in a currency and not paid yet
 * (only payPriced pays it, alone: not pay, payMany nor payRelayed), 400 for an amount out of bounds
 */
export function checkPayment(invoice: PayableInvoice, account: string, requested: bigint | undefined, field: string): bigint {
  if (paymentCall(invoice) === "payPriced") {
    checkPricedPayment(invoice, account);
    throw new ApiError(
      422,
      "invoice_priced_in_currency",
      `This invoice is priced in ${invoice.pricing!.currency} and converted at payment: pay it alone with payPriced (POST /invoices/{id}/transactions, action pay)`,
    );
  }
  const owed = BigInt(invoice.amount) - BigInt(invoice.paid);
  if (!mayTake("pay", rolesOf(invoice, account))) throw notPayer();
  if (owed <= 0n) throw new ApiError(409, "invoice_already_paid", "Nothing is left to pay on this invoice");
  if (!isPayableStatus(invoice.status)) throw notPayable(invoice.status);
  const amount = requested ?? owed;
  const least = minimumPayment(invoice, owed);
  if (amount < least || amount > owed) {
    throw new ApiError(400, "validation_failed", "The request is invalid", [
      {
        in: "json",
        path: field,
        message:
          least === owed ? `must be ${owed}: an invoice open to anyone is paid in full in one payment` : `must be between 1 and ${owed}`,
      },
    ]);
  }
  return amount;
}

/**
 * Whether `account` may pay `invoice`, priced in a currency and not paid yet, with payPriced now: the same party and
 * status rules as {@link checkPayment} (the amount is the price, converted at payment).
 *
 * @throws ApiError 403 when `account` may not pay it, 409 when the invoice no longer takes payments
 */
export function checkPricedPayment(invoice: PayableInvoice, account: string): void {
  if (!mayTake("pay", rolesOf(invoice, account))) throw notPayer();
  if (!isPayableStatus(invoice.status)) throw notPayable(invoice.status);
}

/** 403 `not_invoice_payer`. */
function notPayer(): ApiError {
  return new ApiError(403, "not_invoice_payer", "Only the invoice's payer can pay it");
}

/** 409 `invoice_not_payable` for an invoice in `status`. */
function notPayable(status: string): ApiError {
  return new ApiError(409, "invoice_not_payable", `This invoice is ${status.replace("_", " ")}: only open invoices take payments`);
}
