/** What every layer knows of a token: its metadata's shape, and native ETH as a token. */
import { ZERO_ADDRESS } from "./address";

/** A token's symbol, decimals and name, as its ERC-20 contract reports them. `address` is the zero address for ETH. */
export interface TokenMetadata {
  address: string;
  symbol: string;
  decimals: number;
  name: string;
}

/** Native ETH as a token (the zero address): the page's, the documents' and GET /blockchain/tokens' one definition. */
export const ETH: Readonly<TokenMetadata> = Object.freeze({ address: ZERO_ADDRESS, symbol: "ETH", decimals: 18, name: "Ether" });
