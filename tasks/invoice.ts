import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { type Result, ZeroAddress, formatUnits, id as keccakText, isHexString } from "ethers";
import { signPermit } from "../scripts/lib/permit";
import { minimumPayment } from "../core/invoice/actions";
import { MAX_FEE_BPS } from "../core/invoice/limits";
import { DEFAULT_SLIPPAGE_BPS, NO_CURRENCY } from "../core/invoice/currency";
import { SOLIDITY_STATUS, type SolidityStatusName } from "../core/invoice/status";
import { parseAmount, resolveAddress, resolveSigner } from "./lib/args";
import { requireBalance } from "./lib/checks";
import { CliError, runCli } from "./lib/cli";
import { DEFAULT_API_URL } from "./lib/api";
import { payGasless } from "./lib/gasless";
import { reportSend, sendOrSimulate, type SendOutcome } from "./lib/send";
import { loadSettle, resolveToken, tokenUnits, type Settle } from "./lib/settle";
import { describePrice, payPricedInvoice, pricedTerms, readPrice } from "./lib/priced";
import { output, readingTask, type SendArgs, sendingTask } from "./lib/task";

/** Seconds a permit signed by a task stays valid. */
const PERMIT_VALIDITY = 3600n;

/** An invoice as read from the escrow, with its token's symbol and decimals. */
interface InvoiceView {
  id: bigint;
  merchant: string;
  payer: string;
  token: string;
  arbiter: string;
  amount: bigint;
  paid: bigint;
  released: bigint;
  refunded: bigint;
  referenceHash: string;
  dueDate: bigint;
  paidAt: bigint;
  disputedAt: bigint;
  disputeWindow: bigint;
  feeBps: bigint;
  status: SolidityStatusName;
  symbol: string;
  decimals: number;
}

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

/** Reads invoice `id`, or fails with a one-line error when there is none. */
async function readInvoice(hre: HardhatRuntimeEnvironment, settle: Settle, idText: string): Promise<InvoiceView> {
  if (!/^\d+$/.test(idText) || BigInt(idText) === 0n) throw new CliError(`bad invoice id "${idText}": ids are whole numbers from 1`);
  const id = BigInt(idText);
  const count = await settle.escrow.invoiceCount();
  if (id > count) throw new CliError(`no invoice ${id}: this escrow has ${count} invoice${count === 1n ? "" : "s"}`);
  const raw = await settle.escrow.getInvoice(id);
  const status = SOLIDITY_STATUS[Number(await settle.escrow.status(id))]!;
  // The struct's named fields; its own `status` field is the stored state, replaced by the derived status.
  const fields = (raw as unknown as Result).toObject() as Omit<InvoiceView, "id" | "status" | "symbol" | "decimals">;
  return { ...fields, id, status, ...(await tokenUnits(hre, raw.token)) };
}

/** Fails unless the invoice is in one of `allowed` statuses; `what` says what was attempted. */
function requireStatus(invoice: InvoiceView, allowed: readonly SolidityStatusName[], what: string): void {
  if (!allowed.includes(invoice.status)) {
    throw new CliError(`invoice ${invoice.id} is ${invoice.status}: it can be ${what} only when ${allowed.join(" or ")}`);
  }
}

/** Fails unless `caller` is the invoice's `role` (merchant, payer or arbiter). */
function requireActor(invoice: InvoiceView, role: "merchant" | "payer" | "arbiter", caller: string, what: string): void {
  const expected = invoice[role];
  if (role === "payer" && expected === ZeroAddress) throw new CliError(`invoice ${invoice.id} has no payer yet: nobody can ${what} it`);
  if (role === "arbiter" && expected === ZeroAddress)
    throw new CliError(`invoice ${invoice.id} has no arbiter: settle it with invoice:settle instead`);
  if (expected.toLowerCase() !== caller.toLowerCase()) {
    throw new CliError(`invoice ${invoice.id} is ${invoice.status}: only its ${role} ${expected} can ${what} it (you are ${caller})`);
  }
}

/** Parses a duration such as "3d", "12h", "30m" or a number of seconds. */
function parseDuration(text: string, what: string): bigint {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw new CliError(`bad ${what} "${text}": use seconds or a number with s, m, h or d (e.g. 3d)`);
  const unit = { "": 1n, s: 1n, m: 60n, h: 3600n, d: 86400n }[match[2] as "" | "s" | "m" | "h" | "d"];
  return BigInt(match[1]!) * unit;
}

