import type { Kysely } from "kysely";

/**
 * Invoice numbering: each merchant's prefix template (users.invoice_prefix), one counter per merchant and expanded
 * prefix (invoice_sequences), and the number a draft received when its invoice appeared on chain, unique per merchant.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").addColumn("invoice_prefix", "text").execute();
  await db.schema
    .createTable("invoice_sequences")
    .addColumn("merchant", "text", (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("last", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("invoice_sequences_pk", ["merchant", "prefix"])
    .execute();
  await db.schema.alterTable("invoice_drafts").addColumn("number", "text").execute();
  await db.schema.createIndex("invoice_drafts_number").on("invoice_drafts").columns(["merchant", "number"]).unique().execute();
}

/** Drops what 0006 added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("invoice_drafts_number").execute();
  await db.schema.alterTable("invoice_drafts").dropColumn("number").execute();
  await db.schema.dropTable("invoice_sequences").execute();
  await db.schema.alterTable("users").dropColumn("invoice_prefix").execute();
}
