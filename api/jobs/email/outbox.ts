import { randomUUID } from "node:crypto";
import { getAddress } from "ethers";
import type { Logger } from "pino";
import { type EmailKind, MERCHANT_NOTICE_OF_EVENT } from "../../../core/email";
import type { AppDb } from "../../db";
import { documentLocale } from "../../documents/model";
import type { IndexReader } from "../../index/reader";
import { loadDraft } from "../../services/drafts";
import { createShareLink, shareLinkUrl } from "../../services/share-links";

/** What the email poller reads from the index. */
export type EmailIndex = Pick<IndexReader, "status" | "invoice">;

/**
 * How far back each poll looks again before its cursor: a draft linked (or an event recorded) by a transaction that
 * committed after a later one was seen is still picked up. Enqueuing is idempotent, so looking twice costs nothing.
 */
const LATE_WINDOW_MS = 10 * 60_000;
/** Most rows looked at per source in one poll. */
const BATCH = 500;

/**
 * The `email_messages.invoice_id` of invoice `id` of chain `chainId`: its decimal id on the first network (as before
 * several chains, so its messages keep their key), `<chainId>:<id>` on the others (invoice ids repeat across chains).
 */
export function emailInvoiceKey(chainId: number, id: bigint, firstChainId: number | undefined): string {
  return firstChainId === undefined || chainId === firstChainId ? id.toString() : `${chainId}:${id}`;
}

/** The chain (undefined: the first network) and invoice id of an `email_messages.invoice_id` ({@link emailInvoiceKey}). */
export function parseEmailInvoiceKey(key: string): { chainId: number | undefined; id: bigint } {
  const [chain, id] = key.includes(":") ? key.split(":") : [undefined, key];
  return { chainId: chain === undefined ? undefined : Number(chain), id: BigInt(id!) };
}

/** The chain of a webhook event's source id (`<chainId>:<log>` or `expired:<chainId>:<id>`), when it names one. */
function chainOfSource(sourceId: string): number | undefined {
  const match = /^(?:expired:)?(\d+):/.exec(sourceId);
  return match ? Number(match[1]) : undefined;
}

/** The draft id of on-chain invoice `id` of chain `chainId` (of any chain when undefined), if the API holds it. */
export async function draftIdOf(db: AppDb, id: string, chainId: number | undefined): Promise<string | undefined> {
  let query = db.selectFrom("invoice_drafts").select("id").where("onchain_id", "=", id);
  if (chainId !== undefined) query = query.where("chain_id", "=", chainId);
  return (await query.executeTakeFirst())?.id;
}

/** A message's place in chain order (see EmailMessagesTable.chain_order): messages are sent and listed in it. */
function chainOrder(block: bigint, logIndex: number): number {
  return Number(block) * 1_000_000 + logIndex;
}

/** The label of the share links made for customers' emails (the merchant sees and can revoke them). */
const EMAIL_SHARE_LINK_LABEL = "Sent by email";

/**
 * The email outbox's producer. Each {@link EmailOutbox.poll} queues, once per invoice, kind and recipient:
 * 1. the customer's copy of every invoice linked to its draft (issued on chain and numbered) whose draft holds a
 *    customer email, with a new share link;
 * 2. the merchant's notice of every paid, released, disputed or refunded event the webhook poller recorded
 *    (webhook_events, api/jobs/webhooks/outbox) once it has WEBHOOK_CONFIRMATIONS, when the merchant's profile has an
 *    email.
 * Its cursors start when email is first turned on: nothing older is sent.
 */
