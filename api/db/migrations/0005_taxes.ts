import type { Kysely } from "kysely";

/**
 * Taxes and discounts (settle.invoice.v2): the draft's document version, subtotal and taxes per rate; each line's
 * discount, tax rate and tax mention. Drafts made before keep `settle.invoice.v1` and null in the new columns.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("invoice_drafts")
    .addColumn("schema", "text", (c) => c.notNull().defaultTo("settle.invoice.v1"))
    .execute();
  await db.schema.alterTable("invoice_drafts").addColumn("subtotal", "text").execute();
  await db.schema.alterTable("invoice_drafts").addColumn("taxes", "text").execute();
  await db.schema.alterTable("invoice_line_items").addColumn("discount", "text").execute();
  await db.schema.alterTable("invoice_line_items").addColumn("tax_rate", "text").execute();
  await db.schema.alterTable("invoice_line_items").addColumn("tax_mention", "text").execute();
}

/** Drops the columns 0005 added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ["tax_mention", "tax_rate", "discount"])
    await db.schema.alterTable("invoice_line_items").dropColumn(column).execute();
  for (const column of ["taxes", "subtotal", "schema"]) await db.schema.alterTable("invoice_drafts").dropColumn(column).execute();
}
