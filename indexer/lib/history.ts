import type { Context } from "@/generated";
import type { Address, Hex } from "viem";
import { ZERO_ADDRESS } from "../../core/address";
import type { HistoryKind } from "../../core/history";
import { chainScopedId, historyRowId } from "../../core/index-schema";

/** The store handlers write to (`context.db`). */
export type Db = Context["db"];

/** What handlers write with: the store, and the chain of the event (`context` fits). */
export interface Store {
  db: Db;
  network: { chainId: number };
}

/** The id of the row of `key` on the store's chain (core/index-schema's chainScopedId). */
export function rowId(store: Store, key: string | bigint): string {
  return chainScopedId(store.network.chainId, key);
}

/** What handlers need of an event besides its arguments: where it is on the chain. */
export interface EventPosition {
  log: { id: string; logIndex: number; transactionHash: Hex };
  block: { number: bigint; timestamp: bigint };
}

/** An invoice's price in a currency and, once paid, the conversion of its payment (columns of Invoice and History). */
export interface Pricing {
  currency: string;
  price: bigint;
  rateAnswer?: bigint;
  rateDecimals?: number;
  rateRoundId?: bigint;
}

/** Account counters a history row can bump besides `historyCount`. */
export type AccountCounter = "transfersIn" | "transfersOut" | "invoicesCreated" | "paymentsMade" | "stakingActions";

/** One History row to write for one account. */
export interface HistoryEntry {
  account: Address;
  counterparty?: Address;
  kind: HistoryKind;
  /** Token of `amount` (the zero address for ETH). */
  token: Address;
  amount: bigint;
  /** The protocol fee taken from `amount` when it is the merchant's gross payout. */
  fee?: bigint;
  invoiceId?: bigint;
  /** The price of an invoice priced in a currency, and the rate of its payment (History's currency and rate columns). */
  pricing?: Pricing;
  /** Counter of the account to increment along with `historyCount`. */
  counter?: AccountCounter;
}

/**
 * Writes one History row per entry (entries for the zero address are dropped) and brings each
 * entry's Account up to date: first/last seen, `historyCount` and the entry's counter.
 */
export async function recordHistory(store: Store, event: EventPosition, entries: readonly HistoryEntry[]): Promise<void> {
  const rows = entries.filter((entry) => entry.account !== ZERO_ADDRESS);
  if (rows.length === 0) return;
  const { chainId } = store.network;
  const position = { timestamp: event.block.timestamp, blockNumber: event.block.number, logIndex: event.log.logIndex };
  await store.db.History.createMany({
    data: rows.map((entry) => ({
      id: historyRowId(chainId, position, entry.kind, entry.account),
      chainId,
      account: entry.account,
      counterparty: entry.counterparty,
      kind: entry.kind,
      token: entry.token,
      amount: entry.amount,
      fee: entry.fee,
      invoiceId: entry.invoiceId,
      ...entry.pricing,
      txHash: event.log.transactionHash,
      logIndex: event.log.logIndex,
      blockNumber: event.block.number,
      timestamp: event.block.timestamp,
    })),
  });
  for (const entry of rows) await touchAccount(store, event, entry.account, entry.counter);
}

/** Creates or updates the Account of `address` for one more history row at `event`. */
async function touchAccount(store: Store, event: EventPosition, address: Address, counter: AccountCounter | undefined) {
  const { number, timestamp } = event.block;
  await store.db.Account.upsert({
    id: rowId(store, address),
    create: {
      chainId: store.network.chainId,
      address,
      firstSeenBlock: number,
      firstSeenTimestamp: timestamp,
      lastSeenBlock: number,
      lastSeenTimestamp: timestamp,
      historyCount: 1,
      transfersIn: counter === "transfersIn" ? 1 : 0,
      transfersOut: counter === "transfersOut" ? 1 : 0,
      invoicesCreated: counter === "invoicesCreated" ? 1 : 0,
      paymentsMade: counter === "paymentsMade" ? 1 : 0,
      stakingActions: counter === "stakingActions" ? 1 : 0,
    },
    update: ({ current }) => ({
      lastSeenBlock: number,
      lastSeenTimestamp: timestamp,
      historyCount: current.historyCount + 1,
      ...(counter ? { [counter]: current[counter] + 1 } : {}),
    }),
  });
}

/** Columns of TokenStat that hold amounts. */
export type TokenStatColumn =
  | "escrowLocked"
  | "escrowCredits"
  | "escrowPaid"
  | "stakingLocked"
  | "feesEarned"
  | "feesAccrued"
  | "swept"
  | "rewardsFunded"
  | "rewardsPaid";

const ZERO_STATS: Record<TokenStatColumn, bigint> = {
  escrowLocked: 0n,
  escrowCredits: 0n,
  escrowPaid: 0n,
  stakingLocked: 0n,
  feesEarned: 0n,
  feesAccrued: 0n,
  swept: 0n,
  rewardsFunded: 0n,
  rewardsPaid: 0n,
};

/** Adds `delta` to (and then sets `set` on) columns of the TokenStat row of `token`, created at zero first. */
export async function addTokenStats(
  store: Store,
  event: EventPosition,
  token: Address,
  delta: Partial<Record<TokenStatColumn, bigint>>,
  set: Partial<Record<TokenStatColumn, bigint>> = {},
): Promise<void> {
  const apply = (current: Record<TokenStatColumn, bigint>) => {
    const next: Partial<Record<TokenStatColumn, bigint>> = { ...set };
    for (const [column, value] of Object.entries(delta) as [TokenStatColumn, bigint][]) next[column] = current[column] + value;
    return next;
  };
  await store.db.TokenStat.upsert({
    id: rowId(store, token),
    create: { chainId: store.network.chainId, token, ...ZERO_STATS, ...apply(ZERO_STATS), updatedBlock: event.block.number },
    update: ({ current }) => ({ ...apply(current), updatedBlock: event.block.number }),
  });
}

/**
 * Records one ERC-20 Transfer: its TokenTransfer row, and a `transfer_out` row for the sender and a
 * `transfer_in` row for the recipient (none for the zero address of a mint or burn).
 */
export async function recordTransfer(
  store: Store,
  event: EventPosition & { args: { from: Address; to: Address; value: bigint } },
  token: Address,
): Promise<void> {
  const { from, to, value } = event.args;
  await store.db.TokenTransfer.create({
    id: rowId(store, event.log.id),
    data: {
      chainId: store.network.chainId,
      token,
      from,
      to,
      amount: value,
      txHash: event.log.transactionHash,
      blockNumber: event.block.number,
      logIndex: event.log.logIndex,
      timestamp: event.block.timestamp,
    },
  });
  await recordHistory(store, event, [
    { account: from, counterparty: to, kind: "transfer_out", token, amount: value, counter: "transfersOut" },
    { account: to, counterparty: from, kind: "transfer_in", token, amount: value, counter: "transfersIn" },
  ]);
}
