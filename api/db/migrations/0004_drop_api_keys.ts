import type { Kysely } from "kysely";

/**
 * 0004: drops `api_keys` (0001), which nothing ever wrote: merchants' servers authenticate with
 * OAuth2 client credentials (`api_clients`, 0003) instead. One way only: there is nothing to restore.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("api_keys").ifExists().execute();
}
