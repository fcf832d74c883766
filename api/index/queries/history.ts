/** Queries of the History table: an account's history (filtered, cursor-paginated), a transaction's, an invoice's. */
import { HISTORY_KINDS, type HistoryKind } from "../../../core/history";
import { addressParam, chainIdParam, Columns, hexParam, onChain, pageSize, type Row, sqlTable } from "../columns";
import { IndexQueryError } from "../errors";
import type { HistoryRow, Page } from "../rows";
import type { Queryable } from "../source";

/** Filters of {@link historyByAccount}. */
export interface HistoryQuery {
  /** Rows of this chain only (default: every chain's). */
  chainId?: number;
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

function toHistory(row: Row, c: Columns): HistoryRow {
  return {
    id: row.id as string,
    chainId: row.chainId as number,
    account: c.hex(row, "account"),
    counterparty: c.hexOrNull(row, "counterparty"),
    kind: row.kind as HistoryKind,
    token: c.hex(row, "token"),
    amount: c.big(row, "amount"),
    fee: c.bigOrNull(row, "fee"),
    invoiceId: c.bigOrNull(row, "invoiceId"),
    pricing: c.pricingOrNull(row),
    txHash: c.hex(row, "txHash"),
    logIndex: row.logIndex as number,
    blockNumber: c.big(row, "blockNumber"),
    timestamp: c.big(row, "timestamp"),
  };
}

/**
 * History rows of `account` (the rows where it is the account, not the counterparty) on every chain or one, newest
 * first by default, with cursor pagination (the row id) and filters.
 */
export async function historyByAccount(db: Queryable, account: string, query: HistoryQuery): Promise<Page<HistoryRow>> {
  const limit = pageSize(query.limit);
  // History ids sort in time order, and in chain order within a chain, as bytes (core/index-schema's historyRowId).
  const id = db.columns.codec.bytewise("id");
  const desc = (query.order ?? "desc") === "desc";
  const where = [`account = ?`];
  const params: unknown[] = [addressParam(account, "account")];
  if (query.chainId !== undefined) {
    where.push(`"chainId" = ?`);
    params.push(chainIdParam(query.chainId));
  }
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
    params.push(query.invoiceId);
  }
  if (query.fromTimestamp !== undefined) {
    where.push(`timestamp >= ?`);
    params.push(query.fromTimestamp);
  }
  if (query.toTimestamp !== undefined) {
    where.push(`timestamp < ?`);
    params.push(query.toTimestamp);
  }
  if (query.cursor !== undefined) {
    where.push(desc ? `${id} < ?` : `${id} > ?`);
    params.push(query.cursor);
  }
  const sql = `SELECT * FROM ${HISTORY} WHERE ${where.join(" AND ")} ORDER BY ${id} ${desc ? "DESC" : "ASC"} LIMIT ?`;
  const rows = (await db.all(sql, [...params, limit + 1])).map((row) => toHistory(row, db.columns));
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}

/** Every History row of one transaction (on chain `chainId`, or on any chain), in log order. */
export async function historyByTxHash(db: Queryable, txHash: string, chainId?: number): Promise<HistoryRow[]> {
  const { where, params } = onChain(`"txHash" = ?`, [hexParam(txHash, "txHash", 32)], chainId);
  return (await db.all(`SELECT * FROM ${HISTORY} WHERE ${where} ORDER BY ${db.columns.codec.bytewise("id")}`, params)).map((row) =>
    toHistory(row, db.columns),
  );
}

/** Every History row about invoice `id` (of chain `chainId`, or of every chain with such an invoice), in order. */
export async function historyByInvoice(db: Queryable, id: bigint, chainId?: number): Promise<HistoryRow[]> {
  const { where, params } = onChain(`"invoiceId" = ?`, [id], chainId);
  return (await db.all(`SELECT * FROM ${HISTORY} WHERE ${where} ORDER BY ${db.columns.codec.bytewise("id")}`, params)).map((row) =>
    toHistory(row, db.columns),
  );
}
