/**
 * Quotes of invoices priced in a currency: the escrow's PriceFeeds registry converts the price into a token now
 * (IPriceFeeds.quote), and the API adds the payer's ceiling (core/invoice/currency's slippage rule). A token with no
 * feed is the caller's mistake (400); a doubtful answer (stale, out of bounds, incomplete round) is the feed's (409).
 */
import { Interface } from "ethers";
import { PriceFeedsAbi } from "../../core/abis/PriceFeeds";
import { isZeroAddress } from "../../core/address";
import { ceilingFor, currencyToBytes3, formatPrice, formatRate } from "../../core/invoice/currency";
import { ApiError } from "../lib/errors";
import type { Chain } from "./chain";
import { decodeEscrowView, escrowViewCall } from "./escrow-tx";
import { fromNode, nodeFailure } from "./node";
import { fieldError } from "./draft-builder";

const FEEDS = new Interface(PriceFeedsAbi);

/** A price converted into a token now, with the payer's ceiling (amounts in base units). */
export interface PriceQuote {
  currency: string;
  /** The price in hundredths, and as text ("12.50"). */
  priceHundredths: bigint;
  price: string;
  token: string;
  tokenAmount: bigint;
  /** What payPriced may take at most: tokenAmount plus `slippageBps`, rounded up. */
  maxTokenAmount: bigint;
  slippageBps: number;
  /** One whole token in the currency ("0.92"), from the feed's `answer` with `feedDecimals` decimals. */
  rate: string;
  answer: bigint;
  feedDecimals: number;
  roundId: bigint;
}

/** The registry PaymentEscrow `escrow` converts with; 409 when none is set. */
async function registryOf(chain: Chain, escrow: string): Promise<string> {
  const registry = decodeEscrowView("priceFeeds", await fromNode(chain.call(escrow, escrowViewCall("priceFeeds", [])))) as string;
  if (isZeroAddress(registry))
    throw new ApiError(409, "no_price_feeds", "The escrow has no price feed registry yet: an admin must call setPriceFeeds");
  return registry;
}

/** Revert data in a failed eth_call (ethers puts it on `data`), or undefined when the node did not answer. */
function revertData(error: unknown): string | undefined {
  const data = (error as { data?: unknown } | null)?.data;
  return typeof data === "string" && data.length >= 10 ? data : undefined;
}

/** The ApiError for a quote the registry refused with `data`. */
function quoteRefused(data: string, token: string, currency: string): ApiError {
  const name = FEEDS.parseError(data)?.name;
  const what = isZeroAddress(token) ? "ETH" : `token ${token}`;
  if (name === "PriceFeedsNoFeed") {
    return new ApiError(400, "no_price_feed", `No price feed converts ${currency} into ${what}: pay with a token that has a feed for it`);
  }
  return new ApiError(
    409,
    "price_unavailable",
    `The ${currency} feed of ${what} gives no usable price now (${name ?? "reverted"}): try again later or pay with another token`,
  );
}

/**
 * Quotes `priceHundredths` of `currency` in `token` at the registry's latest answer for PaymentEscrow `escrow`, with
 * the ceiling at `slippageBps`.
 *
 * @throws ApiError 400 for a token without a feed, 409 for an unusable answer or no registry, 503 if the node is down
 */
export async function quotePrice(
  chain: Chain,
  escrow: string,
  price: { currency: string; priceHundredths: bigint },
  token: string,
  slippageBps: number,
): Promise<PriceQuote> {
  const registry = await registryOf(chain, escrow);
  const data = FEEDS.encodeFunctionData("quote", [token, currencyToBytes3(price.currency), price.priceHundredths]);
  let result: string;
  try {
    result = await chain.call(registry, data);
  } catch (error) {
    const reverted = revertData(error);
    if (reverted) throw quoteRefused(reverted, token, price.currency);
    throw nodeFailure(error);
  }
  const [quote] = FEEDS.decodeFunctionResult("quote", result) as unknown as [
    { tokenAmount: bigint; answer: bigint; feedDecimals: bigint; roundId: bigint },
  ];
  const feedDecimals = Number(quote.feedDecimals);
  return {
    currency: price.currency,
    priceHundredths: price.priceHundredths,
    price: formatPrice(price.priceHundredths),
    token,
    tokenAmount: quote.tokenAmount,
    maxTokenAmount: ceilingFor(quote.tokenAmount, slippageBps),
    slippageBps,
    rate: formatRate(quote.answer, feedDecimals),
    answer: quote.answer,
    feedDecimals,
    roundId: quote.roundId,
  };
}

/**
 * Refuses a draft priced in `currency` that accepts only `token` when the escrow's registry has no feed converting the
 * currency into it (the invoice could never be paid). A draft taking any token (the zero address) needs the registry
 * only; a feed with no usable answer now is no reason to refuse a draft, as the payment is quoted later.
 *
 * @throws ApiError 400 naming `currency` when no feed exists, 409 when the escrow has no registry, 503 if the node is down
 */
export async function checkDraftFeed(
  chain: Chain,
  escrow: string,
  currency: string,
  token: string,
  priceHundredths: bigint,
): Promise<void> {
  if (isZeroAddress(token)) {
    await registryOf(chain, escrow);
    return;
  }
  try {
    await quotePrice(chain, escrow, { currency, priceHundredths }, token, 0);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === "no_price_feed")
      throw fieldError("currency", `has no price feed for token ${token}: choose a token with one, or 0x000…000 for any token`);
    if (error.code !== "price_unavailable") throw error;
  }
}
