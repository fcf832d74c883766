/** Queries of the Invoice and InvoiceEvent tables: one invoice, an account's invoices (filtered, paginated), events. */
import { INVOICE_STATUSES, deriveInvoiceStatus, type InvoiceState, type InvoiceStatus } from "../../../core/invoice/status";
import {
  addressParam,
  big,
  bigOrNull,
  bigintParam,
  decimalCursor,
  hex,
  hexOrNull,
  hexParam,
  pageSize,
  pricingOrNull,
  sqlTable,
  type Row,
} from "../columns";
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
function toInvoice(row: Row, now: bigint): InvoiceRow {
  const amount = big(row, "amount");
  const paid = big(row, "paid");
  const released = big(row, "released");
  const held = big(row, "held");
  const dueDate = big(row, "dueDate");
  const state = row.state as InvoiceState;
  return {
    id: big(row, "id"),
    merchant: hex(row, "merchant"),
    payer: hexOrNull(row, "payer"),
    token: hex(row, "token"),
    arbiter: hexOrNull(row, "arbiter"),
    amount,
    paid,
    released,
    refunded: big(row, "refunded"),
    fees: big(row, "fees"),
    held,
    reference: hex(row, "reference"),
    dueDate,
    disputeWindow: row.disputeWindow as number,
    feeBps: row.feeBps as number,
    paidAt: bigOrNull(row, "paidAt"),
    disputedAt: bigOrNull(row, "disputedAt"),
    disputeTimeoutAt: bigOrNull(row, "disputeTimeoutAt"),
    settlementProposer: hexOrNull(row, "settlementProposer"),
    settlementToMerchant: bigOrNull(row, "settlementToMerchant"),
    status: deriveInvoiceStatus({ state, amount, paid, released, held, dueDate }, now),
    createdBlock: big(row, "createdBlock"),
    createdTimestamp: big(row, "createdTimestamp"),
    createdTxHash: hex(row, "createdTxHash"),
    updatedBlock: big(row, "updatedBlock"),
    updatedTimestamp: big(row, "updatedTimestamp"),
    eventCount: row.eventCount as number,
    pricing: pricingOrNull(row),
  };
}

function toInvoiceEvent(row: Row): InvoiceEventRow {
  return {
    id: row.id as string,
    invoiceId: bigOrNull(row, "invoiceId"),
    kind: row.kind as string,
    actor: hexOrNull(row, "actor"),
    token: hexOrNull(row, "token"),
    amount: bigOrNull(row, "amount"),
    toMerchant: bigOrNull(row, "toMerchant"),
    toPayer: bigOrNull(row, "toPayer"),
    fee: bigOrNull(row, "fee"),
    // A json column: JSON text (core/index-schema).
    args: JSON.parse(row.args as string) as Record<string, unknown>,
    txHash: hex(row, "txHash"),
    logIndex: row.logIndex as number,
    blockNumber: big(row, "blockNumber"),
    timestamp: big(row, "timestamp"),
  };
}

/** Invoice `id` at time `now`, or undefined when there is no such invoice. */
export function invoiceById(db: Queryable, id: bigint, now: bigint): InvoiceRow | undefined {
  const row = db.get(`SELECT * FROM ${INVOICE} WHERE id = ?`, [bigintParam(id)]);
  return row ? toInvoice(row, now) : undefined;
}

/** The latest invoice created with reference hash `reference`, at time `now`, or undefined. */
export function invoiceByReference(db: Queryable, reference: string, now: bigint): InvoiceRow | undefined {
  const row = db.get(`SELECT * FROM ${INVOICE} WHERE reference = ? ORDER BY id DESC LIMIT 1`, [hexParam(reference, "reference", 32)]);
  return row ? toInvoice(row, now) : undefined;
}

/**
 * Invoices of `account` as merchant, payer or either, newest first by default, with cursor pagination (the id) and
 * filters (status at time `now`, token, creation time).
 */
export function invoicesByAccount(db: Queryable, account: string, query: InvoiceQuery, now: bigint): Page<InvoiceRow> {
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
    params.push(bigintParam(now), ...query.status);
  }
  if (query.token !== undefined) {
    where.push(`token = ?`);
    params.push(addressParam(query.token, "token"));
  }
  if (query.fromTimestamp !== undefined) {
    where.push(`"createdTimestamp" >= ?`);
    params.push(bigintParam(query.fromTimestamp));
  }
  if (query.toTimestamp !== undefined) {
    where.push(`"createdTimestamp" < ?`);
    params.push(bigintParam(query.toTimestamp));
  }
  if (query.cursor !== undefined) {
    where.push(desc ? `id < ?` : `id > ?`);
    params.push(bigintParam(decimalCursor(query.cursor)));
  }
  const sql = `SELECT * FROM ${INVOICE} WHERE ${where.join(" AND ")} ORDER BY id ${desc ? "DESC" : "ASC"} LIMIT ?`;
  const rows = db.all(sql, [...params, limit + 1]).map((row) => toInvoice(row, now));
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id.toString() : null };
}

/** Every event of invoice `id`, in chain order. */
export function invoiceEvents(db: Queryable, id: bigint): InvoiceEventRow[] {
  return db
    .all(`SELECT * FROM ${INVOICE_EVENT} WHERE "invoiceId" = ? ORDER BY "blockNumber", "logIndex"`, [bigintParam(id)])
    .map(toInvoiceEvent);
}

/**
 * Every event of an invoice (escrow-wide events left out) in blocks `fromBlock` to `toBlock` inclusive, in chain
 * order: what the webhook poller scans.
 */
export function invoiceEventsInBlocks(db: Queryable, fromBlock: bigint, toBlock: bigint): InvoiceEventRow[] {
  return db
    .all(
      `SELECT * FROM ${INVOICE_EVENT} WHERE "blockNumber" >= ? AND "blockNumber" <= ? AND "invoiceId" IS NOT NULL ORDER BY "blockNumber", "logIndex"`,
      [bigintParam(fromBlock), bigintParam(toBlock)],
    )
    .map(toInvoiceEvent);
}
