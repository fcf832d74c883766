import type { Kysely } from "kysely";

/** Credit notes: one per on-chain return of funds to the payer of a numbered invoice, with its own number. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("credit_notes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("event_id", "text", (c) => c.notNull().unique())
    .addColumn("merchant", "text", (c) => c.notNull())
    .addColumn("draft_id", "text", (c) => c.notNull().references("invoice_drafts.id"))
    .addColumn("invoice_id", "text", (c) => c.notNull())
    .addColumn("number", "text", (c) => c.notNull())
    .addColumn("amount", "text", (c) => c.notNull())
    .addColumn("net", "text", (c) => c.notNull())
    .addColumn("taxes", "text", (c) => c.notNull())
    .addColumn("tx_hash", "text", (c) => c.notNull())
    .addColumn("block_number", "bigint", (c) => c.notNull())
    .addColumn("issued_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("credit_notes_merchant_number", ["merchant", "number"])
    .execute();
  await db.schema.createIndex("credit_notes_invoice").on("credit_notes").column("invoice_id").execute();
}

/** Drops what 0007 created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("credit_notes").execute();
}
