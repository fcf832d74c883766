import type { Kysely } from "kysely";

/** Share links of invoice documents: only the SHA-256 of each token is stored. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("share_links")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("invoice_key", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "text", (c) => c.notNull().references("users.address"))
    .addColumn("label", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .addColumn("last_used_at", "bigint")
    .execute();
  await db.schema.createIndex("share_links_invoice_key").on("share_links").columns(["invoice_key", "created_at"]).execute();
}

/** Drops what 0002 created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("share_links").ifExists().execute();
}
