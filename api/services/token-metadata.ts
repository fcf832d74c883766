import { Interface, getAddress, isError } from "ethers";
import { chainName } from "../../core/chains";
import { ETH, type TokenMetadata } from "../../core/token";
import { ApiError } from "../lib/errors";
import { TtlCache } from "../lib/ttl-cache";
import { type ChainDeps, chainsOf } from "./networks";
import { nodeFailure } from "./node";

const ERC20_METADATA = new Interface([
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function name() view returns (string)",
]);

/** Reads tokens' metadata from their contracts, through the API's own node of each served chain. */
export interface TokenMetadataReader {
  /**
   * Symbol, decimals and name of the token at `address` on chain `chainId` (ETH for the zero address), cached for an
   * hour; undefined when it is not a token (no code, or no usable `decimals()`).
   *
   * @throws ApiError 400 `unknown_chain` when the chain is not served; 503 `node_*` when its node does not answer
   */
  read(address: string, chainId: number): Promise<TokenMetadata | undefined>;
  /** {@link TokenMetadataReader.read}, or ApiError 422 `not_a_token` saying why the address is not one. */
  require(address: string, chainId: number): Promise<TokenMetadata>;
}

/** A symbol or name as a token reports it, without control or markup characters, at most `max` long. */
function cleaned(value: unknown, allowed: RegExp, max: number): string {
  return typeof value === "string" ? value.replace(allowed, "").trim().slice(0, max) : "";
}

/**
 * The one reader of token metadata: documents (GET /invoices/{id}/document), drafts and GET /blockchain/tokens use it.
 * Answers are cached per chain and address for an hour (a token's metadata does not change); "not a token" is not.
 */
export function tokenMetadata(deps: ChainDeps, now: () => number): TokenMetadataReader {
  const cache = new TtlCache<TokenMetadata>(3600_000, 1000);

  async function read(address: string, chainId: number): Promise<TokenMetadata | undefined> {
    const { chain } = chainsOf(deps).require(chainId);
    const checksummed = getAddress(address);
    if (BigInt(checksummed) === 0n) return ETH;
    const key = `${chainId}:${checksummed}`;
    const cached = cache.get(key, now());
    if (cached) return cached;
    // A revert or an empty answer means "no such function"; anything else means the node is not answering.
    const call = async (fn: "symbol" | "decimals" | "name"): Promise<unknown> => {
      try {
        return ERC20_METADATA.decodeFunctionResult(fn, await chain.call(checksummed, ERC20_METADATA.encodeFunctionData(fn)))[0];
      } catch (err) {
        if (isError(err, "CALL_EXCEPTION") || isError(err, "BAD_DATA")) return undefined;
        throw nodeFailure(err);
      }
    };
    const [symbolValue, decimalsValue, nameValue] = await Promise.all([call("symbol"), call("decimals"), call("name")]);
    const decimals = typeof decimalsValue === "bigint" ? Number(decimalsValue) : undefined;
    if (decimals === undefined || decimals > 36) return undefined;
    const symbol = cleaned(symbolValue, /[^\p{L}\p{N}._-]/gu, 16) || `${checksummed.slice(0, 8)}…`;
    const info: TokenMetadata = { address: checksummed, symbol, decimals, name: cleaned(nameValue, /[\p{C}<>]/gu, 64) || symbol };
    cache.set(key, info, now());
    return info;
  }

  return {
    read,
    async require(address, chainId) {
      const info = await read(address, chainId);
      if (info) return info;
      const checksummed = getAddress(address);
      let code: string;
      try {
        code = await chainsOf(deps).require(chainId).chain.getCode(checksummed);
      } catch (err) {
        throw nodeFailure(err);
      }
      const where = `on chain ${chainId} (${chainName(chainId)})`;
      throw new ApiError(
        422,
        "not_a_token",
        code === "0x"
          ? `${checksummed} has no contract code ${where}: not a token (check the address and the chainId)`
          : `The contract at ${checksummed} ${where} does not answer decimals() like an ERC-20 token`,
        { chainId, address: checksummed },
      );
    },
  };
}
