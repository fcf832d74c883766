import type { AppDb } from "../db";
import { DEFAULT_INVOICE_PREFIX, expandPrefix, formatNumber } from "../../core/invoice/numbering";

/**
 * Gives the next number of `merchant`'s sequence under its prefix template expanded for `createdAt` (unix seconds).
 * Call it inside the transaction that records what the number is for: the counter's increment and its use commit
 * together or not at all, so numbers are unique, gap-free and never reused. The increment is one atomic
 * INSERT … ON CONFLICT DO UPDATE … RETURNING (SQLite 3.35+, PostgreSQL), safe against concurrent transactions.
 */
export async function allocateNumber(trx: AppDb, merchant: string, createdAt: number, mark = ""): Promise<string> {
  const user = await trx.selectFrom("users").select("invoice_prefix").where("address", "=", merchant).executeTakeFirst();
  const prefix = mark + expandPrefix(user?.invoice_prefix ?? DEFAULT_INVOICE_PREFIX, createdAt);
  const { last } = await trx
    .insertInto("invoice_sequences")
    .values({ merchant, prefix, last: 1 })
    .onConflict((oc) => oc.columns(["merchant", "prefix"]).doUpdateSet((eb) => ({ last: eb("invoice_sequences.last", "+", 1) })))
    .returning("last")
    .executeTakeFirstOrThrow();
  return formatNumber(prefix, last);
}
