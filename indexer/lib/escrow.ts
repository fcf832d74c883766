/** Shared by the PaymentEscrow handlers (indexer/src/PaymentEscrow.ts, indexer/src/EscrowBooks.ts): event rows, invoice updates, credits. */
import type { Address, Hex } from "viem";
import { ZERO_ADDRESS } from "../../core/address";
import { deriveInvoiceStatus, type InvoiceState, type InvoiceStatus } from "../../core/invoice/status";
import { rowId, type EventPosition, type Pricing, type Store } from "./history";
/** An escrow event as the handlers see it: its position and its arguments. */
export type EscrowEvent = EventPosition & { args: Record<string, unknown>; log: { address: Address } };

/** Columns of an Invoice row that handlers change. */
export interface InvoiceChange {
  payer?: Address;
  paid?: bigint;
  released?: bigint;
  refunded?: bigint;
  fees?: bigint;
  paidAt?: bigint | undefined;
  disputedAt?: bigint;
  disputeTimeoutAt?: bigint;
  settlementProposer?: Address | undefined;
  settlementToMerchant?: bigint | undefined;
  state?: InvoiceState;
  /** Set by the pricing events (EscrowPricing.ts): a priced invoice's amount and token change with its payment. */
  amount?: bigint;
  token?: Address;
  currency?: string;
  price?: bigint;
  rateAnswer?: bigint;
  rateDecimals?: number;
  rateRoundId?: bigint;
}

/** The Invoice row after an update: what the handlers need of it. */
interface InvoiceAfter {
  merchant: Hex;
  payer?: Hex | null;
  token: Hex;
  amount: bigint;
  currency?: string | null;
  price?: bigint | null;
  rateAnswer?: bigint | null;
  rateDecimals?: number | null;
  rateRoundId?: bigint | null;
}

/** The History pricing of an invoice row: its currency and price, and its payment's rate once paid; none if unpriced. */
export function pricingOf(invoice: InvoiceAfter): Pricing | undefined {
  const { currency, price, rateAnswer, rateDecimals, rateRoundId } = invoice;
  if (!currency || price === null || price === undefined) return undefined;
  return { currency, price, rateAnswer: rateAnswer ?? undefined, rateDecimals: rateDecimals ?? undefined, rateRoundId: rateRoundId ?? undefined };
}

/** Event arguments as JSON (bigints as decimal strings) for InvoiceEvent.args. */
function jsonArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) out[key] = typeof value === "bigint" ? value.toString() : value;
  return out;
}

/** Writes the InvoiceEvent row of `event`. */
export async function recordEscrowEvent(
  store: Store,
  event: EscrowEvent,
  kind: string,
  columns: { invoiceId?: bigint; actor?: Address; token?: Address; amount?: bigint; toMerchant?: bigint; toPayer?: bigint; fee?: bigint },
): Promise<void> {
  await store.db.InvoiceEvent.create({
    id: rowId(store, event.log.id),
    data: {
      chainId: store.network.chainId,
      ...columns,
      kind,
      args: jsonArgs(event.args),
      txHash: event.log.transactionHash,
      blockNumber: event.block.number,
      logIndex: event.log.logIndex,
      timestamp: event.block.timestamp,
    },
  });
}

/** Moves one invoice from status `from` to `to` in InvoiceStatusCount. */
export async function countStatus(store: Store, from: InvoiceStatus | undefined, to: InvoiceStatus): Promise<void> {
  if (from === to) return;
  const { db } = store;
  if (from) await db.InvoiceStatusCount.update({ id: rowId(store, from), data: ({ current }) => ({ count: current.count - 1 }) });
  await db.InvoiceStatusCount.upsert({
    id: rowId(store, to),
    create: { chainId: store.network.chainId, status: to, count: 1 },
    update: ({ current }) => ({ count: current.count + 1 }),
  });
}

/**
 * Applies `change` to invoice `id`, then recomputes what derives from it (held, status), the
 * update time and the event count, and keeps InvoiceStatusCount in step.
 */
export async function updateInvoice(store: Store, event: EscrowEvent, id: bigint, change: InvoiceChange): Promise<InvoiceAfter> {
  let before: InvoiceStatus | undefined;
  const after = await store.db.Invoice.update({
    id: rowId(store, id),
    data: ({ current }) => {
      before = current.status;
      const next = { ...current, ...change };
      const held = next.paid - next.released - next.refunded;
      const status = deriveInvoiceStatus({ ...next, state: next.state as InvoiceState, held }, event.block.timestamp);
      return {
        ...change,
        held,
        status,
        updatedBlock: event.block.number,
        updatedTimestamp: event.block.timestamp,
        eventCount: current.eventCount + 1,
      };
    },
  });
  await countStatus(store, before, after.status);
  return after;
}

/** Adds `amount` of `token` to the escrow credit of `account`. */
export async function credit(store: Store, event: EscrowEvent, account: Address, token: Address, amount: bigint): Promise<void> {
  await store.db.EscrowCredit.upsert({
    id: creditId(store, account, token),
    create: { chainId: store.network.chainId, account, token, balance: amount, credited: amount, withdrawn: 0n, updatedBlock: event.block.number },
    update: ({ current }) => ({ balance: current.balance + amount, credited: current.credited + amount, updatedBlock: event.block.number }),
  });
}

/** The EscrowCredit id of `account`'s credit in `token`. */
export function creditId(store: Store, account: Address, token: Address): string {
  return rowId(store, `${account}-${token}`);
}

/** Optional address: the zero address means none. */
export const orNone = (address: Address): Address | undefined => (address === ZERO_ADDRESS ? undefined : address);
