import { isZeroAddress } from "../../core/address";
import type { Chain } from "./chain";
import { decodeEscrowView, escrowViewCall } from "./escrow-tx";
import { fromNode } from "./node";

/** What the escrow's settings mean for a new invoice in one token. */
export interface EscrowTermsCheck {
  /** The protocol fee (basis points) the escrow would charge an invoice created now. */
  feeBps: number;
  /** Why the escrow would refuse the token (no code, or not on its allowlist); undefined when it accepts it. */
  tokenProblem?: string;
}

/**
 * Reads what PaymentEscrow checks in createInvoice about `token` and the fee, so the API refuses a draft the escrow
 * would refuse (EscrowTokenHasNoCode, EscrowTokenNotAllowed) and fills in the merchant's fee cap. A node that does not
 * answer is 503.
 */
export async function checkEscrowTerms(chain: Chain, escrow: string, token: string): Promise<EscrowTermsCheck> {
  const view = async (fn: "feeBps" | "allowlistEnabled", args: []) =>
    decodeEscrowView(fn, await fromNode(chain.call(escrow, escrowViewCall(fn, args))));
  const [feeBps, allowlistOn] = await Promise.all([view("feeBps", []), view("allowlistEnabled", [])]);
  const check: EscrowTermsCheck = { feeBps: Number(feeBps) };
  if (isZeroAddress(token)) return check;
  if ((await fromNode(chain.getCode(token))) === "0x") return { ...check, tokenProblem: "has no contract code on this network" };
  if (allowlistOn) {
    const allowed = decodeEscrowView("isTokenAllowed", await fromNode(chain.call(escrow, escrowViewCall("isTokenAllowed", [token]))));
    if (!allowed) return { ...check, tokenProblem: "is not on the escrow's list of accepted tokens" };
  }
  return check;
}
