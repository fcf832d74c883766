/**
 * Invoice emails: what is sent (one message per invoice, kind and recipient) and the states a message goes through.
 * The API's outbox, its JSON and the page read these; the words are in core/labels (`email`).
 */
import type { StatusTone } from "./invoice/status";

/** What a message is about: the customer's copy of a newly issued invoice, or a notice to the invoice's merchant. */
export const EMAIL_KINDS = ["invoice_issued", "invoice_paid", "invoice_released", "invoice_disputed", "invoice_refunded"] as const;

/** One of {@link EMAIL_KINDS}. */
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** pending: queued or being retried; sent: accepted by the SMTP server; failed: every attempt of the retry schedule failed. */
export const EMAIL_STATES = ["pending", "sent", "failed"] as const;

/** One of {@link EMAIL_STATES}. */
export type EmailState = (typeof EMAIL_STATES)[number];

/** The colour a state is shown in. */
export const EMAIL_STATE_TONE: Readonly<Record<EmailState, StatusTone>> = { pending: "warning", sent: "success", failed: "danger" };

/** The merchant's notices, by the webhook event type (api/services/webhooks/events) they follow. */
export const MERCHANT_NOTICE_OF_EVENT = {
  "invoice.paid": "invoice_paid",
  "invoice.released": "invoice_released",
  "invoice.disputed": "invoice_disputed",
  "invoice.refunded": "invoice_refunded",
} as const satisfies Record<string, EmailKind>;
