import { ponder } from "@/generated";
import type { Address, Hex } from "viem";
import { ZERO_ADDRESS } from "../../core/address";
import { deriveInvoiceStatus, type InvoiceState, type InvoiceStatus } from "../../core/invoice/status";
import { addTokenStats, recordHistory, type Db, type EventPosition, type HistoryEntry } from "../lib/history";

/** An escrow event as the handlers see it: its position and its arguments. */
type EscrowEvent = EventPosition & { args: Record<string, unknown>; log: { address: Address } };

/** Columns of an Invoice row that handlers change. */
interface InvoiceChange {
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
}

/** The Invoice row after an update: what the handlers need of it. */
interface InvoiceAfter {
  merchant: Hex;
  payer?: Hex | null;
  token: Hex;
  amount: bigint;
}

/** Event arguments as JSON (bigints as decimal strings) for InvoiceEvent.args. */
function jsonArgs(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) out[key] = typeof value === "bigint" ? value.toString() : value;
  return out;
}

/** Writes the InvoiceEvent row of `event`. */
async function recordEscrowEvent(
  db: Db,
  event: EscrowEvent,
  kind: string,
  columns: { invoiceId?: bigint; actor?: Address; token?: Address; amount?: bigint; toMerchant?: bigint; toPayer?: bigint; fee?: bigint },
): Promise<void> {
  await db.InvoiceEvent.create({
    id: event.log.id,
    data: {
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
async function countStatus(db: Db, from: InvoiceStatus | undefined, to: InvoiceStatus): Promise<void> {
  if (from === to) return;
  if (from) await db.InvoiceStatusCount.update({ id: from, data: ({ current }) => ({ count: current.count - 1 }) });
  await db.InvoiceStatusCount.upsert({ id: to, create: { count: 1 }, update: ({ current }) => ({ count: current.count + 1 }) });
}

/**
 * Applies `change` to invoice `id`, then recomputes what derives from it (held, status), the
 * update time and the event count, and keeps InvoiceStatusCount in step.
 */
async function updateInvoice(db: Db, event: EscrowEvent, id: bigint, change: InvoiceChange): Promise<InvoiceAfter> {
  let before: InvoiceStatus | undefined;
  const after = await db.Invoice.update({
    id,
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
  await countStatus(db, before, after.status);
  return after;
}

/** Adds `amount` of `token` to the escrow credit of `account`. */
async function credit(db: Db, event: EscrowEvent, account: Address, token: Address, amount: bigint): Promise<void> {
  await db.EscrowCredit.upsert({
    id: `${account.toLowerCase()}-${token.toLowerCase()}`,
    create: { account, token, balance: amount, credited: amount, withdrawn: 0n, updatedBlock: event.block.number },
    update: ({ current }) => ({ balance: current.balance + amount, credited: current.credited + amount, updatedBlock: event.block.number }),
  });
}

/** Optional address: the zero address means none. */
const orNone = (address: Address): Address | undefined => (address === ZERO_ADDRESS ? undefined : address);

ponder.on("PaymentEscrow:InvoiceCreated", async ({ event, context }) => {
  const { id, merchant, payer, token, amount, dueDate, disputeWindow, arbiter, referenceHash, feeBps } = event.args;
  const fields = { amount, paid: 0n, released: 0n, refunded: 0n, held: 0n, dueDate, state: "open" as const };
  const status = deriveInvoiceStatus(fields, event.block.timestamp);
  await context.db.Invoice.create({
    id,
    data: {
      ...fields,
      merchant,
      payer: orNone(payer),
      token,
      arbiter: orNone(arbiter),
      fees: 0n,
      reference: referenceHash,
      disputeWindow,
      feeBps,
      status,
      createdBlock: event.block.number,
      createdTimestamp: event.block.timestamp,
      createdTxHash: event.log.transactionHash,
      updatedBlock: event.block.number,
      updatedTimestamp: event.block.timestamp,
      eventCount: 1,
    },
  });
  await countStatus(context.db, undefined, status);
  await recordEscrowEvent(context.db, event, "InvoiceCreated", { invoiceId: id, actor: merchant, token, amount });
  await recordHistory(context.db, event, [
    { account: merchant, counterparty: orNone(payer), kind: "invoice_created", token, amount, invoiceId: id, counter: "invoicesCreated" },
    { account: payer, counterparty: merchant, kind: "invoice_created", token, amount, invoiceId: id },
  ]);
});

ponder.on("PaymentEscrow:InvoicePaid", async ({ event, context }) => {
  const { id, payer, token, amount, totalPaid } = event.args;
  let fullyPaid = false;
  const invoice = await context.db.Invoice.findUnique({ id });
  if (invoice) fullyPaid = totalPaid === invoice.amount;
  const after = await updateInvoice(context.db, event, id, {
    payer,
    paid: totalPaid,
    paidAt: fullyPaid ? event.block.timestamp : undefined,
  });
  await addTokenStats(context.db, event, token, { escrowLocked: amount, escrowPaid: amount });
  await recordEscrowEvent(context.db, event, "InvoicePaid", { invoiceId: id, actor: payer, token, amount });
  await recordHistory(context.db, event, [
    { account: payer, counterparty: after.merchant, kind: "invoice_paid", token, amount, invoiceId: id, counter: "paymentsMade" },
    { account: after.merchant, counterparty: payer, kind: "invoice_paid", token, amount, invoiceId: id },
  ]);
});

/** InvoiceReleased and InvoiceClaimed: `toMerchant` (gross) leaves the held funds; `fee` of it accrues to the protocol. */
async function payMerchant(
  db: Db,
  event: EscrowEvent,
  kind: "InvoiceReleased" | "InvoiceClaimed",
  args: { id: bigint; payer: Address; merchant: Address; token: Address; toMerchant: bigint; fee: bigint },
): Promise<void> {
  const { id, payer, merchant, token, toMerchant, fee } = args;
  const invoice = await db.Invoice.findUnique({ id });
  if (!invoice) throw new Error(`${kind} for unknown invoice ${id}`);
  await updateInvoice(db, event, id, { released: invoice.released + toMerchant, fees: invoice.fees + fee });
  await addTokenStats(db, event, token, { escrowLocked: -toMerchant, feesAccrued: fee, feesEarned: fee });
  const actor = kind === "InvoiceReleased" ? payer : merchant;
  await recordEscrowEvent(db, event, kind, { invoiceId: id, actor, token, amount: toMerchant, toMerchant, fee });
  const history = kind === "InvoiceReleased" ? "released" : "claimed";
  await recordHistory(db, event, [
    { account: actor, counterparty: actor === payer ? merchant : payer, kind: history, token, amount: toMerchant, fee, invoiceId: id },
    { account: actor === payer ? merchant : payer, counterparty: actor, kind: history, token, amount: toMerchant, fee, invoiceId: id },
  ]);
}

ponder.on("PaymentEscrow:InvoiceReleased", async ({ event, context }) => {
  await payMerchant(context.db, event, "InvoiceReleased", event.args);
});

ponder.on("PaymentEscrow:InvoiceClaimed", async ({ event, context }) => {
  await payMerchant(context.db, event, "InvoiceClaimed", event.args);
});

ponder.on("PaymentEscrow:InvoiceRefunded", async ({ event, context }) => {
  const { id, merchant, payer, token, toPayer, held } = event.args;
  const invoice = await context.db.Invoice.findUnique({ id });
  if (!invoice) throw new Error(`InvoiceRefunded for unknown invoice ${id}`);
  // Refunding everything held closes an invoice that was not fully paid.
  const closes = held === 0n && invoice.paid !== invoice.amount;
  await updateInvoice(context.db, event, id, { refunded: invoice.refunded + toPayer, ...(closes ? { state: "refunded" } : {}) });
  await addTokenStats(context.db, event, token, { escrowLocked: -toPayer });
  await recordEscrowEvent(context.db, event, "InvoiceRefunded", { invoiceId: id, actor: merchant, token, amount: toPayer, toPayer });
  await recordHistory(context.db, event, [
    { account: merchant, counterparty: payer, kind: "refunded", token, amount: toPayer, invoiceId: id },
    { account: payer, counterparty: merchant, kind: "refunded", token, amount: toPayer, invoiceId: id },
  ]);
});

ponder.on("PaymentEscrow:InvoiceReclaimed", async ({ event, context }) => {
  const { id, payer, merchant, token, toPayer } = event.args;
  const invoice = await context.db.Invoice.findUnique({ id });
  if (!invoice) throw new Error(`InvoiceReclaimed for unknown invoice ${id}`);
  // A reclaim closes the invoice, after expiry as after a timed-out dispute.
  await updateInvoice(context.db, event, id, { refunded: invoice.refunded + toPayer, state: "refunded" });
  await addTokenStats(context.db, event, token, { escrowLocked: -toPayer });
  await recordEscrowEvent(context.db, event, "InvoiceReclaimed", { invoiceId: id, actor: payer, token, amount: toPayer, toPayer });
  await recordHistory(context.db, event, [
    { account: payer, counterparty: merchant, kind: "reclaimed", token, amount: toPayer, invoiceId: id },
    { account: merchant, counterparty: payer, kind: "reclaimed", token, amount: toPayer, invoiceId: id },
  ]);
});

ponder.on("PaymentEscrow:InvoiceCancelled", async ({ event, context }) => {
  const { id, merchant } = event.args;
  const after = await updateInvoice(context.db, event, id, { state: "cancelled" });
  await recordEscrowEvent(context.db, event, "InvoiceCancelled", {
    invoiceId: id,
    actor: merchant,
    token: after.token,
    amount: after.amount,
  });
  const payer = after.payer ?? undefined;
  await recordHistory(context.db, event, [
    { account: merchant, counterparty: payer, kind: "cancelled", token: after.token, amount: after.amount, invoiceId: id },
    ...(payer
      ? [{ account: payer, counterparty: merchant, kind: "cancelled" as const, token: after.token, amount: after.amount, invoiceId: id }]
      : []),
  ]);
});

ponder.on("PaymentEscrow:InvoiceDisputed", async ({ event, context }) => {
  const { id, payer, merchant, arbiter, held, timeoutAt } = event.args;
  const after = await updateInvoice(context.db, event, id, {
    state: "disputed",
    disputedAt: event.block.timestamp,
    disputeTimeoutAt: timeoutAt,
    settlementProposer: undefined,
    settlementToMerchant: undefined,
  });
  await recordEscrowEvent(context.db, event, "InvoiceDisputed", { invoiceId: id, actor: payer, token: after.token, amount: held });
  await recordHistory(context.db, event, [
    { account: payer, counterparty: merchant, kind: "disputed", token: after.token, amount: held, invoiceId: id },
    { account: merchant, counterparty: payer, kind: "disputed", token: after.token, amount: held, invoiceId: id },
    { account: arbiter, counterparty: payer, kind: "disputed", token: after.token, amount: held, invoiceId: id },
  ]);
});

/** InvoiceResolved and InvoiceSettled: the disputed funds are split, the fee taken from the merchant's part. */
async function split(
  db: Db,
  event: EscrowEvent,
  kind: "InvoiceResolved" | "InvoiceSettled",
  args: { id: bigint; actor: Address; merchant: Address; payer: Address; token: Address; toMerchant: bigint; fee: bigint; toPayer: bigint },
): Promise<HistoryEntry[]> {
  const { id, actor, merchant, payer, token, toMerchant, fee, toPayer } = args;
  const invoice = await db.Invoice.findUnique({ id });
  if (!invoice) throw new Error(`${kind} for unknown invoice ${id}`);
  await updateInvoice(db, event, id, {
    released: invoice.released + toMerchant,
    refunded: invoice.refunded + toPayer,
    fees: invoice.fees + fee,
    state: "resolved",
  });
  await addTokenStats(db, event, token, { escrowLocked: -(toMerchant + toPayer), feesAccrued: fee, feesEarned: fee });
  await recordEscrowEvent(db, event, kind, { invoiceId: id, actor, token, amount: toMerchant + toPayer, toMerchant, toPayer, fee });
  const history = kind === "InvoiceResolved" ? "resolved" : "settled";
  return [
    { account: merchant, counterparty: payer, kind: history, token, amount: toMerchant, fee, invoiceId: id },
    { account: payer, counterparty: merchant, kind: history, token, amount: toPayer, invoiceId: id },
  ];
}

ponder.on("PaymentEscrow:InvoiceResolved", async ({ event, context }) => {
  const { id, arbiter, merchant, payer, token, toMerchant, fee, toPayer } = event.args;
  const rows = await split(context.db, event, "InvoiceResolved", { id, actor: arbiter, merchant, payer, token, toMerchant, fee, toPayer });
  await recordHistory(context.db, event, [
    { account: arbiter, counterparty: merchant, kind: "resolved", token, amount: toMerchant + toPayer, invoiceId: id },
    ...rows,
  ]);
});

ponder.on("PaymentEscrow:InvoiceSettled", async ({ event, context }) => {
  const { id, acceptedBy, merchant, payer, token, toMerchant, fee, toPayer } = event.args;
  const rows = await split(context.db, event, "InvoiceSettled", {
    id,
    actor: acceptedBy,
    merchant,
    payer,
    token,
    toMerchant,
    fee,
    toPayer,
  });
  await recordHistory(context.db, event, rows);
});

ponder.on("PaymentEscrow:SettlementProposed", async ({ event, context }) => {
  const { id, proposer, toMerchant, toPayer } = event.args;
  const after = await updateInvoice(context.db, event, id, { settlementProposer: proposer, settlementToMerchant: toMerchant });
  await recordEscrowEvent(context.db, event, "SettlementProposed", {
    invoiceId: id,
    actor: proposer,
    token: after.token,
    toMerchant,
    toPayer,
  });
  const payer = after.payer ?? ZERO_ADDRESS;
  await recordHistory(context.db, event, [
    { account: after.merchant, counterparty: payer, kind: "settlement_proposed", token: after.token, amount: toMerchant, invoiceId: id },
    { account: payer, counterparty: after.merchant, kind: "settlement_proposed", token: after.token, amount: toPayer, invoiceId: id },
  ]);
});

ponder.on("PaymentEscrow:PayoutCredited", async ({ event, context }) => {
  const { id, account, token, amount } = event.args;
  await credit(context.db, event, account, token, amount);
  // The payout already left the invoice's held funds: it now waits as a credit.
  await addTokenStats(context.db, event, token, { escrowCredits: amount });
  await recordEscrowEvent(context.db, event, "PayoutCredited", { invoiceId: id, actor: account, token, amount });
  await recordHistory(context.db, event, [{ account, kind: "credited", token, amount, invoiceId: id }]);
});

ponder.on("PaymentEscrow:Withdrawn", async ({ event, context }) => {
  const { account, token, to, amount } = event.args;
  await context.db.EscrowCredit.update({
    id: `${account.toLowerCase()}-${token.toLowerCase()}`,
    data: ({ current }) => ({ balance: current.balance - amount, withdrawn: current.withdrawn + amount, updatedBlock: event.block.number }),
  });
  await addTokenStats(context.db, event, token, { escrowCredits: -amount });
  await recordEscrowEvent(context.db, event, "Withdrawn", { actor: account, token, amount });
  await recordHistory(context.db, event, [
    { account, counterparty: to, kind: "credit_withdrawn", token, amount },
    ...(to.toLowerCase() !== account.toLowerCase()
      ? [{ account: to, counterparty: account, kind: "credit_withdrawn" as const, token, amount }]
      : []),
  ]);
});

ponder.on("PaymentEscrow:FeeBpsUpdated", async ({ event, context }) => {
  const { newFeeBps } = event.args;
  await context.db.EscrowSetting.upsert({
    id: event.log.address,
    create: { feeBps: newFeeBps, feeRecipient: ZERO_ADDRESS, allowlistEnabled: false, updatedBlock: event.block.number },
    update: { feeBps: newFeeBps, updatedBlock: event.block.number },
  });
  await recordEscrowEvent(context.db, event, "FeeBpsUpdated", { amount: BigInt(newFeeBps) });
});

ponder.on("PaymentEscrow:FeeRecipientUpdated", async ({ event, context }) => {
  const { newRecipient } = event.args;
  await context.db.EscrowSetting.upsert({
    id: event.log.address,
    create: { feeBps: 0, feeRecipient: newRecipient, allowlistEnabled: false, updatedBlock: event.block.number },
    update: { feeRecipient: newRecipient, updatedBlock: event.block.number },
  });
  await recordEscrowEvent(context.db, event, "FeeRecipientUpdated", { actor: newRecipient });
});

ponder.on("PaymentEscrow:FeesCollected", async ({ event, context }) => {
  const { recipient, token, amount } = event.args;
  await addTokenStats(context.db, event, token, { feesAccrued: -amount });
  await recordEscrowEvent(context.db, event, "FeesCollected", { actor: recipient, token, amount });
  await recordHistory(context.db, event, [{ account: recipient, counterparty: event.log.address, kind: "fees_collected", token, amount }]);
});

ponder.on("PaymentEscrow:Swept", async ({ event, context }) => {
  const { sweeper, token, to, amount } = event.args;
  await addTokenStats(context.db, event, token, { swept: amount });
  await recordEscrowEvent(context.db, event, "Swept", { actor: sweeper, token, amount });
  await recordHistory(context.db, event, [
    { account: to, counterparty: sweeper, kind: "swept", token, amount },
    ...(to.toLowerCase() !== sweeper.toLowerCase() ? [{ account: sweeper, counterparty: to, kind: "swept" as const, token, amount }] : []),
  ]);
});

ponder.on("PaymentEscrow:TokenAllowed", async ({ event, context }) => {
  const { token, allowed } = event.args;
  await context.db.EscrowToken.upsert({
    id: token,
    create: { allowed, updatedBlock: event.block.number },
    update: { allowed, updatedBlock: event.block.number },
  });
  await recordEscrowEvent(context.db, event, "TokenAllowed", { token });
});

ponder.on("PaymentEscrow:AllowlistEnabled", async ({ event, context }) => {
  const { enabled } = event.args;
  await context.db.EscrowSetting.upsert({
    id: event.log.address,
    create: { feeBps: 0, feeRecipient: ZERO_ADDRESS, allowlistEnabled: enabled, updatedBlock: event.block.number },
    update: { allowlistEnabled: enabled, updatedBlock: event.block.number },
  });
  await recordEscrowEvent(context.db, event, "AllowlistEnabled", {});
});

ponder.on("PaymentEscrow:RelayedPaymentSubmitted", async ({ event, context }) => {
  const { id, relayer } = event.args;
  // The payment itself is the InvoicePaid just before: this records who relayed it.
  const after = await updateInvoice(context.db, event, id, {});
  await recordEscrowEvent(context.db, event, "RelayedPaymentSubmitted", { invoiceId: id, actor: relayer, token: after.token });
});

ponder.on("PaymentEscrow:RelayNonceCancelled", async ({ event, context }) => {
  await recordEscrowEvent(context.db, event, "RelayNonceCancelled", { actor: event.args.payer });
});