export class EmailOutbox {
  /**
   * @param db the app database
   * @param index the index read module
   * @param settings the public origin (share links) and the confirmations an event needs
   * @param logger pino logger
   * @param now clock in unix milliseconds
   */
  constructor(
    private readonly db: AppDb,
    private readonly index: EmailIndex,
    private readonly settings: { publicOrigin: string; confirmations: number },
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** One round of both steps; does nothing while the index is not ready. Returns the messages queued. */
  async poll(): Promise<number> {
    let status;
    try {
      status = await this.index.status();
    } catch {
      return 0;
    }
    if (!status.ready || !status.block) return 0;
    const first = status.chains[0]?.chainId;
    const heads = new Map(status.chains.flatMap((chain) => (chain.block ? [[chain.chainId, chain.block.number] as const] : [])));
    const headOf = (chainId: number | undefined) => (chainId === undefined ? undefined : heads.get(chainId)) ?? status.block!.number;
    const queued = (await this.customerCopies(first)) + (await this.merchantNotices(headOf, first));
    if (queued > 0) this.logger.debug({ count: queued }, "emails queued");
    return queued;
  }

  /** The position of cursor `name`, set to now on its first use. */
  private async cursor(name: string): Promise<number> {
    const row = await this.db.selectFrom("email_cursor").select("position").where("name", "=", name).executeTakeFirst();
    if (row) return Number(row.position);
    const position = this.now();
    await this.db
      .insertInto("email_cursor")
      .values({ name, position })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return position;
  }

  private async moveCursor(name: string, position: number): Promise<void> {
    await this.db.updateTable("email_cursor").set({ position }).where("name", "=", name).where("position", "<", position).execute();
  }

  private async customerCopies(first: number | undefined): Promise<number> {
    const since = await this.cursor("drafts");
    const linked = await this.db
      .selectFrom("invoice_drafts")
      .select(["id", "merchant", "onchain_id", "chain_id", "customer", "linked_at"])
      .where("onchain_id", "is not", null)
      .where("customer", "is not", null)
      .where("linked_at", ">=", since - LATE_WINDOW_MS)
      .orderBy("linked_at")
      .limit(BATCH)
      .execute();
    let queued = 0;
    for (const draft of linked) {
      const email = (JSON.parse(draft.customer!) as { email?: string | null }).email;
      const row = await this.index.invoice(BigInt(draft.onchain_id!), draft.chain_id);
      if (!email || !row) continue;
      const loaded = (await loadDraft(this.db, { id: draft.id }))!;
      queued += await this.db.transaction().execute(async (trx) => {
        const key = emailInvoiceKey(row.chainId, row.id, first);
        const id = await this.insert(trx, key, "invoice_issued", email, documentLocale(loaded.draft), chainOrder(row.createdBlock, 0));
        if (id === undefined) return 0;
        const record = { row, loaded };
        const { token } = await createShareLink(
          trx,
          record,
          draft.merchant,
          { label: EMAIL_SHARE_LINK_LABEL, expiresAt: null },
          this.now(),
        );
        const link = shareLinkUrl(this.settings.publicOrigin, record, token, "");
        await trx.updateTable("email_messages").set({ link }).where("id", "=", id).execute();
        return 1;
      });
    }
    const last = linked[linked.length - 1];
    if (last) await this.moveCursor("drafts", Number(last.linked_at));
    return queued;
  }

  private async merchantNotices(headOf: (chainId: number | undefined) => bigint, first: number | undefined): Promise<number> {
    const since = await this.cursor("events");
    const events = await this.db
      .selectFrom("webhook_events")
      .select(["source_id", "type", "merchant", "invoice_id", "block_number", "log_index", "observed_at"])
      .where("removed_at", "is", null)
      .where("type", "in", Object.keys(MERCHANT_NOTICE_OF_EVENT))
      .where("observed_at", ">=", since - LATE_WINDOW_MS)
      .orderBy("observed_at")
      .orderBy("block_number")
      .orderBy("log_index")
      .limit(BATCH)
      .execute();
    let queued = 0;
    let through: number | undefined;
    for (const event of events) {
      // Not confirmed yet: stop here, and look at it again next time.
      const chainId = chainOfSource(event.source_id);
      if (BigInt(event.block_number) > headOf(chainId) - BigInt(this.settings.confirmations) + 1n) break;
      through = Number(event.observed_at);
      const merchant = await this.db
        .selectFrom("users")
        .select("email")
        .where("address", "=", getAddress(event.merchant))
        .executeTakeFirst();
      if (!merchant?.email) continue;
      const draftId = await draftIdOf(this.db, event.invoice_id, chainId);
      const loaded = draftId === undefined ? undefined : await loadDraft(this.db, { id: draftId });
      const order = chainOrder(BigInt(event.block_number), event.log_index);
      const id = await this.insert(
        this.db,
        chainId === undefined ? event.invoice_id : emailInvoiceKey(chainId, BigInt(event.invoice_id), first),
        MERCHANT_NOTICE_OF_EVENT[event.type as keyof typeof MERCHANT_NOTICE_OF_EVENT],
        merchant.email,
        documentLocale(loaded?.draft),
        order,
      );
      if (id !== undefined) queued += 1;
    }
    if (through !== undefined) await this.moveCursor("events", through);
    return queued;
  }

  /**
   * Queues one message unless the invoice (`invoiceKey`: {@link emailInvoiceKey}) already has one of this kind to this
   * recipient; returns its id when new.
   */
  private async insert(
    db: AppDb,
    invoiceKey: string,
    kind: EmailKind,
    recipient: string,
    language: string,
    order: number,
  ): Promise<string | undefined> {
    const id = `eml_${randomUUID().replace(/-/g, "")}`;
    const time = this.now();
    const inserted = await db
      .insertInto("email_messages")
      .values({
        id,
        invoice_id: invoiceKey,
        kind,
        recipient: recipient.toLowerCase(),
        language,
        link: null,
        state: "pending",
        attempts: 0,
        next_attempt_at: time,
        locked_until: null,
        last_error: null,
        sent_at: null,
        provider_message_id: null,
        chain_order: order,
        created_at: time,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return inserted.numInsertedOrUpdatedRows === 1n ? id : undefined;
  }
}
