import type {
  HistoryQueryLike,
  HistoryRowLike,
  IndexReaderLike,
  InvoiceEventRowLike,
  InvoiceQueryLike,
  InvoiceRowLike,
  PageLike,
  StakeRowLike,
} from "../../api/lib/index-source";
import { IndexNotReadyError } from "../../api/lib/index-source";

/** An in-memory index with the reader's semantics (ids sort in chain order, cursor = last id). */
export class FakeIndex implements IndexReaderLike {
  ready = true;
  head: { number: bigint; timestamp: bigint } | null = { number: 0n, timestamp: 0n };
  history: HistoryRowLike[] = [];
  stakes = new Map<string, StakeRowLike>();
  invoices = new Map<bigint, InvoiceRowLike>();
  events: InvoiceEventRowLike[] = [];

  private check() {
    if (!this.ready) throw new IndexNotReadyError("building");
  }
  status() {
    return { ready: this.ready, block: this.head };
  }
  historyByAccount(account: string, q: HistoryQueryLike = {}): PageLike<HistoryRowLike> {
    this.check();
    const limit = q.limit ?? 50;
    const desc = (q.order ?? "desc") === "desc";
    let rows = this.history.filter(
      (r) =>
        r.account === account.toLowerCase() &&
        (!q.kinds?.length || q.kinds.includes(r.kind)) &&
        (q.token === undefined || r.token === q.token.toLowerCase()) &&
        (q.invoiceId === undefined || r.invoiceId === q.invoiceId) &&
        (q.fromTimestamp === undefined || r.timestamp >= q.fromTimestamp) &&
        (q.toTimestamp === undefined || r.timestamp < q.toTimestamp) &&
        (q.cursor === undefined || (desc ? r.id < q.cursor : r.id > q.cursor)),
    );
    rows = rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    if (desc) rows.reverse();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }
  historyByTxHash(txHash: string) {
    this.check();
    return this.history.filter((r) => r.txHash === txHash.toLowerCase());
  }
  account() {
    this.check();
    return undefined;
  }
  stake(account: string) {
    this.check();
    return this.stakes.get(account.toLowerCase());
  }
  invoice(id: bigint) {
    this.check();
    return this.invoices.get(id);
  }
  invoiceByReference(reference: string) {
    this.check();
    return [...this.invoices.values()].find((i) => i.reference === reference.toLowerCase());
  }
  invoicesByAccount(account: string, q: InvoiceQueryLike = {}): PageLike<InvoiceRowLike> {
    this.check();
    const a = account.toLowerCase();
    const limit = q.limit ?? 50;
    const rows = [...this.invoices.values()]
      .filter(
        (i) =>
          (q.role === "merchant" ? i.merchant === a : q.role === "payer" ? i.payer === a : i.merchant === a || i.payer === a) &&
          (!q.status?.length || q.status.includes(i.status)) &&
          (q.token === undefined || i.token === q.token.toLowerCase()) &&
          (q.fromTimestamp === undefined || i.createdTimestamp >= q.fromTimestamp) &&
          (q.toTimestamp === undefined || i.createdTimestamp < q.toTimestamp) &&
          (q.cursor === undefined || i.id < BigInt(q.cursor)),
      )
      .sort((x, y) => (x.id < y.id ? 1 : -1));
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id.toString() : null };
  }
  invoiceEvents(id: bigint) {
    this.check();
    return this.events.filter((e) => e.invoiceId === id);
  }
  close() {}
}

/** A history row with defaults. */
export function historyRow(n: number, over: Partial<HistoryRowLike> = {}): HistoryRowLike {
  return {
    id: String(n).padStart(12, "0"),
    account: "0x0000000000000000000000000000000000000001",
    counterparty: null,
    kind: "transfer_in",
    token: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
    amount: 10n ** 18n,
    invoiceId: null,
    txHash: `0x${n.toString(16).padStart(64, "0")}`,
    logIndex: 0,
    blockNumber: BigInt(n),
    timestamp: BigInt(1_700_000_000 + n),
    ...over,
  };
}
