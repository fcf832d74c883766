import type { Kysely } from "kysely";

/**
 * 0004: drops `api_keys` (0001), which nothing ever wrote: merchants' servers authenticate with
 * OAuth2 client credentials (`api_clients`, 0003) instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("api_keys").ifExists().execute();
}

/** Restores the empty `api_keys` table as 0001 created it. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("address", "text", (c) => c.notNull().references("users.address"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .execute();
}
