/** Index-wide figures: per-token totals (TokenStat) and invoice counts by status at the indexed head. */
import { INVOICE_STATUSES } from "../../../core/invoice/status";
import { Columns, type Row, sqlTable } from "../columns";
import type { IndexStats, IndexStatus, TokenStatRow } from "../rows";
import type { Queryable } from "../source";
import { EXPIRED_STATUS, PAST_DUE_SQL } from "./invoice-status";

const TOKEN_STAT = sqlTable("TokenStat");
const INVOICE_STATUS_COUNT = sqlTable("InvoiceStatusCount");
const INVOICE = sqlTable("Invoice");

function toTokenStat(row: Row, c: Columns): TokenStatRow {
  return {
    token: c.hex(row, "id"),
    escrowLocked: c.big(row, "escrowLocked"),
    escrowCredits: c.big(row, "escrowCredits"),
    escrowPaid: c.big(row, "escrowPaid"),
    stakingLocked: c.big(row, "stakingLocked"),
    feesEarned: c.big(row, "feesEarned"),
    feesAccrued: c.big(row, "feesAccrued"),
    swept: c.big(row, "swept"),
    rewardsFunded: c.big(row, "rewardsFunded"),
    rewardsPaid: c.big(row, "rewardsPaid"),
    updatedBlock: c.big(row, "updatedBlock"),
  };
}

/** Per-token totals, invoice counts by status at the indexed head `block`, and that head. */
export async function indexStats(db: Queryable, block: IndexStatus["block"]): Promise<IndexStats> {
  const now = block?.timestamp ?? 0n;
  const tokens = (await db.all(`SELECT * FROM ${TOKEN_STAT} ORDER BY id`, [])).map((row) => toTokenStat(row, db.columns));
  const invoicesByStatus: Record<string, number> = {};
  for (const row of await db.all(`SELECT id, count FROM ${INVOICE_STATUS_COUNT} WHERE count > 0`, [])) {
    invoicesByStatus[row.id as string] = row.count as number;
  }
  // The counts are as of each invoice's last event: move the ones whose due date has passed since.
  const expired = await db.all(`SELECT status, CAST(count(*) AS INTEGER) AS n FROM ${INVOICE} WHERE ${PAST_DUE_SQL} GROUP BY status`, [
    now,
  ]);
  for (const row of expired) {
    const n = row.n as number;
    const status = row.status as string;
    invoicesByStatus[status] = (invoicesByStatus[status] ?? 0) - n;
    invoicesByStatus[EXPIRED_STATUS] = (invoicesByStatus[EXPIRED_STATUS] ?? 0) + n;
    if (invoicesByStatus[status] === 0) delete invoicesByStatus[status];
  }
  const ordered: Record<string, number> = {};
  for (const name of INVOICE_STATUSES) if (invoicesByStatus[name]) ordered[name] = invoicesByStatus[name];
  return { tokens, invoicesByStatus: ordered, block };
}
