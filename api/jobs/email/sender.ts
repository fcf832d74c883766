import { sql } from "kysely";
import type { Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { EmailKind } from "../../../core/email";
import type { Locale } from "../../../core/labels";
import type { AppDb } from "../../db";
import { dialectOf } from "../../db/dialect";
import type { EmailMessagesTable } from "../../db/types";
import type { IndexReader } from "../../index/reader";
import { safeStatus } from "../../index/status";
import { loadDraft } from "../../services/drafts";
import type { InvoiceDocuments } from "../../services/invoice-document";
import { retryDelay } from "../retry";
import { composeEmail } from "./compose";
import { draftIdOf, parseEmailInvoiceKey } from "./outbox";

/** Limit of one SMTP exchange (connection, greeting, each command), in milliseconds. */
export const SMTP_TIMEOUT_MS = 20_000;
/** Most messages claimed in one round. */
const BATCH = 20;
/** How much of an SMTP error is kept. */
const ERROR_CHARS = 300;

/** How the sender behaves (from the API's configuration). */
export interface EmailSettings {
  /** The sender address (SMTP_FROM). */
  from: string;
  /** Where the page and documents are served (links in the merchant's notices). */
  publicOrigin: string;
  /** Waits before retry 1, 2, … (WEBHOOK_RETRY_SCHEDULE, through {@link retryDelay}). */
  retryScheduleMs: readonly number[];
}

/**
 * The email outbox's consumer. Each {@link EmailSender.drain} round claims due pending messages (PostgreSQL: FOR
 * UPDATE SKIP LOCKED, so that replicas never take the same one) with a lock that outlives an SMTP exchange, writes
 * each from the invoice's document model in the message's language (the customer's copy with the invoice's Factur-X
 * PDF, as GET /invoices/{id}/einvoice?format=facturx serves it, or when the invoice does not qualify for an e-invoice
 * the plain PDF GET /invoices/{id}/document.pdf serves), hands it to the SMTP server, and marks it sent with the server's
 * Message-ID, due again after the next wait of the retry schedule, or failed once the schedule is used up.
 */
export class EmailSender {
  /**
   * @param db the app database
   * @param index the index read module (the invoice's on-chain state)
   * @param documents the invoice document builder
   * @param transport nodemailer's SMTP transport (SMTP_URL)
   * @param settings sender address, public origin and retry schedule
   * @param logger pino logger
   * @param now clock in unix milliseconds
   */
  constructor(
    private readonly db: AppDb,
    private readonly index: Pick<IndexReader, "invoice" | "status">,
    private readonly documents: InvoiceDocuments,
    private readonly transport: Transporter,
    private readonly settings: EmailSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Sends rounds until nothing is due (or `shouldStop` says so); sends nothing while the index is not ready, so that
   * no attempt is spent on it. Returns how many attempts were made.
   */
  async drain(shouldStop: () => boolean = () => false): Promise<number> {
    if (!(await safeStatus(this.index)).ready) return 0;
    let total = 0;
    for (;;) {
      if (shouldStop()) return total;
      const claimed = await this.claim();
      if (claimed.length === 0) return total;
      for (const message of claimed) await this.attempt(message);
      total += claimed.length;
    }
  }

  /** Claims the due messages of one round: each gets a lock and one more attempt. */
  private async claim(): Promise<EmailMessagesTable[]> {
    const time = this.now();
    const lock = time + 3 * SMTP_TIMEOUT_MS;
    const skipLocked = dialectOf(this.db) === "postgres" ? sql`FOR UPDATE SKIP LOCKED` : sql``;
    return this.db.transaction().execute(async (trx) => {
      const due = await sql<EmailMessagesTable>`
        SELECT * FROM email_messages
        WHERE state = 'pending' AND next_attempt_at <= ${time} AND (locked_until IS NULL OR locked_until <= ${time})
        ORDER BY next_attempt_at, chain_order, id
        LIMIT ${BATCH}
        ${skipLocked}`.execute(trx);
      for (const row of due.rows) {
        await trx
          .updateTable("email_messages")
          .set({ locked_until: lock, attempts: row.attempts + 1 })
          .where("id", "=", row.id)
          .execute();
      }
      return due.rows.map((row) => ({ ...row, attempts: row.attempts + 1, locked_until: lock }));
    });
  }

  /** Writes and sends one claimed message, then records its new state. */
  private async attempt(message: EmailMessagesTable): Promise<void> {
    let error: string | null = null;
    let messageId: string | null = null;
    try {
      messageId = await this.send(message);
    } catch (err) {
      error = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").slice(0, ERROR_CHARS);
    }
    const finished = this.now();
    const wait = error === null ? undefined : retryDelay(this.settings.retryScheduleMs, message.attempts);
    await this.db
      .updateTable("email_messages")
      .set({
        state: error === null ? "sent" : wait === undefined ? "failed" : "pending",
        next_attempt_at: wait === undefined ? null : finished + wait,
        locked_until: null,
        last_error: error,
        sent_at: error === null ? finished : null,
        provider_message_id: messageId,
      })
      .where("id", "=", message.id)
      .where("locked_until", "=", message.locked_until)
      .execute();
    const log = { messageId: message.id, invoiceId: message.invoice_id, kind: message.kind, attempt: message.attempts };
    if (error === null) this.logger.info(log, "email sent");
    else this.logger.warn({ ...log, error, retryInMs: wait ?? null }, wait === undefined ? "email failed for good" : "email failed");
  }

  /** Builds the message from the invoice as it is now and hands it to the SMTP server; returns its Message-ID. */
  private async send(message: EmailMessagesTable): Promise<string> {
    const key = parseEmailInvoiceKey(message.invoice_id);
    // A plain id is the first network's (emailInvoiceKey).
    const chainId = key.chainId ?? (await this.index.status()).chains[0]?.chainId;
    const row = await this.index.invoice(key.id, chainId);
    if (!row) throw new Error(`invoice ${message.invoice_id} is not in the index`);
    const draftId = await draftIdOf(this.db, key.id.toString(), row.chainId);
    const loaded = draftId === undefined ? undefined : await loadDraft(this.db, { id: draftId });
    const source = await this.documents.source({ row, loaded });
    const model = this.documents.modelOf(source);
    const kind = message.kind as EmailKind;
    const link =
      message.link ?? `${this.settings.publicOrigin}/#/invoice/${key.id}${key.chainId === undefined ? "" : `?chainId=${key.chainId}`}`;
    const pdf = kind === "invoice_issued" ? await this.documents.emailPdf(source, model) : undefined;
    if (pdf && !pdf.facturX) {
      this.logger.info({ messageId: message.id, reason: pdf.refusal.code }, "no Factur-X for this invoice: the plain PDF is attached");
    }
    const { subject, text } = composeEmail(kind, model, row.amount, link, message.language as Locale, pdf?.facturX);
    const attachments = pdf ? [{ filename: pdf.fileName, content: Buffer.from(pdf.bytes), contentType: pdf.mediaType }] : [];
    const info = (await this.transport.sendMail({
      from: this.settings.from,
      to: message.recipient,
      subject,
      text,
      attachments,
      headers: { "X-Settle-Invoice": message.invoice_id, "X-Settle-Email": message.kind },
    })) as { messageId: string };
    return info.messageId;
  }
}
