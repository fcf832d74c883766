import { ponder } from "@/generated";
import { recordTransfer } from "../lib/history";

// Transfers of any ERC-20 into or out of PaymentEscrow. SettleToken's are already indexed by
// src/SettleToken.ts (every SETL transfer), so they are skipped here.

ponder.on("EscrowTokenIn:Transfer", async ({ event, context }) => {
  if (event.log.address.toLowerCase() === context.contracts.SettleToken.address.toLowerCase()) return;
  await recordTransfer(context.db, event, event.log.address);
});

ponder.on("EscrowTokenOut:Transfer", async ({ event, context }) => {
  if (event.log.address.toLowerCase() === context.contracts.SettleToken.address.toLowerCase()) return;
  // A transfer from the escrow to itself is already recorded by EscrowTokenIn.
  if (event.args.to.toLowerCase() === event.args.from.toLowerCase()) return;
  await recordTransfer(context.db, event, event.log.address);
});
