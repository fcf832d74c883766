import type { Kysely } from "kysely";

/**
 * Legal details: the merchant's VAT and company numbers, payment terms and invoice footer; the merchant's saved
 * customers; and, on each draft, the seller's and the customer's details as they were when it was made (hashed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ["vat_number", "company_number", "payment_terms", "invoice_footer"]) {
    await db.schema.alterTable("users").addColumn(column, "text").execute();
  }
  await db.schema
    .createTable("customers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("merchant", "text", (c) => c.notNull().references("users.address"))
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("customers_merchant").on("customers").columns(["merchant", "created_at"]).execute();
  await db.schema.alterTable("invoice_drafts").addColumn("seller", "text").execute();
  await db.schema.alterTable("invoice_drafts").addColumn("customer", "text").execute();
}

/** Drops what 0008 added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ["customer", "seller"]) await db.schema.alterTable("invoice_drafts").dropColumn(column).execute();
  await db.schema.dropTable("customers").execute();
  for (const column of ["invoice_footer", "payment_terms", "company_number", "vat_number"]) {
    await db.schema.alterTable("users").dropColumn(column).execute();
  }
}
