/** Queries of the Invoice and InvoiceEvent tables: one invoice, an account's invoices (filtered, paginated), events. */
import { INVOICE_STATUSES, deriveInvoiceStatus, type InvoiceState, type InvoiceStatus } from "../../../core/invoice/status";
import { addressParam, Columns, decimalCursor, hexParam, pageSize, type Row, sqlTable } from "../columns";
import { IndexQueryError } from "../errors";
import type { InvoiceEventRow, InvoiceRow, Page } from "../rows";
import type { Queryable } from "../source";
import { STATUS_AT_SQL } from "./invoice-status";

const INVOICE = sqlTable("Invoice");
const INVOICE_EVENT = sqlTable("InvoiceEvent");

/** Filters of {@link invoicesByAccount}. */
export interface InvoiceQuery {
  /** Invoices where the account is the merchant, the payer, or either (default). */
  role?: "merchant" | "payer" | "any";
  /** Statuses at the indexed head. */
  status?: readonly InvoiceStatus[];
  token?: string;
  /** Inclusive lower bound on the creation time (seconds). */
  fromTimestamp?: bigint;
  /** Exclusive upper bound on the creation time (seconds). */
  toTimestamp?: bigint;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size, 1 to 500 (default 50). */
  limit?: number;
  /** `desc` (default): newest first. */
  order?: "asc" | "desc";
}

/** An Invoice row with its status at time `now` (core's derivation from the stored state and amounts). */
function toInvoice(row: Row, c: Columns, now: bigint): InvoiceRow {
  const amount = c.big(row, "amount");
  const paid = c.big(row, "paid");
  const released = c.big(row, "released");
  const held = c.big(row, "held");
  const dueDate = c.big(row, "dueDate");
  const state = row.state as InvoiceState;
  return {
    id: c.big(row, "id"),
    merchant: c.hex(row, "merchant"),
    payer: c.hexOrNull(row, "payer"),
    token: c.hex(row, "token"),
    arbiter: c.hexOrNull(row, "arbiter"),
    amount,
    paid,
    released,
    refunded: c.big(row, "refunded"),
    fees: c.big(row, "fees"),
    held,
    reference: c.hex(row, "reference"),
    dueDate,
    disputeWindow: row.disputeWindow as number,
    feeBps: row.feeBps as number,
    paidAt: c.bigOrNull(row, "paidAt"),
    disputedAt: c.bigOrNull(row, "disputedAt"),
    disputeTimeoutAt: c.bigOrNull(row, "disputeTimeoutAt"),
    settlementProposer: c.hexOrNull(row, "settlementProposer"),
    settlementToMerchant: c.bigOrNull(row, "settlementToMerchant"),
    status: deriveInvoiceStatus({ state, amount, paid, released, held, dueDate }, now),
    createdBlock: c.big(row, "createdBlock"),
    createdTimestamp: c.big(row, "createdTimestamp"),
    createdTxHash: c.hex(row, "createdTxHash"),
    updatedBlock: c.big(row, "updatedBlock"),
    updatedTimestamp: c.big(row, "updatedTimestamp"),
    eventCount: row.eventCount as number,
    pricing: c.pricingOrNull(row),
  };
}

function toInvoiceEvent(row: Row, c: Columns): InvoiceEventRow {
  return {
    id: row.id as string,
    invoiceId: c.bigOrNull(row, "invoiceId"),
    kind: row.kind as string,
    actor: c.hexOrNull(row, "actor"),
    token: c.hexOrNull(row, "token"),
    amount: c.bigOrNull(row, "amount"),
    toMerchant: c.bigOrNull(row, "toMerchant"),
    toPayer: c.bigOrNull(row, "toPayer"),
    fee: c.bigOrNull(row, "fee"),
    args: c.json<Record<string, unknown>>(row, "args"),
    txHash: c.hex(row, "txHash"),
    logIndex: row.logIndex as number,
    blockNumber: c.big(row, "blockNumber"),
    timestamp: c.big(row, "timestamp"),
  };
}

