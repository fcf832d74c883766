// invoice:pay-many — several invoices paid in one transaction (PaymentEscrow.payMany).
import { ZeroAddress, formatUnits } from "ethers";
import { MAX_BATCH_INVOICES } from "../core/invoice/limits";
import { SOLIDITY_STATUS } from "../core/invoice/status";
import { resolveSigner } from "./lib/args";
import { requireBalance } from "./lib/checks";
import { CliError, runCli } from "./lib/cli";
import { reportSend, sendOrSimulate } from "./lib/send";
import { loadSettle, tokenUnits } from "./lib/settle";
import { output, type SendArgs, sendingTask } from "./lib/task";

/** --ids: distinct whole numbers from 1, comma-separated, at most MAX_BATCH_INVOICES of them. */
function parseIds(text: string): bigint[] {
  const parts = text.split(",").map((part) => part.trim());
  if (parts.some((part) => !/^\d+$/.test(part) || BigInt(part) === 0n))
    throw new CliError(`bad --ids "${text}": use invoice ids separated by commas, e.g. 3,4,7`);
  const ids = parts.map(BigInt);
  if (new Set(parts).size !== parts.length) throw new CliError(`bad --ids "${text}": an invoice is listed twice`);
  if (ids.length > MAX_BATCH_INVOICES)
    throw new CliError(`bad --ids: ${ids.length} invoices, at most ${MAX_BATCH_INVOICES} in one batch: pay the rest in another`);
  return ids;
}

sendingTask("invoice:pay-many", "Pays everything due on several invoices (any merchants, tokens and ETH) in one transaction")
  .addParam("ids", "invoice ids, comma-separated, e.g. 3,4,7")
  .setAction(async (args: SendArgs & { ids: string }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const settle = await loadSettle(hre, signer);
      const { escrow } = settle;
      const count = await escrow.invoiceCount();
      const invoices = [];
      for (const id of parseIds(args.ids)) {
        if (id > count) throw new CliError(`no invoice ${id}: this escrow has ${count} invoices`);
        const [invoice, due, status] = await Promise.all([escrow.getInvoice(id), escrow.amountDue(id), escrow.status(id)]);
        const name = SOLIDITY_STATUS[Number(status)]!;
        if (name !== "Open" && name !== "PartiallyPaid") throw new CliError(`invoice ${id} is ${name}: only open invoices can be paid`);
        if (invoice.payer !== ZeroAddress && invoice.payer.toLowerCase() !== signer.address.toLowerCase())
          throw new CliError(`invoice ${id} can only be paid by its payer ${invoice.payer} (you are ${signer.address})`);
        invoices.push({ id, token: invoice.token, due });
      }
      // Invoices of one token side by side, so that the escrow pulls each token once.
      invoices.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
      const totals = new Map<string, bigint>();
      for (const { token, due } of invoices) totals.set(token, (totals.get(token) ?? 0n) + due);
      const escrowAddress = await escrow.getAddress();
      const lines: string[] = [];
      for (const [token, total] of totals) {
        const { symbol, decimals } = await tokenUnits(hre, token);
        lines.push(`${formatUnits(total, decimals)} ${symbol}`);
        if (token === ZeroAddress) continue;
        const erc20 = await hre.ethers.getContractAt("SettleToken", token, signer);
        await requireBalance(erc20, signer.address, total);
        if ((await erc20.allowance(signer.address, escrowAddress)) >= total) continue;
        if (args.dryRun) throw new CliError(`dry run: an approve of ${symbol} must be sent first, so the batch cannot be simulated`);
        reportSend(
          `approved the escrow for ${lines.at(-1)}`,
          await sendOrSimulate(hre, erc20, "approve", [escrowAddress, total], args),
          args.json,
        );
      }
      const ids = invoices.map((invoice) => invoice.id);
      const amounts = invoices.map((invoice) => invoice.due);
      const value = totals.get(ZeroAddress) ?? 0n;
      const outcome = await sendOrSimulate(hre, escrow, "payMany", [ids, amounts, { value }], args);
      reportSend(`paid ${invoices.length} invoices (${ids.join(", ")}) in one transaction: ${lines.join(" + ")}`, outcome, args.json);
      if (args.json) output(true, "", { invoices: ids, amounts, ...outcome });
    }),
  );
