import stablecoins from "../config/stablecoins.json";

/** An ISO 4217 currency code: three capital letters. */
const CURRENCY_CODE = /^[A-Z]{3}$/;

/** Per chain id: a token address, or the name of a token the deploy creates, -> its currency (config/stablecoins.json). */
export type StablecoinConfig = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The deployment's declaration, from config/stablecoins.json. */
export const STABLECOINS: StablecoinConfig = stablecoins.chains;

/**
 * The currency a token is a stablecoin of on a chain, or null when the deployment declares none for it. `deployedTokens`
 * are the tokens the deploy created (deployments/<network>.json `tokens`: name -> address), for names such as TestUSD.
 */
export function stablecoinCurrency(
  chainId: number,
  token: string,
  deployedTokens: Readonly<Record<string, { address: string }>> = {},
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
