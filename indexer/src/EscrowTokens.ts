import { ponder } from "@/generated";
import { recordTransfer } from "../lib/history";

// Transfers of any ERC-20 into or out of PaymentEscrow. SettleToken's are already indexed by
// src/SettleToken.ts (every SETL transfer), so they are skipped here.

/** True for a transfer of the network's SettleToken. */
const isSettleToken = (token: string, settleToken: unknown) => typeof settleToken === "string" && token.toLowerCase() === settleToken.toLowerCase();

ponder.on("EscrowTokenIn:Transfer", async ({ event, context }) => {
  if (isSettleToken(event.log.address, context.contracts.SettleToken.address)) return;
  await recordTransfer(context, event, event.log.address);
});

ponder.on("EscrowTokenOut:Transfer", async ({ event, context }) => {
  if (isSettleToken(event.log.address, context.contracts.SettleToken.address)) return;
  // A transfer from the escrow to itself is already recorded by EscrowTokenIn.
  if (event.args.to.toLowerCase() === event.args.from.toLowerCase()) return;
  await recordTransfer(context, event, event.log.address);
});
