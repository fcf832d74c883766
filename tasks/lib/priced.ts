/**
 * Invoices priced in a currency, for invoice:create (--currency, --price) and invoice:pay (a quote from the escrow's
 * PriceFeeds registry, then payPriced with the payer's ceiling). The rules live in core/invoice/currency.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { type Signer, ZeroAddress, formatUnits } from "ethers";
import {
  CurrencyError,
  DEFAULT_SLIPPAGE_BPS,
  ceilingFor,
  currencyFromBytes3,
  currencyToBytes3,
  formatPrice,
  parsePrice,
} from "../../core/invoice/currency";
import { requireBalance } from "./checks";
import { CliError } from "./cli";
import { rethrowNodeGaveUp } from "./node-retry";
import { type SendOutcome, describeRevert, reportSend, sendOrSimulate } from "./send";
import { type Settle, resolveToken, tokenUnits } from "./settle";
import type { SendArgs } from "./task";

/** The currency an invoice is priced in and its price in hundredths. */
export interface InvoicePrice {
  currency: string;
  price: bigint;
}

/** Runs `parse`, turning a {@link CurrencyError} into the one-line CliError the tasks print. */
function asCliError<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof CurrencyError) throw new CliError(`bad ${what}: ${error.message}`);
    throw error;
  }
}

/** InvoiceTerms' `currency` and `amount` (hundredths) from --currency and --price. */
export function pricedTerms(currency: string, price: string): { currency: string; amount: bigint } {
  return {
    currency: asCliError("--currency", () => currencyToBytes3(currency.trim().toUpperCase())),
    amount: asCliError("--price", () => parsePrice(price)),
  };
}

/** The currency and price of invoice `id`, or undefined when it is priced in its token. */
export async function readPrice(settle: Settle, id: bigint): Promise<InvoicePrice | undefined> {
  const [bytes3, price] = await settle.escrow.invoiceCurrency(id);
  const currency = currencyFromBytes3(bytes3);
  return currency === undefined ? undefined : { currency, price };
}

/** `price` in `currency` as people read it: "12.50 EUR". */
export function describePrice({ currency, price }: InvoicePrice): string {
  return `${formatPrice(price)} ${currency}`;
}

/** What {@link payPricedInvoice} did: the outcome and the figures to report. */
export interface PricedPayment {
  text: string;
  outcome: SendOutcome;
  data: Record<string, unknown>;
}

/**
 * Pays invoice `id` (accepting `accepted`, or any token when address zero), priced at `price`, with --token: quotes
 * the price now, pays at most the quote plus --slippage basis points (approving the escrow for that ceiling first
 * when the allowance is short; in ETH the ceiling is sent and the rest comes back).
 */
export async function payPricedInvoice(
  hre: HardhatRuntimeEnvironment,
  settle: Settle,
  signer: Signer & { address: string },
  invoice: { id: bigint; token: string },
  price: InvoicePrice,
  options: SendArgs & { token?: string; slippage?: string },
): Promise<PricedPayment> {
  const { id, token: accepted } = invoice;
  if (accepted === ZeroAddress && options.token === undefined) {
    throw new CliError(
      `invoice ${id} is priced in ${price.currency} and takes any token with a feed: choose one with --token (SETL, ETH or an address)`,
    );
  }
  const token = options.token === undefined ? accepted : await resolveToken(hre, settle, options.token);
  const slippageText = options.slippage ?? String(DEFAULT_SLIPPAGE_BPS);
  if (!/^\d+$/.test(slippageText.trim())) throw new CliError(`bad --slippage "${slippageText}": use whole basis points (100 = 1%)`);
  const registry = await settle.escrow.priceFeeds();
  if (registry === ZeroAddress) throw new CliError("this escrow has no price feed registry: an admin must call setPriceFeeds first");
  const feeds = await hre.ethers.getContractAt("PriceFeeds", registry, signer);
  const quote = await feeds.quote(token, currencyToBytes3(price.currency), price.price).catch(async (error: unknown) => {
    rethrowNodeGaveUp(error);
    throw new CliError(`no quote for invoice ${id} in ${token === ZeroAddress ? "ETH" : token}: ${await describeRevert(hre, error)}`);
  });
  const ceiling = asCliError("--slippage", () => ceilingFor(quote.tokenAmount, Number(slippageText)));
  const { symbol, decimals } = await tokenUnits(hre, token);
  const units = (value: bigint) => `${formatUnits(value, decimals)} ${symbol}`;
  const rate = formatUnits(quote.answer, Number(quote.feedDecimals));
  const quoted = `${describePrice(price)} = ${units(quote.tokenAmount)} at ${rate} ${price.currency} per ${symbol} (round ${quote.roundId}); paying at most ${units(ceiling)}`;
  if (!options.json) console.log(quoted);

  let outcome: SendOutcome;
  if (token === ZeroAddress) {
    const balance = await hre.ethers.provider.getBalance(signer.address);
    if (balance < ceiling)
      throw new CliError(`insufficient ETH: ${signer.address} has ${formatUnits(balance, 18)}, needs ${formatUnits(ceiling, 18)} plus gas`);
    outcome = await sendOrSimulate(hre, settle.escrow, "payPriced", [id, token, ceiling, { value: ceiling }], options);
  } else {
    const erc20 = await hre.ethers.getContractAt("SettleToken", token, signer);
    await requireBalance(erc20, signer.address, quote.tokenAmount);
    const escrowAddress = await settle.escrow.getAddress();
    if ((await erc20.allowance(signer.address, escrowAddress)) < ceiling) {
      if (options.dryRun) throw new CliError("dry run: an approve must be sent first, so the payment cannot be simulated");
      reportSend("approved the escrow", await sendOrSimulate(hre, erc20, "approve", [escrowAddress, ceiling], options), options.json);
    }
    outcome = await sendOrSimulate(hre, settle.escrow, "payPriced", [id, token, ceiling], options);
  }
  const paid = options.dryRun ? quote.tokenAmount : (await settle.escrow.getInvoice(id)).amount;
  return {
    text: `paid invoice ${id} (${describePrice(price)}) with ${units(paid)}`,
    outcome,
    data: {
      currency: price.currency,
      price: price.price,
      token,
      amount: paid,
      ceiling,
      answer: quote.answer,
      feedDecimals: quote.feedDecimals,
      roundId: quote.roundId,
    },
  };
}
