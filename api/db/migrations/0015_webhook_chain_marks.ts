import type { Kysely } from "kysely";

/**
 * The webhook outbox's enqueue marks on the networks after the first (issue 13): per endpoint and chain, every event
 * of that chain up to this block has been considered for the endpoint. The first network's marks stay in
 * webhook_endpoints.enqueued_through (block numbers of one chain mean nothing on another).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhook_chain_marks")
    .addColumn("endpoint_id", "text", (c) => c.notNull().references("webhook_endpoints.id"))
    .addColumn("chain_id", "integer", (c) => c.notNull())
    .addColumn("enqueued_through", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("webhook_chain_marks_pk", ["endpoint_id", "chain_id"])
    .execute();
}

/** Drops what 0015 created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("webhook_chain_marks").ifExists().execute();
}
