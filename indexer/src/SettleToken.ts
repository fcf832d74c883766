import { ponder } from "@/generated";
import { recordTransfer } from "../lib/history";

// Every SETL transfer (mints and burns included): a TokenTransfer row and History rows.
ponder.on("SettleToken:Transfer", async ({ event, context }) => {
  await recordTransfer(context, event, event.log.address);
});
