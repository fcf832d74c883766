import { ApiError } from "../lib/errors";
import type { Chain } from "./chain";
import { allowanceCall, decodeAllowance } from "./escrow-tx";
import { fromNode } from "./node";

/**
 * What `owner` lets `spender` take of ERC-20 `token` now, read from the node (the approve step of a payment is left
 * out when it covers the amount).
 *
 * @throws ApiError 409 `token_unreadable` when `token` does not answer allowance(), 503 when the node does not answer
 */
export async function readAllowance(chain: Chain, token: string, owner: string, spender: string): Promise<bigint> {
  const raw = await fromNode(chain.call(token, allowanceCall(owner, spender)));
  try {
    return decodeAllowance(raw);
  } catch {
    throw new ApiError(409, "token_unreadable", `The token ${token} does not answer allowance(): it is not an ERC-20 on this chain`);
  }
}
