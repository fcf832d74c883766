/** Queries of the History table: an account's history (filtered, cursor-paginated), a transaction's, an invoice's. */
import { HISTORY_KINDS, type HistoryKind } from "../../../core/history";
import {
  addressParam,
  big,
  bigOrNull,
  bigintParam,
  hex,
  hexOrNull,
  hexParam,
  pageSize,
  pricingOrNull,
  sqlTable,
  type Row,
} from "../columns";
import { IndexQueryError } from "../errors";
import type { HistoryRow, Page } from "../rows";
import type { Queryable } from "../source";

/** Filters of {@link historyByAccount}. */
export interface HistoryQuery {
  kinds?: readonly HistoryKind[];
  token?: string;
  invoiceId?: bigint;
  /** Inclusive lower bound on the block timestamp (seconds). */
  fromTimestamp?: bigint;
  /** Exclusive upper bound on the block timestamp (seconds). */
  toTimestamp?: bigint;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size, 1 to 500 (default 50). */
  limit?: number;
  /** `desc` (default): newest first. */
  order?: "asc" | "desc";
}

const HISTORY = sqlTable("History");

function toHistory(row: Row): HistoryRow {
  return {
    id: row.id as string,
    account: hex(row, "account"),
    counterparty: hexOrNull(row, "counterparty"),
    kind: row.kind as HistoryKind,
    token: hex(row, "token"),
    amount: big(row, "amount"),
    fee: bigOrNull(row, "fee"),
    invoiceId: bigOrNull(row, "invoiceId"),
    pricing: pricingOrNull(row),
    txHash: hex(row, "txHash"),
    logIndex: row.logIndex as number,
    blockNumber: big(row, "blockNumber"),
    timestamp: big(row, "timestamp"),
  };
}

/**
 * History rows of `account` (the rows where it is the account, not the counterparty), newest first by default, with
 * cursor pagination (the row id) and filters.
 */
export function historyByAccount(db: Queryable, account: string, query: HistoryQuery): Page<HistoryRow> {
  const limit = pageSize(query.limit);
  const desc = (query.order ?? "desc") === "desc";
  const where = [`account = ?`];
  const params: unknown[] = [addressParam(account, "account")];
  if (query.kinds && query.kinds.length > 0) {
    for (const kind of query.kinds) {
      if (!(HISTORY_KINDS as readonly string[]).includes(kind)) throw new IndexQueryError(`unknown history kind "${kind}"`);
    }
    where.push(`kind IN (${query.kinds.map(() => "?").join(", ")})`);
    params.push(...query.kinds);
  }
  if (query.token !== undefined) {
    where.push(`token = ?`);
    params.push(addressParam(query.token, "token"));
  }
  if (query.invoiceId !== undefined) {
    where.push(`"invoiceId" = ?`);
    params.push(bigintParam(query.invoiceId));
  }
  if (query.fromTimestamp !== undefined) {
    where.push(`timestamp >= ?`);
    params.push(bigintParam(query.fromTimestamp));
  }
  if (query.toTimestamp !== undefined) {
    where.push(`timestamp < ?`);
    params.push(bigintParam(query.toTimestamp));
  }
  if (query.cursor !== undefined) {
    where.push(desc ? `id < ?` : `id > ?`);
    params.push(query.cursor);
  }
  const sql = `SELECT * FROM ${HISTORY} WHERE ${where.join(" AND ")} ORDER BY id ${desc ? "DESC" : "ASC"} LIMIT ?`;
  const rows = db.all(sql, [...params, limit + 1]).map(toHistory);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/** Every History row of one transaction, in log order. */
export function historyByTxHash(db: Queryable, txHash: string): HistoryRow[] {
  return db.all(`SELECT * FROM ${HISTORY} WHERE "txHash" = ? ORDER BY id`, [hexParam(txHash, "txHash", 32)]).map(toHistory);
}

/** Every History row about invoice `id`, in chain order. */
export function historyByInvoice(db: Queryable, id: bigint): HistoryRow[] {
  return db.all(`SELECT * FROM ${HISTORY} WHERE "invoiceId" = ? ORDER BY id`, [bigintParam(id)]).map(toHistory);
}