/** --max-fee: whole basis points from 0 to the escrow's MAX_FEE_BPS. */
function parseFeeBps(text: string): bigint {
  if (!/^\d+$/.test(text.trim()) || Number(text) > MAX_FEE_BPS)
    throw new CliError(`bad --max-fee "${text}": use whole basis points from 0 to ${MAX_FEE_BPS} (100 = 1%)`);
  return BigInt(text.trim());
}

/** A reference hash: a 0x bytes32 as given, or the keccak256 of any other text. */
function parseReference(text: string | undefined): string {
  if (!text) return "0x" + "00".repeat(32);
  return isHexString(text, 32) ? text : keccakText(text);
}

function formatAmount(invoice: InvoiceView, value: bigint): string {
  return `${formatUnits(value, invoice.decimals)} ${invoice.symbol}`;
}

/** Prints the outcome of an invoice action for people or as JSON. */
function report(action: string, invoice: InvoiceView, outcome: SendOutcome, json: boolean, extra: object = {}): void {
  reportSend(action, outcome, json);
  if (json) output(true, "", { invoice: invoice.id, ...extra, ...outcome });
}

/** Wires a simple invoice action: read the invoice, check status and actor, send. */
function invoiceAction(
  name: string,
  description: string,
  spec: {
    role: "merchant" | "payer" | "arbiter";
    withAmount?: boolean;
    method: string;
  },
): void {
  const definition = sendingTask(name, description).addParam("id", "invoice id");
  if (spec.withAmount) definition.addParam("amount", "amount in the invoice's token, e.g. 25");
  definition.setAction(async (args: SendArgs & { id: string; amount?: string }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const settle = await loadSettle(hre, signer);
      const invoice = await readInvoice(hre, settle, args.id);
      // Who may act is checked here; when (status, windows, timeouts) the contract says, decoded.
      requireActor(invoice, spec.role, signer.address, spec.method);
      const callArgs: unknown[] = [invoice.id];
      if (spec.withAmount) callArgs.push(parseAmount(args.amount!, invoice.decimals));
      const outcome = await sendOrSimulate(hre, settle.escrow, spec.method, callArgs, args);
      const amountText = spec.withAmount ? ` ${args.amount} ${invoice.symbol}` : "";
      report(`${spec.method}${amountText} on invoice ${invoice.id}`, invoice, outcome, args.json);
    }),
  );
}

