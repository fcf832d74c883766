/**
 * An invoice's status at the indexed head, in SQL. The indexer stores the status as of the invoice's last event; an
 * open or part-paid invoice whose due date has passed since then is expired without an event. The TypeScript side
 * derives a row's status with core's deriveInvoiceStatus; filters and counts need the same rule in SQL, and this
 * module writes it from core's derivation (checked against it, case by case, by test/api/index-status.test.ts).
 */
import { deriveInvoiceStatus, type InvoiceStatus } from "../../../core/invoice/status";

/** Core's status of an invoice that is open on chain, with `paid` of 2 paid, due at time 1, at time `now`. */
const unsettledStatus = (paid: bigint, now: bigint): InvoiceStatus =>
  deriveInvoiceStatus({ state: "open", amount: 2n, paid, released: 0n, held: paid, dueDate: 1n }, now);

/** The statuses an invoice leaves for {@link EXPIRED_STATUS} when its due date passes: unpaid and part-paid, before it. */
const EXPIRING: readonly InvoiceStatus[] = [unsettledStatus(0n, 1n), unsettledStatus(1n, 1n)];

/** What they become after it (core's expiry rule: strictly after the due date). */
export const EXPIRED_STATUS: InvoiceStatus = unsettledStatus(0n, 2n);

/**
 * SQL condition on an Invoice row: its stored status expires once past due, and the time `now` (SQL: by default the
 * one `?` parameter, an encoded bigint) is after its due date.
 */
export const pastDueSql = (now = "?"): string => `status IN (${EXPIRING.map((status) => `'${status}'`).join(", ")}) AND "dueDate" < ${now}`;

/** SQL expression of an Invoice row's status at time `now` (SQL: by default the one `?` parameter, an encoded bigint). */
export const statusAtSql = (now = "?"): string => `(CASE WHEN ${pastDueSql(now)} THEN '${EXPIRED_STATUS}' ELSE status END)`;

/** {@link statusAtSql} at the time bound to its one `?` parameter. */
export const STATUS_AT_SQL = statusAtSql();

/**
 * "Now" of each chain of the index: the timestamp of its indexed head, what an invoice's status is derived at (a
 * chain's own time: two chains' heads differ).
 */
export class IndexClock {
  /** @param fallback the time of a chain without a head of its own. @param heads each chain's head timestamp. */
  constructor(
    readonly fallback: bigint,
    readonly heads: ReadonlyMap<number, bigint> = new Map(),
  ) {}

  /** Now on chain `chainId`. */
  at(chainId: number): bigint {
    return this.heads.get(chainId) ?? this.fallback;
  }

  /** SQL of now on the chain of the row (its `"chainId"` column), with `literal` making a bigint's SQL literal. */
  sql(literal: (value: bigint) => string): string {
    if (this.heads.size === 0) return literal(this.fallback);
    const whens = [...this.heads].map(([chainId, time]) => `WHEN ${Math.trunc(chainId)} THEN ${literal(time)}`);
    return `(CASE "chainId" ${whens.join(" ")} ELSE ${literal(this.fallback)} END)`;
  }
}
