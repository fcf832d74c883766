import type { AppDb } from "../db";
import type { IndexReader } from "../index/reader";
import { safeStatus } from "../index/status";
import { issueCreditNotes } from "../services/credit-notes";
import { loadDraft } from "../services/drafts";

/**
 * Issues the missing credit notes of numbered invoices that returned funds to their payer (run periodically by
 * main.ts after the draft linker; reads of an invoice's credit notes issue them too). Returns how many invoices
 * it looked at.
 */
export async function issuePendingCreditNotes(db: AppDb, index: IndexReader, now: number): Promise<number> {
  if (!(await safeStatus(index)).ready) return 0;
  const numbered = await db.selectFrom("invoice_drafts").select(["id", "onchain_id", "chain_id"]).where("number", "is not", null).execute();
  let seen = 0;
  for (const { id, onchain_id, chain_id } of numbered) {
    const row = await index.invoice(BigInt(onchain_id!), chain_id);
    if (!row || row.refunded === 0n) continue;
    await issueCreditNotes(db, row, (await loadDraft(db, { id }))!, await index.invoiceEvents(row.id, chain_id), now);
    seen += 1;
  }
  return seen;
}