sendingTask("invoice:create", "Creates an invoice with you as merchant")
  .addOptionalParam("amount", "amount due, in the token's units (e.g. 250); or --currency and --price")
  .addOptionalParam("currency", "price the invoice in this ISO 4217 currency (e.g. EUR) instead of a token amount")
  .addOptionalParam("price", "with --currency: the price in it, at most two decimals (e.g. 12.50)")
  .addOptionalParam("token", "SETL, ETH or an ERC-20 address (default SETL; with --currency, any token with a feed)")
  .addOptionalParam("payer", "who must pay (address or index); anyone when omitted")
  .addOptionalParam("due", "time until the due date: seconds or 7d, 12h ...", "7d")
  .addOptionalParam("window", "dispute window after full payment: seconds or 3d, 12h ...", "3d")
  .addOptionalParam("arbiter", "who resolves disputes (address or index); none when omitted")
  .addOptionalParam("reference", "0x bytes32 hash of the off-chain details, or text to hash")
  .addOptionalParam("maxFee", "the highest protocol fee you accept, in basis points (100 = 1%); the fee now when omitted")
  .setAction(
    async (
      args: SendArgs & {
        amount?: string;
        currency?: string;
        price?: string;
        token?: string;
        payer?: string;
        due: string;
        window: string;
        arbiter?: string;
        reference?: string;
        maxFee?: string;
      },
      hre,
    ) =>
      runCli(async () => {
        const signer = await resolveSigner(hre, args.from);
        const settle = await loadSettle(hre, signer);
        if ((args.currency === undefined) !== (args.price === undefined))
          throw new CliError("give --currency and --price together (e.g. --currency EUR --price 12.50)");
        if ((args.amount === undefined) === (args.currency === undefined))
          throw new CliError("give either --amount (in the token) or --currency with --price");
        const priced = args.currency === undefined ? undefined : pricedTerms(args.currency, args.price!);
        const token = priced && args.token === undefined ? ZeroAddress : await resolveToken(hre, settle, args.token ?? "SETL");
        if (priced && args.token !== undefined && token === ZeroAddress)
          throw new CliError(
            "an invoice priced in a currency takes one ERC-20 token or any token: drop --token to accept any (ETH included)",
          );
        const { symbol, decimals } = await tokenUnits(hre, token);
        const amount = priced ? priced.amount : parseAmount(args.amount!, decimals);
        const currency = priced ? priced.currency : NO_CURRENCY;
        const what = priced
          ? `${args.price} ${args.currency!.toUpperCase()} in ${args.token === undefined ? "any token" : symbol}`
          : `${args.amount} ${symbol}`;
        const payer = args.payer ? await resolveAddress(hre, args.payer, "--payer") : ZeroAddress;
        const arbiter = args.arbiter ? await resolveAddress(hre, args.arbiter, "--arbiter") : ZeroAddress;
        const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
        const dueDate = now + parseDuration(args.due, "--due");
        const window = parseDuration(args.window, "--window");
        const reference = parseReference(args.reference);
        const maxFeeBps = args.maxFee === undefined ? await settle.escrow.feeBps() : parseFeeBps(args.maxFee);
        const terms = { payer, token, amount, dueDate, disputeWindow: window, arbiter, maxFeeBps, referenceHash: reference, currency };
        const callArgs = [terms];
        const nextId = (await settle.escrow.invoiceCount()) + 1n;
        const outcome = await sendOrSimulate(hre, settle.escrow, "createInvoice", callArgs, args);
        reportSend(`created invoice ${nextId} for ${what}, due ${new Date(Number(dueDate) * 1000).toISOString()}`, outcome, args.json);
        if (args.json)
          output(true, "", {
            invoice: nextId,
            merchant: signer.address,
            payer,
            token,
            amount,
            currency,
            dueDate,
            disputeWindow: window,
            arbiter,
            reference,
            ...outcome,
          });
      }),
  );

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

invoiceAction("invoice:release", "The payer releases part or all of the held funds to the merchant", {
  role: "payer",
  withAmount: true,
  method: "release",
});
invoiceAction("invoice:claim", "The merchant claims everything held once the dispute window has passed", {
  role: "merchant",
  method: "claim",
});
invoiceAction("invoice:refund", "The merchant refunds part or all of the held funds to the payer (no fee)", {
  role: "merchant",
  withAmount: true,
  method: "refund",
});
invoiceAction("invoice:cancel", "The merchant cancels an invoice nothing was paid into", {
  role: "merchant",
  method: "cancel",
});
invoiceAction("invoice:dispute", "The payer disputes a paid invoice within its dispute window", {
  role: "payer",
  method: "dispute",
});
invoiceAction("invoice:reclaim", "The payer takes back what is held after expiry or an unanswered dispute", {
  role: "payer",
  method: "reclaim",
});

sendingTask("invoice:resolve", "The arbiter splits a disputed invoice's held funds")
  .addParam("id", "invoice id")
  .addParam("toMerchant", "gross amount for the merchant (the fee comes out of it)")
  .addOptionalParam("toPayer", "amount for the payer (default: the rest)")
  .setAction(async (args: SendArgs & { id: string; toMerchant: string; toPayer?: string }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const settle = await loadSettle(hre, signer);
      const invoice = await readInvoice(hre, settle, args.id);
      requireStatus(invoice, ["Disputed"], "resolved");
      requireActor(invoice, "arbiter", signer.address, "resolve");
      const held = await settle.escrow.amountHeld(invoice.id);
      const toMerchant = parseAmountOrZero(args.toMerchant, invoice.decimals);
      if (toMerchant > held) throw new CliError(`invoice ${invoice.id} holds only ${formatAmount(invoice, held)}`);
      const toPayer = args.toPayer === undefined ? held - toMerchant : parseAmountOrZero(args.toPayer, invoice.decimals);
      if (toMerchant + toPayer !== held) {
        throw new CliError(
          `the split must add up to the ${formatAmount(invoice, held)} held (got ${formatAmount(invoice, toMerchant + toPayer)})`,
        );
      }
      const outcome = await sendOrSimulate(hre, settle.escrow, "resolve", [invoice.id, toMerchant, toPayer], args);
      report(
        `resolved invoice ${invoice.id}: ${formatAmount(invoice, toMerchant)} to the merchant, ${formatAmount(invoice, toPayer)} to the payer`,
        invoice,
        outcome,
        args.json,
        { toMerchant, toPayer },
      );
    }),
  );

