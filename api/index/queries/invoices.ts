/** Queries of the Invoice and InvoiceEvent tables: one invoice, an account's invoices (filtered, paginated), events. */
import { INVOICE_STATUSES, deriveInvoiceStatus, type InvoiceState, type InvoiceStatus } from "../../../core/invoice/status";
import { addressParam, chainIdParam, Columns, hexParam, onChain, pageSize, type Row, sqlTable } from "../columns";
import { IndexQueryError } from "../errors";
import type { InvoiceEventRow, InvoiceRow, Page } from "../rows";
import type { Queryable } from "../source";
import { statusAtSql, type IndexClock } from "./invoice-status";

const INVOICE = sqlTable("Invoice");
const INVOICE_EVENT = sqlTable("InvoiceEvent");

/** Filters of {@link invoicesByAccount}. */
export interface InvoiceQuery {
  /** Invoices of this chain only (default: every chain's). */
  chainId?: number;
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

/** An Invoice row with its status at its chain's time (core's derivation from the stored state and amounts). */
function toInvoice(row: Row, c: Columns, clock: IndexClock): InvoiceRow {
  const chainId = row.chainId as number;
  const amount = c.big(row, "amount");
  const paid = c.big(row, "paid");
  const released = c.big(row, "released");
  const held = c.big(row, "held");
  const dueDate = c.big(row, "dueDate");
  const state = row.state as InvoiceState;
  return {
    chainId,
    id: c.big(row, "invoiceId"),
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
    status: deriveInvoiceStatus({ state, amount, paid, released, held, dueDate }, clock.at(chainId)),
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
    chainId: row.chainId as number,
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

/** Every invoice `id` (of chain `chainId`, or of every chain that has one) at its chain's time, by chain id. */
export async function invoicesById(db: Queryable, id: bigint, clock: IndexClock, chainId?: number): Promise<InvoiceRow[]> {
  const { where, params } = onChain(`"invoiceId" = ?`, [id], chainId);
  return (await db.all(`SELECT * FROM ${INVOICE} WHERE ${where} ORDER BY "chainId"`, params)).map((row) =>
    toInvoice(row, db.columns, clock),
  );
}

/** The latest invoice created with reference hash `reference` (on chain `chainId`, or on any), or undefined. */
export async function invoiceByReference(
  db: Queryable,
  reference: string,
  clock: IndexClock,
  chainId?: number,
): Promise<InvoiceRow | undefined> {
  const { where, params } = onChain(`reference = ?`, [hexParam(reference, "reference", 32)], chainId);
  const row = await db.get(`SELECT * FROM ${INVOICE} WHERE ${where} ORDER BY "createdTimestamp" DESC, "invoiceId" DESC LIMIT 1`, params);
  return row ? toInvoice(row, db.columns, clock) : undefined;
}

/**
 * Invoices of `account` as merchant, payer or either, on every chain or one, highest id first by default, with cursor
 * pagination (the invoice id, and the chain id after a colon when a page ends on another chain than the first) and
 * filters (status at each chain's time, token, creation time).
 */
export async function invoicesByAccount(db: Queryable, account: string, query: InvoiceQuery, clock: IndexClock): Promise<Page<InvoiceRow>> {
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
  if (query.chainId !== undefined) {
    where.push(`"chainId" = ?`);
    params.push(chainIdParam(query.chainId));
  }
  if (query.status && query.status.length > 0) {
    for (const status of query.status) {
      if (!(INVOICE_STATUSES as readonly string[]).includes(status)) throw new IndexQueryError(`unknown invoice status "${status}"`);
    }
    where.push(`${statusAtSql(clock.sql(db.columns.codec.bigintLiteral))} IN (${query.status.map(() => "?").join(", ")})`);
    params.push(...query.status);
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
    const cursor = invoiceCursor(query.cursor);
    where.push(
      desc ? `("invoiceId" < ? OR ("invoiceId" = ? AND "chainId" < ?))` : `("invoiceId" > ? OR ("invoiceId" = ? AND "chainId" > ?))`,
    );
    params.push(cursor.invoiceId, cursor.invoiceId, cursor.chainId ?? (desc ? 0 : Number.MAX_SAFE_INTEGER));
  }
  const order = desc ? "DESC" : "ASC";
  const sql = `SELECT * FROM ${INVOICE} WHERE ${where.join(" AND ")} ORDER BY "invoiceId" ${order}, "chainId" ${order} LIMIT ?`;
  const rows = (await db.all(sql, [...params, limit + 1])).map((row) => toInvoice(row, db.columns, clock));
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? `${last.id}:${last.chainId}` : null };
}

/** An invoice page's cursor: `<invoiceId>:<chainId>` (or a bare invoice id: after every chain's invoice of that id). */
function invoiceCursor(cursor: string): { invoiceId: bigint; chainId?: number } {
  const match = /^([0-9]{1,78})(?::([0-9]{1,15}))?$/.exec(cursor);
  if (!match) throw new IndexQueryError(`cursor must be the nextCursor of a previous page, got "${cursor}"`);
  return { invoiceId: BigInt(match[1]!), chainId: match[2] === undefined ? undefined : Number(match[2]) };
}

/** Every event of invoice `id` (of chain `chainId`, or of every chain with such an invoice), by chain, in chain order. */
export async function invoiceEvents(db: Queryable, id: bigint, chainId?: number): Promise<InvoiceEventRow[]> {
  const { where, params } = onChain(`"invoiceId" = ?`, [id], chainId);
  return (await db.all(`SELECT * FROM ${INVOICE_EVENT} WHERE ${where} ORDER BY "chainId", "blockNumber", "logIndex"`, params)).map((row) =>
    toInvoiceEvent(row, db.columns),
  );
}

/**
 * Every event of an invoice (escrow-wide events left out) in blocks `fromBlock` to `toBlock` inclusive of chain
 * `chainId` (without one: of every chain, by chain), in chain order: what the webhook poller scans.
 */
export async function invoiceEventsInBlocks(
  db: Queryable,
  fromBlock: bigint,
  toBlock: bigint,
  chainId?: number,
): Promise<InvoiceEventRow[]> {
  const { where, params } = onChain(`"blockNumber" >= ? AND "blockNumber" <= ? AND "invoiceId" IS NOT NULL`, [fromBlock, toBlock], chainId);
  return (await db.all(`SELECT * FROM ${INVOICE_EVENT} WHERE ${where} ORDER BY "chainId", "blockNumber", "logIndex"`, params)).map((row) =>
    toInvoiceEvent(row, db.columns),
  );
}
