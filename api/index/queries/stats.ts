/** Index-wide figures: per-token totals (TokenStat) and invoice counts by status at the indexed head. */
import { INVOICE_STATUSES } from "../../../core/invoice/status";
import { Columns, onChain, type Row, sqlTable } from "../columns";
import type { IndexStats, IndexStatus, TokenStatRow } from "../rows";
import type { Queryable } from "../source";
import { EXPIRED_STATUS, pastDueSql, type IndexClock } from "./invoice-status";

const TOKEN_STAT = sqlTable("TokenStat");
const INVOICE_STATUS_COUNT = sqlTable("InvoiceStatusCount");
const INVOICE = sqlTable("Invoice");

function toTokenStat(row: Row, c: Columns): TokenStatRow {
  return {
    chainId: row.chainId as number,
    token: c.hex(row, "token"),
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

/**
 * Per-chain, per-token totals, invoice counts by status (summed over the chains) at each chain's time, and the indexed
 * head `block`; of chain `chainId` only when given.
 */
export async function indexStats(db: Queryable, block: IndexStatus["block"], clock: IndexClock, chainId?: number): Promise<IndexStats> {
  const all = onChain("1 = 1", [], chainId);
  const tokens = (await db.all(`SELECT * FROM ${TOKEN_STAT} WHERE ${all.where} ORDER BY "chainId", token`, all.params)).map((row) =>
    toTokenStat(row, db.columns),
  );
  const invoicesByStatus: Record<string, number> = {};
  const counted = onChain("count > 0", [], chainId);
  for (const row of await db.all(`SELECT status, count FROM ${INVOICE_STATUS_COUNT} WHERE ${counted.where}`, counted.params)) {
    invoicesByStatus[row.status as string] = (invoicesByStatus[row.status as string] ?? 0) + (row.count as number);
  }
  // The counts are as of each invoice's last event: move the ones whose due date has passed since.
  const pastDue = onChain(pastDueSql(clock.sql(db.columns.codec.bigintLiteral)), [], chainId);
  const expired = await db.all(
    `SELECT status, CAST(count(*) AS INTEGER) AS n FROM ${INVOICE} WHERE ${pastDue.where} GROUP BY status`,
    pastDue.params,
  );
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