sendingTask("invoice:settle", "While disputed, proposes a split or accepts the other side's proposal")
  .addParam("id", "invoice id")
  .addParam("toMerchant", "gross amount for the merchant; the payer gets the rest of what is held")
  .addFlag("accept", "accept the other side's proposal of exactly this amount instead of proposing")
  .setAction(async (args: SendArgs & { id: string; toMerchant: string; accept: boolean }, hre) =>
    runCli(async () => {
      const signer = await resolveSigner(hre, args.from);
      const settle = await loadSettle(hre, signer);
      const invoice = await readInvoice(hre, settle, args.id);
      requireStatus(invoice, ["Disputed"], "settled");
      const caller = signer.address.toLowerCase();
      if (caller !== invoice.merchant.toLowerCase() && caller !== invoice.payer.toLowerCase()) {
        throw new CliError(`invoice ${invoice.id}: only its merchant ${invoice.merchant} or payer ${invoice.payer} can settle it`);
      }
      const toMerchant = parseAmountOrZero(args.toMerchant, invoice.decimals);
      const method = args.accept ? "acceptSettlement" : "proposeSettlement";
      const outcome = await sendOrSimulate(hre, settle.escrow, method, [invoice.id, toMerchant], args);
      report(
        `${args.accept ? "accepted" : "proposed"} a settlement of ${formatAmount(invoice, toMerchant)} to the merchant on invoice ${invoice.id}`,
        invoice,
        outcome,
        args.json,
        { toMerchant },
      );
    }),
  );

readingTask("invoice:show", "Shows every field of an invoice in human units")
  .addParam("id", "invoice id")
  .setAction(async (args: { id: string; json: boolean }, hre) =>
    runCli(async () => {
      const settle = await loadSettle(hre);
      const invoice = await readInvoice(hre, settle, args.id);
      const [due, held] = [await settle.escrow.amountDue(invoice.id), await settle.escrow.amountHeld(invoice.id)];
      const price = await readPrice(settle, invoice.id);
      const time = (t: bigint) => (t === 0n ? "-" : new Date(Number(t) * 1000).toISOString());
      const who = (a: string, none: string) => (a === ZeroAddress ? none : a);
      output(
        args.json,
        [
          `invoice ${invoice.id}: ${invoice.status}`,
          `  merchant   ${invoice.merchant}`,
          `  payer      ${who(invoice.payer, "anyone")}`,
          `  arbiter    ${who(invoice.arbiter, "none")}`,
          `  token      ${invoice.symbol}${invoice.token === ZeroAddress ? "" : ` (${invoice.token})`}`,
          `  amount     ${formatAmount(invoice, invoice.amount)}  (due ${formatAmount(invoice, due)}, held ${formatAmount(invoice, held)})`,
          `  paid       ${formatAmount(invoice, invoice.paid)}  released ${formatAmount(invoice, invoice.released)}  refunded ${formatAmount(invoice, invoice.refunded)}`,
          `  due date   ${time(invoice.dueDate)}   paid at ${time(invoice.paidAt)}   disputed at ${time(invoice.disputedAt)}`,
          `  window     ${invoice.disputeWindow} s after full payment; fee ${Number(invoice.feeBps) / 100}%`,
          `  reference  ${invoice.referenceHash}`,
          ...(price ? [`  price      ${describePrice(price)}${invoice.amount === 0n ? " (converted when paid)" : ""}`] : []),
        ].join("\n"),
        { ...invoice, due, held, ...(price ? { currency: price.currency, price: price.price } : {}) },
      );
    }),
  );

/** Like parseAmount, but "0" is allowed (a split may give one side nothing). */
function parseAmountOrZero(text: string, decimals: number): bigint {
  return /^0+(\.0+)?$/.test(text.trim()) ? 0n : parseAmount(text, decimals);
}
