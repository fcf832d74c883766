/** The emails of an invoice as its merchant sees them in GET /invoices/{id}. */
import { z } from "@hono/zod-openapi";
import { EMAIL_KINDS, EMAIL_STATES, type EmailKind, type EmailState } from "../../../core/email";
import { LOCALES, type Locale } from "../../../core/labels";
import type { AppDb } from "../../db";
import type { EmailMessagesTable } from "../../db/types";
import { emailInvoiceKey } from "../../jobs/email/outbox";

/** One invoice email and its delivery state (api/jobs/email). */
export const InvoiceEmailSchema = z
  .object({
    kind: z.enum(EMAIL_KINDS).openapi({ description: "invoice_issued: the customer's copy; the others: notices to the merchant" }),
    to: z.string().openapi({ description: "The recipient's address" }),
    language: z.enum(LOCALES as [Locale, ...Locale[]]),
    state: z
      .enum(EMAIL_STATES)
      .openapi({ description: "pending: queued or retrying; sent: accepted by the SMTP server; failed: every retry failed" }),
    attempts: z.number().int(),
    sentAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable().openapi({ description: "Why the last attempt failed (the SMTP server's answer)" }),
  })
  .openapi("InvoiceEmail");

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** An invoice email as JSON. */
function emailJson(message: EmailMessagesTable): z.infer<typeof InvoiceEmailSchema> {
  return {
    kind: message.kind as EmailKind,
    to: message.recipient,
    language: message.language as Locale,
    state: message.state as EmailState,
    attempts: message.attempts,
    sentAt: isoOrNull(message.sent_at),
    nextAttemptAt: message.state === "pending" ? isoOrNull(message.next_attempt_at) : null,
    lastError: message.last_error,
  };
}

/**
 * The emails of on-chain invoice `onchainId` of chain `chainId` (`firstChainId`: the first network's, whose messages
 * are keyed by the plain id: the outbox's emailInvoiceKey) in the order of what they tell of on chain, as JSON.
 */
export async function invoiceEmailsJson(
  db: AppDb,
  chainId: number,
  onchainId: string,
  firstChainId: number,
): Promise<Array<z.infer<typeof InvoiceEmailSchema>>> {
  const messages = await db
    .selectFrom("email_messages")
    .selectAll()
    .where("invoice_id", "=", emailInvoiceKey(chainId, BigInt(onchainId), firstChainId))
    .orderBy("chain_order")
    .orderBy("id")
    .execute();
  return messages.map(emailJson);
}
