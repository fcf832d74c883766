import type { AppDb } from "../db";
import { termsMatch } from "../documents/hash";
import type { IndexReader } from "../index/reader";
import { safeStatus } from "../index/status";
import { linkDraft, loadDraft } from "../services/drafts";

/**
 * Links drafts whose reference the index has seen created on the draft's chain (run periodically by main.ts,
 * and on reads), oldest on-chain invoice of each chain first so that the numbers they receive follow the chain's order.
 * Returns how many were linked.
 */
export async function linkPendingDrafts(db: AppDb, index: IndexReader, now: number, max = 200): Promise<number> {
  if (!(await safeStatus(index)).ready) return 0;
  const pending = await db
    .selectFrom("invoice_drafts")
    .select(["reference", "chain_id"])
    .where("onchain_id", "is", null)
    .orderBy("created_at", "desc")
    .limit(max)
    .execute();
  // A draft names its chain: it links only to an invoice created there with its reference.
  const found = await Promise.all(pending.map(({ reference, chain_id }) => index.invoiceByReference(reference, chain_id)));
  const rows = found.flatMap((row) => row ?? []).sort((a, b) => a.chainId - b.chainId || (a.id < b.id ? -1 : 1));
  let linked = 0;
  for (const row of rows) {
    const loaded = await loadDraft(db, { reference: row.reference, chainId: row.chainId });
    if (loaded && termsMatch(loaded.draft, row) && (await linkDraft(db, row, now)) !== undefined) linked += 1;
  }
  return linked;
}
