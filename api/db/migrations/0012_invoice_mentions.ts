import type { Kysely } from "kysely";

/**
 * The French reform's and the late-payment mentions (issue 17): the merchant's late-payment penalty rate and its option
 * for VAT on debits (1, else null); on each draft, the delivery address when it differs from the billing address
 * (JSON) and what the invoice covers (goods, services or both).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").addColumn("late_penalty", "text").execute();
  await db.schema.alterTable("users").addColumn("vat_on_debits", "integer").execute();
  await db.schema.alterTable("invoice_drafts").addColumn("delivery", "text").execute();
  await db.schema.alterTable("invoice_drafts").addColumn("supply", "text").execute();
}

/** Drops the columns 0012 added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ["supply", "delivery"]) await db.schema.alterTable("invoice_drafts").dropColumn(column).execute();
  for (const column of ["vat_on_debits", "late_penalty"]) await db.schema.alterTable("users").dropColumn(column).execute();
}
