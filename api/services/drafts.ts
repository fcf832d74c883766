import type { AppDb } from "../db";
import { termsMatch } from "../documents/hash";
import { ApiError } from "../lib/errors";
import type { InvoiceRow } from "../index/rows";
import { safeStatus } from "../index/status";
import type { AppDeps } from "../middleware/context";
import { allocateNumber } from "./numbering";
import { chainName } from "../../core/chains";
import { chainsOf } from "./networks";

/**
 * A draft and its line items by draft id, or by the reference or on-chain id it has on chain `chainId` (a draft names
 * the chain it is created on; without `chainId`, on any chain), or undefined.
 */
export async function loadDraft(
  db: AppDb,
  by: { id: string } | { reference: string; chainId?: number } | { onchainId: string; chainId?: number },
) {
  let query = db.selectFrom("invoice_drafts").selectAll();
  if ("id" in by) query = query.where("id", "=", by.id);
  else query = "reference" in by ? query.where("reference", "=", by.reference.toLowerCase()) : query.where("onchain_id", "=", by.onchainId);
  if (!("id" in by) && by.chainId !== undefined) query = query.where("chain_id", "=", by.chainId);
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

/** The chain `record`'s invoice is on, or (a draft) will be created on. */
export function recordChainId(record: InvoiceRecord): number {
  return record.row?.chainId ?? record.loaded!.draft.chain_id;
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
    .where("chain_id", "=", row.chainId)
    .where("onchain_id", "is", null)
    .returning("merchant")
    .executeTakeFirst();
  if (!claimed) return undefined;
  const number = await allocateNumber(trx, claimed.merchant, Number(row.createdTimestamp));
  await trx.updateTable("invoice_drafts").set({ number }).where("reference", "=", reference).where("chain_id", "=", row.chainId).execute();
  return number;
}

/**
 * The invoice number of on-chain invoice `row` (linking and numbering its draft first when its terms match), or
 * null when this API holds no draft for it. `db` may be a transaction.
 */
export async function numberOf(db: AppDb, row: InvoiceRow, now: number): Promise<string | null> {
  const linked = await db
    .selectFrom("invoice_drafts")
    .select("number")
    .where("onchain_id", "=", row.id.toString())
    .where("chain_id", "=", row.chainId)
    .executeTakeFirst();
  if (linked) return linked.number;
  const candidate = await loadDraft(db, { reference: row.reference, chainId: row.chainId });
  if (!candidate || !termsMatch(candidate.draft, row)) return null;
  return (await linkDraftIn(db, row, now)) ?? null;
}

/** The draft holding the details of on-chain invoice `row` (linking it when its terms match), or undefined. */
export async function draftOf(deps: AppDeps, row: InvoiceRow, now: number): Promise<LoadedDraft | undefined> {
  const onchain = { onchainId: row.id.toString(), chainId: row.chainId };
  const linked = await loadDraft(deps.db, onchain);
  if (linked) return linked;
  const candidate = await loadDraft(deps.db, { reference: row.reference, chainId: row.chainId });
  if (!candidate || !termsMatch(candidate.draft, row)) return undefined;
  await linkDraft(deps.db, row, now);
  return loadDraft(deps.db, onchain);
}

/**
 * The one resolver of an invoice id for every invoice route: by on-chain id (the index, with the draft that holds its
 * details) or by draft id (app database, with its on-chain row once created with the same terms on the draft's chain).
 * With `chainId` (`?chainId=`), only that chain's invoice; without, the one chain that has such an invoice.
 *
 * @throws ApiError 400 `unknown_chain` for a chain not served here; 404 `invoice_not_found` when there is none;
 *   IndexAmbiguousError (answered 409 `ambiguous_id` with the candidates, api/lib/errors) when the id is on several
 *   chains and no chain was given
 */
export async function locateInvoice(deps: AppDeps, id: string, now: number, chainId?: number): Promise<InvoiceRecord> {
  if (chainId !== undefined) chainsOf(deps).require(chainId);
  const chain = chainId === undefined ? "" : ` ${chainId} (${chainName(chainId)})`;
  if (/^\d+$/.test(id)) {
    const row = await deps.index.invoice(BigInt(id), chainId);
    if (!row) throw new ApiError(404, "invoice_not_found", `No invoice ${id} on chain${chain}`);
    return { row, loaded: await draftOf(deps, row, now) };
  }
  const loaded = await loadDraft(deps.db, { id });
  if (!loaded || (chainId !== undefined && loaded.draft.chain_id !== chainId))
    throw new ApiError(404, "invoice_not_found", `No invoice draft with this id${chainId === undefined ? "" : ` for chain${chain}`}`);
  const draftChain = loaded.draft.chain_id;
  const onchain = (await safeStatus(deps.index)).ready
    ? loaded.draft.onchain_id !== null
      ? await deps.index.invoice(BigInt(loaded.draft.onchain_id), draftChain)
      : await deps.index.invoiceByReference(loaded.draft.reference, draftChain)
    : undefined;
  if (onchain && (loaded.draft.onchain_id !== null || termsMatch(loaded.draft, onchain))) {
    return { row: onchain, loaded: await draftOf(deps, onchain, now) };
  }
  return { row: undefined, loaded };
}