/** Invoice `id` at time `now`, or undefined when there is no such invoice. */
export async function invoiceById(db: Queryable, id: bigint, now: bigint): Promise<InvoiceRow | undefined> {
  const row = await db.get(`SELECT * FROM ${INVOICE} WHERE id = ?`, [id]);
  return row ? toInvoice(row, db.columns, now) : undefined;
}

/** The latest invoice created with reference hash `reference`, at time `now`, or undefined. */
export async function invoiceByReference(db: Queryable, reference: string, now: bigint): Promise<InvoiceRow | undefined> {
  const row = await db.get(`SELECT * FROM ${INVOICE} WHERE reference = ? ORDER BY id DESC LIMIT 1`, [hexParam(reference, "reference", 32)]);
  return row ? toInvoice(row, db.columns, now) : undefined;
}

/**
 * Invoices of `account` as merchant, payer or either, newest first by default, with cursor pagination (the id) and
 * filters (status at time `now`, token, creation time).
 */
export async function invoicesByAccount(db: Queryable, account: string, query: InvoiceQuery, now: bigint): Promise<Page<InvoiceRow>> {
  const limit = pageSize(query.limit);
  const desc = (query.order ?? "desc") === "desc";
  const address = addressParam(account, "account");
  const role = query.role ?? "any";
  const where: string[] = [];
  const params: unknown[] = [];
  if (role === "merchant") where.push(`merchant = ?`);
  else if (role === "payer") where.push(`payer = ?`);
  else if (role === "any") where.push(`(merchant = ? OR payer = ?)`);
  else throw new IndexQueryError(`role must be merchant, payer or any, got "${String(role)}"`);
  params.push(...(role === "any" ? [address, address] : [address]));
  if (query.status && query.status.length > 0) {
    for (const status of query.status) {
      if (!(INVOICE_STATUSES as readonly string[]).includes(status)) throw new IndexQueryError(`unknown invoice status "${status}"`);
    }
    where.push(`${STATUS_AT_SQL} IN (${query.status.map(() => "?").join(", ")})`);
    params.push(now, ...query.status);
  }
  if (query.token !== undefined) {
    where.push(`token = ?`);
    params.push(addressParam(query.token, "token"));
  }
  if (query.fromTimestamp !== undefined) {
    where.push(`"createdTimestamp" >= ?`);
    params.push(query.fromTimestamp);
  }
  if (query.toTimestamp !== undefined) {
    where.push(`"createdTimestamp" < ?`);
    params.push(query.toTimestamp);
  }
  if (query.cursor !== undefined) {
    where.push(desc ? `id < ?` : `id > ?`);
    params.push(decimalCursor(query.cursor));
  }
  const sql = `SELECT * FROM ${INVOICE} WHERE ${where.join(" AND ")} ORDER BY id ${desc ? "DESC" : "ASC"} LIMIT ?`;
  const rows = (await db.all(sql, [...params, limit + 1])).map((row) => toInvoice(row, db.columns, now));
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id.toString() : null };
}

/** Every event of invoice `id`, in chain order. */
export async function invoiceEvents(db: Queryable, id: bigint): Promise<InvoiceEventRow[]> {
  return (await db.all(`SELECT * FROM ${INVOICE_EVENT} WHERE "invoiceId" = ? ORDER BY "blockNumber", "logIndex"`, [id])).map((row) =>
    toInvoiceEvent(row, db.columns),
  );
}

/**
 * Every event of an invoice (escrow-wide events left out) in blocks `fromBlock` to `toBlock` inclusive, in chain
 * order: what the webhook poller scans.
 */
export async function invoiceEventsInBlocks(db: Queryable, fromBlock: bigint, toBlock: bigint): Promise<InvoiceEventRow[]> {
  return (
    await db.all(
      `SELECT * FROM ${INVOICE_EVENT} WHERE "blockNumber" >= ? AND "blockNumber" <= ? AND "invoiceId" IS NOT NULL ORDER BY "blockNumber", "logIndex"`,
      [fromBlock, toBlock],
    )
  ).map((row) => toInvoiceEvent(row, db.columns));
}
