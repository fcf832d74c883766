import { ponder } from "@/generated";
import type { Address } from "viem";
import { ZERO_ADDRESS } from "../../core/address";
import { deriveInvoiceStatus } from "../../core/invoice/status";
import { countStatus, orNone, pricingOf, recordEscrowEvent, updateInvoice, type EscrowEvent } from "../lib/escrow";
import { addTokenStats, recordHistory, rowId, type HistoryEntry, type Store } from "../lib/history";

// PaymentEscrow's invoice lifecycle; the escrow-wide books (credits, fees, sweeps, settings, relay nonces) are in
// EscrowBooks.ts.

ponder.on("PaymentEscrow:InvoiceCreated", async ({ event, context }) => {
  const { id, merchant, payer, token, amount, dueDate, disputeWindow, arbiter, referenceHash, feeBps } = event.args;
  const fields = { amount, paid: 0n, released: 0n, refunded: 0n, held: 0n, dueDate, state: "open" as const };
  const status = deriveInvoiceStatus(fields, event.block.timestamp);
  await context.db.Invoice.create({
    id: rowId(context, id),
    data: {
      chainId: context.network.chainId,
      invoiceId: id,
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
  await countStatus(context, undefined, status);
  await recordEscrowEvent(context, event, "InvoiceCreated", { invoiceId: id, actor: merchant, token, amount });
  await recordHistory(context, event, [
    { account: merchant, counterparty: orNone(payer), kind: "invoice_created", token, amount, invoiceId: id, counter: "invoicesCreated" },
    { account: payer, counterparty: merchant, kind: "invoice_created", token, amount, invoiceId: id },
  ]);
});

ponder.on("PaymentEscrow:InvoicePaid", async ({ event, context }) => {
  const { id, payer, token, amount, totalPaid } = event.args;
  let fullyPaid = false;
  const invoice = await context.db.Invoice.findUnique({ id: rowId(context, id) });
  if (invoice) fullyPaid = totalPaid === invoice.amount;
  const after = await updateInvoice(context, event, id, {
    payer,
    paid: totalPaid,
    paidAt: fullyPaid ? event.block.timestamp : undefined,
  });
  await addTokenStats(context, event, token, { escrowLocked: amount, escrowPaid: amount });
  await recordEscrowEvent(context, event, "InvoicePaid", { invoiceId: id, actor: payer, token, amount });
  // A priced invoice's one payment follows its InvoicePriced: its rows carry the price and the rate.
  const pricing = pricingOf(after);
  await recordHistory(context, event, [
    { account: payer, counterparty: after.merchant, kind: "invoice_paid", token, amount, invoiceId: id, pricing, counter: "paymentsMade" },
    { account: after.merchant, counterparty: payer, kind: "invoice_paid", token, amount, invoiceId: id, pricing },
  ]);
});

/** InvoiceReleased and InvoiceClaimed: `toMerchant` (gross) leaves the held funds; `fee` of it accrues to the protocol. */
async function payMerchant(
  store: Store,
  event: EscrowEvent,
  kind: "InvoiceReleased" | "InvoiceClaimed",
  args: { id: bigint; payer: Address; merchant: Address; token: Address; toMerchant: bigint; fee: bigint },
): Promise<void> {
  const { id, payer, merchant, token, toMerchant, fee } = args;
  const invoice = await store.db.Invoice.findUnique({ id: rowId(store, id) });
  if (!invoice) throw new Error(`${kind} for unknown invoice ${id}`);
  await updateInvoice(store, event, id, { released: invoice.released + toMerchant, fees: invoice.fees + fee });
  await addTokenStats(store, event, token, { escrowLocked: -toMerchant, feesAccrued: fee, feesEarned: fee });
  const actor = kind === "InvoiceReleased" ? payer : merchant;
  await recordEscrowEvent(store, event, kind, { invoiceId: id, actor, token, amount: toMerchant, toMerchant, fee });
  const history = kind === "InvoiceReleased" ? "released" : "claimed";
  await recordHistory(store, event, [
    { account: actor, counterparty: actor === payer ? merchant : payer, kind: history, token, amount: toMerchant, fee, invoiceId: id },
    { account: actor === payer ? merchant : payer, counterparty: actor, kind: history, token, amount: toMerchant, fee, invoiceId: id },
  ]);
}

ponder.on("PaymentEscrow:InvoiceReleased", async ({ event, context }) => {
  await payMerchant(context, event, "InvoiceReleased", event.args);
});

ponder.on("PaymentEscrow:InvoiceClaimed", async ({ event, context }) => {
  await payMerchant(context, event, "InvoiceClaimed", event.args);
});

ponder.on("PaymentEscrow:InvoiceRefunded", async ({ event, context }) => {
  const { id, merchant, payer, token, toPayer, held } = event.args;
  const invoice = await context.db.Invoice.findUnique({ id: rowId(context, id) });
  if (!invoice) throw new Error(`InvoiceRefunded for unknown invoice ${id}`);
  // Refunding everything held closes an invoice that was not fully paid.
  const closes = held === 0n && invoice.paid !== invoice.amount;
  await updateInvoice(context, event, id, { refunded: invoice.refunded + toPayer, ...(closes ? { state: "refunded" } : {}) });
  await addTokenStats(context, event, token, { escrowLocked: -toPayer });
  await recordEscrowEvent(context, event, "InvoiceRefunded", { invoiceId: id, actor: merchant, token, amount: toPayer, toPayer });
  await recordHistory(context, event, [
    { account: merchant, counterparty: payer, kind: "refunded", token, amount: toPayer, invoiceId: id },
    { account: payer, counterparty: merchant, kind: "refunded", token, amount: toPayer, invoiceId: id },
  ]);
});

ponder.on("PaymentEscrow:InvoiceReclaimed", async ({ event, context }) => {
  const { id, payer, merchant, token, toPayer } = event.args;
  const invoice = await context.db.Invoice.findUnique({ id: rowId(context, id) });
  if (!invoice) throw new Error(`InvoiceReclaimed for unknown invoice ${id}`);
  // A reclaim closes the invoice, after expiry as after a timed-out dispute.
  await updateInvoice(context, event, id, { refunded: invoice.refunded + toPayer, state: "refunded" });
  await addTokenStats(context, event, token, { escrowLocked: -toPayer });
  await recordEscrowEvent(context, event, "InvoiceReclaimed", { invoiceId: id, actor: payer, token, amount: toPayer, toPayer });
  await recordHistory(context, event, [
    { account: payer, counterparty: merchant, kind: "reclaimed", token, amount: toPayer, invoiceId: id },
    { account: merchant, counterparty: payer, kind: "reclaimed", token, amount: toPayer, invoiceId: id },
  ]);
});

ponder.on("PaymentEscrow:InvoiceCancelled", async ({ event, context }) => {
  const { id, merchant } = event.args;
  const after = await updateInvoice(context, event, id, { state: "cancelled" });
  await recordEscrowEvent(context, event, "InvoiceCancelled", {
    invoiceId: id,
    actor: merchant,
    token: after.token,
    amount: after.amount,
  });
  const payer = after.payer ?? undefined;
  await recordHistory(context, event, [
    { account: merchant, counterparty: payer, kind: "cancelled", token: after.token, amount: after.amount, invoiceId: id },
    ...(payer
      ? [{ account: payer, counterparty: merchant, kind: "cancelled" as const, token: after.token, amount: after.amount, invoiceId: id }]
      : []),
  ]);
});

ponder.on("PaymentEscrow:InvoiceDisputed", async ({ event, context }) => {
  const { id, payer, merchant, arbiter, held, timeoutAt } = event.args;
  const after = await updateInvoice(context, event, id, {
    state: "disputed",
    disputedAt: event.block.timestamp,
    disputeTimeoutAt: timeoutAt,
    settlementProposer: undefined,
    settlementToMerchant: undefined,
  });
  await recordEscrowEvent(context, event, "InvoiceDisputed", { invoiceId: id, actor: payer, token: after.token, amount: held });
  await recordHistory(context, event, [
    { account: payer, counterparty: merchant, kind: "disputed", token: after.token, amount: held, invoiceId: id },
    { account: merchant, counterparty: payer, kind: "disputed", token: after.token, amount: held, invoiceId: id },
    { account: arbiter, counterparty: payer, kind: "disputed", token: after.token, amount: held, invoiceId: id },
  ]);
});

/** InvoiceResolved and InvoiceSettled: the disputed funds are split, the fee taken from the merchant's part. */
async function split(
  store: Store,
  event: EscrowEvent,
  kind: "InvoiceResolved" | "InvoiceSettled",
  args: { id: bigint; actor: Address; merchant: Address; payer: Address; token: Address; toMerchant: bigint; fee: bigint; toPayer: bigint },
): Promise<HistoryEntry[]> {
  const { id, actor, merchant, payer, token, toMerchant, fee, toPayer } = args;
  const invoice = await store.db.Invoice.findUnique({ id: rowId(store, id) });
  if (!invoice) throw new Error(`${kind} for unknown invoice ${id}`);
  await updateInvoice(store, event, id, {
    released: invoice.released + toMerchant,
    refunded: invoice.refunded + toPayer,
    fees: invoice.fees + fee,
    state: "resolved",
  });
  await addTokenStats(store, event, token, { escrowLocked: -(toMerchant + toPayer), feesAccrued: fee, feesEarned: fee });
  await recordEscrowEvent(store, event, kind, { invoiceId: id, actor, token, amount: toMerchant + toPayer, toMerchant, toPayer, fee });
  const history = kind === "InvoiceResolved" ? "resolved" : "settled";
  return [
    { account: merchant, counterparty: payer, kind: history, token, amount: toMerchant, fee, invoiceId: id },
    { account: payer, counterparty: merchant, kind: history, token, amount: toPayer, invoiceId: id },
  ];
}

ponder.on("PaymentEscrow:InvoiceResolved", async ({ event, context }) => {
  const { id, arbiter, merchant, payer, token, toMerchant, fee, toPayer } = event.args;
  const rows = await split(context, event, "InvoiceResolved", { id, actor: arbiter, merchant, payer, token, toMerchant, fee, toPayer });
  await recordHistory(context, event, [
    { account: arbiter, counterparty: merchant, kind: "resolved", token, amount: toMerchant + toPayer, invoiceId: id },
    ...rows,
  ]);
});

ponder.on("PaymentEscrow:InvoiceSettled", async ({ event, context }) => {
  const { id, acceptedBy, merchant, payer, token, toMerchant, fee, toPayer } = event.args;
  const rows = await split(context, event, "InvoiceSettled", {
    id,
    actor: acceptedBy,
    merchant,
    payer,
    token,
    toMerchant,
    fee,
    toPayer,
  });
  await recordHistory(context, event, rows);
});

ponder.on("PaymentEscrow:SettlementProposed", async ({ event, context }) => {
  const { id, proposer, toMerchant, toPayer } = event.args;
  const after = await updateInvoice(context, event, id, { settlementProposer: proposer, settlementToMerchant: toMerchant });
  await recordEscrowEvent(context, event, "SettlementProposed", {
    invoiceId: id,
    actor: proposer,
    token: after.token,
    toMerchant,
    toPayer,
  });
  const payer = after.payer ?? ZERO_ADDRESS;
  await recordHistory(context, event, [
    { account: after.merchant, counterparty: payer, kind: "settlement_proposed", token: after.token, amount: toMerchant, invoiceId: id },
    { account: payer, counterparty: after.merchant, kind: "settlement_proposed", token: after.token, amount: toPayer, invoiceId: id },
  ]);
});
