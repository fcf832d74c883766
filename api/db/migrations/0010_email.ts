import type { Kysely } from "kysely";

/**
 * Invoice emails: an outbox of messages (the customer's copy of an issued invoice, the merchant's notices), one per
 * invoice, kind and recipient, with their delivery state; and the email poller's cursors.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("email_messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("invoice_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("recipient", "text", (c) => c.notNull())
    .addColumn("language", "text", (c) => c.notNull())
    .addColumn("link", "text")
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "bigint")
    .addColumn("locked_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("sent_at", "bigint")
    .addColumn("provider_message_id", "text")
    .addColumn("chain_order", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("email_messages_invoice_kind_recipient", ["invoice_id", "kind", "recipient"])
    .execute();
  await db.schema.createIndex("email_messages_due").on("email_messages").columns(["state", "next_attempt_at"]).execute();
  await db.schema
    .createTable("email_cursor")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("position", "bigint", (c) => c.notNull())
    .execute();
}

/** Drops what 0010 created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("email_cursor").ifExists().execute();
  await db.schema.dropTable("email_messages").ifExists().execute();
}
