import { type Kysely, sql } from "kysely";

/**
 * Credit notes name their invoice's chain (issue 13: an invoice id alone may be on several chains). A note made before
 * this takes its draft's chain: every draft names one, and until then the API served the first network only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("credit_notes")
    .addColumn("chain_id", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`UPDATE credit_notes SET chain_id = (SELECT d.chain_id FROM invoice_drafts d WHERE d.id = credit_notes.draft_id)`.execute(db);
  await db.schema.dropIndex("credit_notes_invoice").execute();
  await db.schema.createIndex("credit_notes_chain_invoice").on("credit_notes").columns(["chain_id", "invoice_id"]).execute();
}

/** Drops the column 0014 added and restores 0007's index. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("credit_notes_chain_invoice").execute();
  await db.schema.alterTable("credit_notes").dropColumn("chain_id").execute();
  await db.schema.createIndex("credit_notes_invoice").on("credit_notes").column("invoice_id").execute();
}
