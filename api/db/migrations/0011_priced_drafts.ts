import type { Kysely } from "kysely";

/**
 * Drafts priced in a currency (issue 12): the ISO 4217 code their figures are in (hundredths of it, the on-chain
 * price); null for a draft priced in its token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("invoice_drafts").addColumn("currency", "text").execute();
}

/** Drops the column 0011 added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("invoice_drafts").dropColumn("currency").execute();
}
