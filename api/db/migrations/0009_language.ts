import type { Kysely } from "kysely";

/** The language of a draft's documents (the customer's: en, fr); null for drafts made before (English). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("invoice_drafts").addColumn("language", "text").execute();
}

/** Drops the column 0009 added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("invoice_drafts").dropColumn("language").execute();
}
