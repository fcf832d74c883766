import { ponder } from "@/generated";
import { ZERO_ADDRESS } from "../../core/address";
import { credit, creditId, recordEscrowEvent, updateInvoice } from "../lib/escrow";
import { addTokenStats, recordHistory, rowId, type Store } from "../lib/history";

// PaymentEscrow's escrow-wide books: payouts credited and withdrawn, fees collected, surplus swept, fee and token
// settings, relayed payments and relay nonces. The invoice lifecycle is in PaymentEscrow.ts.

/** The id and the identifying columns of the EscrowSetting row of `escrow` on the store's chain. */
function escrowSetting(store: Store, escrow: `0x${string}`) {
  return { id: rowId(store, escrow), create: { chainId: store.network.chainId, escrow } };
}

ponder.on("PaymentEscrow:PayoutCredited", async ({ event, context }) => {
  const { id, account, token, amount } = event.args;
  await credit(context, event, account, token, amount);
  // The payout already left the invoice's held funds: it now waits as a credit.
  await addTokenStats(context, event, token, { escrowCredits: amount });
  await recordEscrowEvent(context, event, "PayoutCredited", { invoiceId: id, actor: account, token, amount });
  await recordHistory(context, event, [{ account, kind: "credited", token, amount, invoiceId: id }]);
});

ponder.on("PaymentEscrow:Withdrawn", async ({ event, context }) => {
  const { account, token, to, amount } = event.args;
  await context.db.EscrowCredit.update({
    id: creditId(context, account, token),
    data: ({ current }) => ({ balance: current.balance - amount, withdrawn: current.withdrawn + amount, updatedBlock: event.block.number }),
  });
  await addTokenStats(context, event, token, { escrowCredits: -amount });
  await recordEscrowEvent(context, event, "Withdrawn", { actor: account, token, amount });
  await recordHistory(context, event, [
    { account, counterparty: to, kind: "credit_withdrawn", token, amount },
    ...(to.toLowerCase() !== account.toLowerCase()
      ? [{ account: to, counterparty: account, kind: "credit_withdrawn" as const, token, amount }]
      : []),
  ]);
});

ponder.on("PaymentEscrow:FeeBpsUpdated", async ({ event, context }) => {
  const { newFeeBps } = event.args;
  await context.db.EscrowSetting.upsert({
    ...escrowSetting(context, event.log.address),
    create: { ...escrowSetting(context, event.log.address).create, feeBps: newFeeBps, feeRecipient: ZERO_ADDRESS, allowlistEnabled: false, updatedBlock: event.block.number },
    update: { feeBps: newFeeBps, updatedBlock: event.block.number },
  });
  await recordEscrowEvent(context, event, "FeeBpsUpdated", { amount: BigInt(newFeeBps) });
});

ponder.on("PaymentEscrow:FeeRecipientUpdated", async ({ event, context }) => {
  const { newRecipient } = event.args;
  await context.db.EscrowSetting.upsert({
    ...escrowSetting(context, event.log.address),
    create: { ...escrowSetting(context, event.log.address).create, feeBps: 0, feeRecipient: newRecipient, allowlistEnabled: false, updatedBlock: event.block.number },
    update: { feeRecipient: newRecipient, updatedBlock: event.block.number },
  });
  await recordEscrowEvent(context, event, "FeeRecipientUpdated", { actor: newRecipient });
});

ponder.on("PaymentEscrow:FeesCollected", async ({ event, context }) => {
  const { recipient, token, amount } = event.args;
  await addTokenStats(context, event, token, { feesAccrued: -amount });
  await recordEscrowEvent(context, event, "FeesCollected", { actor: recipient, token, amount });
  await recordHistory(context, event, [{ account: recipient, counterparty: event.log.address, kind: "fees_collected", token, amount }]);
});

ponder.on("PaymentEscrow:Swept", async ({ event, context }) => {
  const { sweeper, token, to, amount } = event.args;
  await addTokenStats(context, event, token, { swept: amount });
  await recordEscrowEvent(context, event, "Swept", { actor: sweeper, token, amount });
  await recordHistory(context, event, [
    { account: to, counterparty: sweeper, kind: "swept", token, amount },
    ...(to.toLowerCase() !== sweeper.toLowerCase() ? [{ account: sweeper, counterparty: to, kind: "swept" as const, token, amount }] : []),
  ]);
});

ponder.on("PaymentEscrow:TokenAllowed", async ({ event, context }) => {
  const { token, allowed } = event.args;
  await context.db.EscrowToken.upsert({
    id: rowId(context, token),
    create: { chainId: context.network.chainId, token, allowed, updatedBlock: event.block.number },
    update: { allowed, updatedBlock: event.block.number },
  });
  await recordEscrowEvent(context, event, "TokenAllowed", { token });
});

ponder.on("PaymentEscrow:AllowlistEnabled", async ({ event, context }) => {
  const { enabled } = event.args;
  await context.db.EscrowSetting.upsert({
    ...escrowSetting(context, event.log.address),
    create: { ...escrowSetting(context, event.log.address).create, feeBps: 0, feeRecipient: ZERO_ADDRESS, allowlistEnabled: enabled, updatedBlock: event.block.number },
    update: { allowlistEnabled: enabled, updatedBlock: event.block.number },
  });
  await recordEscrowEvent(context, event, "AllowlistEnabled", {});
});

ponder.on("PaymentEscrow:RelayedPaymentSubmitted", async ({ event, context }) => {
  const { id, relayer } = event.args;
  // The payment itself is the InvoicePaid just before: this records who relayed it.
  const after = await updateInvoice(context, event, id, {});
  await recordEscrowEvent(context, event, "RelayedPaymentSubmitted", { invoiceId: id, actor: relayer, token: after.token });
});

ponder.on("PaymentEscrow:RelayNonceCancelled", async ({ event, context }) => {
  await recordEscrowEvent(context, event, "RelayNonceCancelled", { actor: event.args.payer });
});
