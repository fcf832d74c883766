/**
 * Tokens the deployment declares as a stablecoin of a currency (config/stablecoins.json), and the currency an invoice's
 * amounts are in: the one it is priced in, else its token's when declared; every layer (draft, page, e-invoice) asks here.
 */
import stablecoins from "../../config/stablecoins.json";
import { CURRENCY_CODE, PRICE_DECIMALS, taxRoundingUnit } from "./currency";

/** Per chain id: a token address, or the name of a token the deploy creates, -> its currency (config/stablecoins.json). */
export type StablecoinConfig = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The deployment's declaration, from config/stablecoins.json. */
export const STABLECOINS: StablecoinConfig = stablecoins.chains;

/** Tokens the deploy created (deployments/<network>.json `tokens`: name -> address), for names such as TestUSD. */
export type DeployedTokens = Readonly<Record<string, { address: string }>>;

/**
 * The currency a token is a stablecoin of on a chain, or null when the deployment declares none for it. `deployedTokens`
 * are the tokens the deploy created, for names such as TestUSD.
 */
export function stablecoinCurrency(
  chainId: number,
  token: string,
  deployedTokens: DeployedTokens = {},
  config: StablecoinConfig = STABLECOINS,
): string | null {
  for (const [key, currency] of Object.entries(config[String(chainId)] ?? {})) {
    const address = key.startsWith("0x") ? key : deployedTokens[key]?.address;
    if (address !== undefined && address.toLowerCase() === token.toLowerCase()) {
      if (!CURRENCY_CODE.test(currency)) throw new Error(`config/stablecoins.json: "${currency}" for ${key} is not an ISO 4217 code`);
      return currency;
    }
  }
  return null;
}

/** What decides how an invoice's amounts are written and its taxes rounded. */
export interface InvoiceMoney {
  chainId: number;
  /** The invoice's token: its address and decimals. */
  token: { address: string; decimals: number };
  /** The ISO 4217 code of an invoice priced in a currency (its amounts in hundredths of it); absent or null otherwise. */
  pricedIn?: string | null;
  deployedTokens?: DeployedTokens;
}

/**
 * The currency of an invoice's amounts and their decimals: the price's currency in hundredths for an invoice priced in
 * a currency, else the currency of its token, when declared a stablecoin, in the token's decimals; null for any other token.
 */
export function amountsCurrency(money: InvoiceMoney): { currency: string; decimals: number } | null {
  if (money.pricedIn) return { currency: money.pricedIn, decimals: PRICE_DECIMALS };
  const currency = stablecoinCurrency(money.chainId, money.token.address, money.deployedTokens);
  return currency === null ? null : { currency, decimals: money.token.decimals };
}

/**
 * The base units an invoice's taxes are rounded to (core/invoice/totals computeInvoiceTotals): the minor unit of the
 * currency its amounts are in (at most a cent), else one base unit of its token.
 */
export function invoiceTaxUnit(money: InvoiceMoney): bigint {
  const amounts = amountsCurrency(money);
  return amounts === null ? 1n : taxRoundingUnit(amounts.decimals, amounts.currency);
}
