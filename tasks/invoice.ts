/** The invoice tasks (invoice:create, the actions on an invoice, invoice:show); invoice:pay is in invoice-pay.ts. */
import { ZeroAddress, id as keccakText, isHexString } from "ethers";
import { MAX_FEE_BPS } from "../core/invoice/limits";
import { NO_CURRENCY } from "../core/invoice/currency";
import { parseAmount, resolveAddress, resolveSigner } from "./lib/args";
import { CliError, runCli } from "./lib/cli";
import { formatAmount, readInvoice, report, requireActor, requireStatus } from "./lib/invoice-view";
import { reportSend, sendOrSimulate } from "./lib/send";
import { loadSettle, resolveToken, tokenUnits } from "./lib/settle";
import { describePrice, pricedTerms, readPrice } from "./lib/priced";
import { output, readingTask, type SendArgs, sendingTask } from "./lib/task";

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
