/** invoice:pay: ETH, an ERC-20 with approve + pay or a permit, without ETH through the API's relayer, or a priced invoice. */
import { ZeroAddress, formatUnits } from "ethers";
import { signPermit } from "../scripts/lib/permit";
import { minimumPayment } from "../core/invoice/actions";
import { DEFAULT_SLIPPAGE_BPS } from "../core/invoice/currency";
import { parseAmount, resolveSigner } from "./lib/args";
import { requireBalance } from "./lib/checks";
import { CliError, runCli } from "./lib/cli";
import { DEFAULT_API_URL } from "./lib/api";
import { payGasless } from "./lib/gasless";
import { formatAmount, readInvoice, report, requireStatus } from "./lib/invoice-view";
import { reportSend, sendOrSimulate, type SendOutcome } from "./lib/send";
import { loadSettle } from "./lib/settle";
import { describePrice, payPricedInvoice, readPrice } from "./lib/priced";
import { type SendArgs, sendingTask } from "./lib/task";

/** Seconds a permit signed by a task stays valid. */
const PERMIT_VALIDITY = 3600n;

/** invoice:pay's arguments. */
interface PayArgs extends SendArgs {
  id: string;
  amount?: string;
  permit: boolean;
  gasless: boolean;
  api: string;
  token?: string;
  slippage: string;
}

sendingTask("invoice:pay", "Pays an invoice: ETH, or an ERC-20 with approve + pay or one permit signature")
  .addParam("id", "invoice id")
  .addOptionalParam("amount", "amount to pay (default: everything due)")
  .addFlag("permit", "pay an ERC-20 invoice in one transaction with an EIP-2612 permit instead of approve + pay")
  .addFlag("gasless", "pay an ERC-20 invoice without ETH: sign, and the API's relayer submits the payment (POST /invoices/{id}/relay)")
  .addOptionalParam("api", "the Settle API that relays --gasless payments", DEFAULT_API_URL)
  .addOptionalParam("token", "an invoice priced in a currency: the token to pay with (SETL, ETH or an address)")
  .addOptionalParam(
    "slippage",
    "an invoice priced in a currency: how far above the quote you pay at most, in basis points",
    String(DEFAULT_SLIPPAGE_BPS),
  )
  .setAction(async (args: PayArgs, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const settle = await loadSettle(hre, signer);
      const invoice = await readInvoice(hre, settle, args.id);
      requireStatus(invoice, ["Open", "PartiallyPaid"], "paid");
      if (invoice.payer !== ZeroAddress && invoice.payer.toLowerCase() !== signer.address.toLowerCase()) {
        throw new CliError(`invoice ${invoice.id} can only be paid by its payer ${invoice.payer} (you are ${signer.address})`);
      }
      const price = invoice.amount === 0n ? await readPrice(settle, invoice.id) : undefined;
      if (price) {
        if (args.amount || args.permit || args.gasless)
          throw new CliError(
            `invoice ${invoice.id} is priced in ${describePrice(price)} and paid in full with approve + pay: drop --amount, --permit and --gasless`,
          );
        const paid = await payPricedInvoice(hre, settle, signer, invoice, price, args);
        report(paid.text, invoice, paid.outcome, args.json, paid.data);
        return;
      }
      const due = await settle.escrow.amountDue(invoice.id);
      const amount = args.amount ? parseAmount(args.amount, invoice.decimals) : due;
      if (amount > due) throw new CliError(`invoice ${invoice.id} has only ${formatAmount(invoice, due)} left to pay`);
      if (amount < minimumPayment(invoice, due))
        throw new CliError(
          `invoice ${invoice.id} is open to anyone, so it is paid in full in one payment: pay ${formatAmount(invoice, due)}`,
        );
      let outcome: SendOutcome;
      if (args.gasless) {
        if (invoice.token === ZeroAddress) throw new CliError("an ETH invoice cannot be paid without ETH: drop --gasless");
        if (args.dryRun) throw new CliError("dry run: a --gasless payment is simulated by the API before it is sent; drop --dry-run");
        const token = await hre.ethers.getContractAt("SettleToken", invoice.token, signer);
        await requireBalance(token, signer.address, amount);
        const { relayer, ...relayed } = await payGasless(hre, settle, signer, invoice, amount, args.api);
        report(
          `paid ${formatAmount(invoice, amount)} into invoice ${invoice.id} without ETH (gas paid by ${relayer})`,
          invoice,
          relayed,
          args.json,
          {
            amount,
            relayer,
          },
        );
        return;
      }
      if (invoice.token === ZeroAddress) {
        const balance = await hre.ethers.provider.getBalance(signer.address);
        if (balance < amount)
          throw new CliError(
            `insufficient ETH: ${signer.address} has ${formatUnits(balance, 18)}, needs ${formatUnits(amount, 18)} plus gas`,
          );
        outcome = await sendOrSimulate(hre, settle.escrow, "payNative", [invoice.id, { value: amount }], args);
      } else {
        const token = await hre.ethers.getContractAt("SettleToken", invoice.token, signer);
        await requireBalance(token, signer.address, amount);
        const escrowAddress = await settle.escrow.getAddress();
        const allowance = await token.allowance(signer.address, escrowAddress);
        if (allowance >= amount) {
          outcome = await sendOrSimulate(hre, settle.escrow, "pay", [invoice.id, amount], args);
        } else if (args.permit) {
          const block = await hre.ethers.provider.getBlock("latest");
          const p = await signPermit(token, signer, escrowAddress, amount, BigInt(block!.timestamp) + PERMIT_VALIDITY);
          outcome = await sendOrSimulate(hre, settle.escrow, "payWithPermit", [invoice.id, amount, p.deadline, p.v, p.r, p.s], args);
        } else {
          if (args.dryRun)
            throw new CliError(
              "dry run: an approve must be sent first, so the payment cannot be simulated; add --permit to simulate a one-signature payment",
            );
          reportSend("approved the escrow", await sendOrSimulate(hre, token, "approve", [escrowAddress, amount], args), args.json);
          outcome = await sendOrSimulate(hre, settle.escrow, "pay", [invoice.id, amount], args);
        }
      }
      report(`paid ${formatAmount(invoice, amount)} into invoice ${invoice.id}`, invoice, outcome, args.json, { amount });
    }),
  );
