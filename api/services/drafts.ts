import type { AppDb } from "../db";
import { termsMatch } from "../documents/hash";
import { ApiError } from "../lib/errors";
import type { InvoiceRow } from "../index/rows";
import { safeStatus } from "../index/status";
import type { AppDeps } from "../middleware/context";
import { allocateNumber } from "./numbering";

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

/**
 * Records that the draft with `row.reference` became on-chain invoice `row.id` and gives it the merchant's next
 * invoice number, in one transaction: a draft is linked and numbered once (the update only takes an unlinked
 * draft), and a number is consumed only by a link that commits. Returns the number, or undefined when the draft
 * was already linked.
 */
export async function linkDraft(db: AppDb, row: InvoiceRow, now: number): Promise<string | undefined> {
  return db.transaction().execute((trx) => linkDraftIn(trx, row, now));
}

/** {@link linkDraft} inside the caller's transaction `trx`. */
export async function linkDraftIn(trx: AppDb, row: InvoiceRow, now: number): Promise<string | undefined> {
  const reference = row.reference.toLowerCase();
  const claimed = await trx
    .updateTable("invoice_drafts")
    .set({ onchain_id: row.id.toString(), linked_at: now })
    .where("reference", "=", reference)
    .where("onchain_id", "is", null)
    .returning("merchant")
    .executeTakeFirst();
  if (!claimed) return undefined;
  const number = await allocateNumber(trx, claimed.merchant, Number(row.createdTimestamp));
  await trx.updateTable("invoice_drafts").set({ number }).where("reference", "=", reference).execute();
  return number;
}

/**
 * The invoice number of on-chain invoice `row` (linking and numbering its draft first when its terms match), or
 * null when this API holds no draft for it. `db` may be a transaction.
 */
export async function numberOf(db: AppDb, row: InvoiceRow, now: number): Promise<string | null> {
  const linked = await db.selectFrom("invoice_drafts").select("number").where("onchain_id", "=", row.id.toString()).executeTakeFirst();
  if (linked) return linked.number;
  const candidate = await loadDraft(db, { reference: row.reference });
  if (!candidate || !termsMatch(candidate.draft, row)) return null;
  return (await linkDraftIn(db, row, now)) ?? null;
}

/** The draft holding the details of on-chain invoice `row` (linking it when its terms match), or undefined. */
export async function draftOf(deps: AppDeps, row: InvoiceRow, now: number): Promise<LoadedDraft | undefined> {
  const linked = await loadDraft(deps.db, { onchainId: row.id.toString() });
  if (linked) return linked;
  const candidate = await loadDraft(deps.db, { reference: row.reference });
  if (!candidate || !termsMatch(candidate.draft, row)) return undefined;
  await linkDraft(deps.db, row, now);
  return loadDraft(deps.db, { onchainId: row.id.toString() });
}

/**
 * Finds an invoice by on-chain id (the index, with the draft that holds its details) or by draft id
 * (app.sqlite, with its on-chain row once created with the same terms).
 *
 * @throws ApiError 404 when neither exists
 */
export async function locateInvoice(deps: AppDeps, id: string, now: number): Promise<InvoiceRecord> {
  if (/^\d+$/.test(id)) {
    const row = await deps.index.invoice(BigInt(id));
    if (!row) throw new ApiError(404, "invoice_not_found", `No invoice ${id} on chain`);
    return { row, loaded: await draftOf(deps, row, now) };
  }
  const loaded = await loadDraft(deps.db, { id });
  if (!loaded) throw new ApiError(404, "invoice_not_found", "No invoice draft with this id");
  const onchain = (await safeStatus(deps.index)).ready
    ? loaded.draft.onchain_id !== null
      ? await deps.index.invoice(BigInt(loaded.draft.onchain_id))
      : await deps.index.invoiceByReference(loaded.draft.reference)
    : undefined;
  if (onchain && (loaded.draft.onchain_id !== null || termsMatch(loaded.draft, onchain))) {
    return { row: onchain, loaded: await draftOf(deps, onchain, now) };
  }
  return { row: undefined, loaded };
}
