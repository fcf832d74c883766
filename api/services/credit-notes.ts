import { randomUUID } from "node:crypto";
import type { AppDb } from "../db";
import type { CreditNotesTable } from "../db/types";
import type { InvoiceEventRow, InvoiceRow } from "../index/rows";
import { CREDIT_NOTE_MARK } from "../../core/invoice/numbering";
import { creditSplit } from "../../core/invoice/credit";
import type { TaxLine } from "../../core/invoice/totals";
import { type LoadedDraft } from "./drafts";
import { storedTaxes } from "../documents/stored";
import { allocateNumber } from "./numbering";

/** The amount an escrow event returns to the payer: refunds and reclaims, and the payer's part of a split. */
export function returnedToPayer(event: InvoiceEventRow): bigint {
  if (event.kind === "InvoiceRefunded" || event.kind === "InvoiceReclaimed") return event.amount ?? 0n;
  if (event.kind === "InvoiceResolved" || event.kind === "InvoiceSettled") return event.toPayer ?? 0n;
  return 0n;
}

/** The invoice's taxes per rate as bigint (one rate "0" over the total for a draft made before taxes). */
function invoiceTaxes(loaded: LoadedDraft): TaxLine[] {
  const stored = storedTaxes(loaded.draft);
  if (stored.length === 0) return [{ rate: "0", base: BigInt(loaded.draft.total), amount: 0n }];
  return stored.map((t) => ({ rate: t.rate, base: BigInt(t.base), amount: BigInt(t.amount) }));
}

/**
 * Issues the credit notes of numbered invoice `row` (its draft `loaded`) for the returns to the payer among
 * `events` that have none yet: each gets the merchant's next credit-note number (CN-…, its own sequence) in the
 * transaction that records it. Returns the invoice's credit notes, oldest first.
 */
export async function issueCreditNotes(db: AppDb, row: InvoiceRow, loaded: LoadedDraft, events: InvoiceEventRow[], now: number) {
  if (loaded.draft.number !== null) {
    const taxes = invoiceTaxes(loaded);
    for (const event of events) {
      const amount = returnedToPayer(event);
      if (amount === 0n) continue;
      await db.transaction().execute(async (trx) => {
        const known = await trx.selectFrom("credit_notes").select("id").where("event_id", "=", event.id).executeTakeFirst();
        if (known) return;
        const split = creditSplit(taxes, amount);
        const note: CreditNotesTable = {
          id: randomUUID(),
          event_id: event.id,
          merchant: loaded.draft.merchant,
          draft_id: loaded.draft.id,
          chain_id: row.chainId,
          invoice_id: row.id.toString(),
          number: await allocateNumber(trx, loaded.draft.merchant, Number(event.timestamp), CREDIT_NOTE_MARK),
          amount: amount.toString(),
          net: split.net.toString(),
          taxes: JSON.stringify(split.taxes.map((t) => ({ rate: t.rate, base: t.base.toString(), amount: t.amount.toString() }))),
          tx_hash: event.txHash,
          block_number: Number(event.blockNumber),
          issued_at: Number(event.timestamp),
          created_at: now,
        };
        await trx.insertInto("credit_notes").values(note).execute();
      });
    }
  }
  // By draft, not by on-chain id: a draft is on one chain, an invoice id alone may be on several.
  return db.selectFrom("credit_notes").selectAll().where("draft_id", "=", loaded.draft.id).orderBy("block_number").execute();
}
