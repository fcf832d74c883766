import type { AppDb } from "../db";
import type { InvoiceRow } from "../lib/index-reader";

/** A draft and its line items by draft id or by reference, or undefined. */
export async function loadDraft(db: AppDb, by: { id: string } | { reference: string } | { onchainId: string }) {
  let query = db.selectFrom("invoice_drafts").selectAll();
  if ("id" in by) query = query.where("id", "=", by.id);
  else if ("reference" in by) query = query.where("reference", "=", by.reference.toLowerCase());
  else query = query.where("onchain_id", "=", by.onchainId);
  const draft = await query.executeTakeFirst();
  if (!draft) return undefined;
  const items = await db.selectFrom("invoice_line_items").selectAll().where("draft_id", "=", draft.id).orderBy("position").execute();
  return { draft, items };
}

/** A draft and its line items, as {@link loadDraft} returns them. */
export type LoadedDraft = NonNullable<Awaited<ReturnType<typeof loadDraft>>>;

/** An invoice as the API knows it: its on-chain row (absent while a draft), its details (absent when not held here). */
export interface InvoiceRecord {
  row: InvoiceRow | undefined;
  loaded: LoadedDraft | undefined;
}

/** Records that the draft with `row.reference` became on-chain invoice `row.id`. */
export async function linkDraft(db: AppDb, row: InvoiceRow, now: number): Promise<void> {
  await db
    .updateTable("invoice_drafts")
    .set({ onchain_id: row.id.toString(), linked_at: now })
    .where("reference", "=", row.reference.toLowerCase())
    .where("onchain_id", "is", null)
    .execute();
}
