import type { Kysely } from "kysely";

/** Users, SIWE nonces, sessions, API keys, invoice drafts with line items, idempotency keys. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("address", "text", (c) => c.primaryKey())
    .addColumn("display_name", "text")
    .addColumn("email", "text")
    .addColumn("company", "text")
    .addColumn("billing_address", "text")
    .addColumn("tax_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("last_sign_in_at", "bigint")
    .execute();

  await db.schema
    .createTable("siwe_nonces")
    .addColumn("nonce", "text", (c) => c.primaryKey())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .execute();
  await db.schema.createIndex("siwe_nonces_expires_at").on("siwe_nonces").column("expires_at").execute();

  await db.schema
    .createTable("sessions")
    .addColumn("jti", "text", (c) => c.primaryKey())
    .addColumn("address", "text", (c) => c.notNull().references("users.address"))
    .addColumn("issued_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_address").on("sessions").column("address").execute();

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

  await db.schema
    .createTable("invoice_drafts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("merchant", "text", (c) => c.notNull().references("users.address"))
    .addColumn("payer", "text")
    .addColumn("arbiter", "text")
    .addColumn("token", "text", (c) => c.notNull())
    .addColumn("chain_id", "integer", (c) => c.notNull())
    .addColumn("escrow", "text", (c) => c.notNull())
    .addColumn("due_date", "bigint", (c) => c.notNull())
    .addColumn("notes", "text")
    .addColumn("total", "text", (c) => c.notNull())
    .addColumn("reference", "text", (c) => c.notNull().unique())
    .addColumn("canonical", "text", (c) => c.notNull())
    .addColumn("onchain_id", "text")
    .addColumn("linked_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("invoice_drafts_merchant").on("invoice_drafts").columns(["merchant", "created_at"]).execute();
  await db.schema.createIndex("invoice_drafts_onchain_id").on("invoice_drafts").column("onchain_id").execute();

  await db.schema
    .createTable("invoice_line_items")
    .addColumn("draft_id", "text", (c) => c.notNull().references("invoice_drafts.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("quantity", "text", (c) => c.notNull())
    .addColumn("unit_price", "text", (c) => c.notNull())
    .addColumn("amount", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("invoice_line_items_pk", ["draft_id", "position"])
    .execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("status", "integer")
    .addColumn("response_body", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["scope", "key"])
    .execute();
}

/** Drops everything 0001 created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["idempotency_keys", "invoice_line_items", "invoice_drafts", "api_keys", "sessions", "siwe_nonces", "users"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
