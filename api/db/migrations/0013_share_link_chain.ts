import { type Kysely, sql } from "kysely";

/**
 * Share links name their invoice's chain (issue 13: an invoice id alone may be on several chains). A link to a draft
 * takes its draft's chain; a link made before this to an invoice held only on chain keeps a null chain_id, read as the
 * first network's (services/share-links' linkChainId): until then the API served that one chain only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("share_links").addColumn("chain_id", "integer").execute();
  await sql`UPDATE share_links SET chain_id = (SELECT d.chain_id FROM invoice_drafts d WHERE d.id = share_links.invoice_key)
            WHERE invoice_key NOT LIKE 'onchain:%'`.execute(db);
}

/** Drops the column 0013 added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("share_links").dropColumn("chain_id").execute();
}
