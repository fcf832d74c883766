import { isError } from "ethers";
import { type RevertFormat, describeContractError, findRevertData } from "../../core/revert";
import { ApiError } from "../lib/errors";
import { decodeRevert } from "./escrow-tx";
import type { Relayer } from "./relayer";
import { nodeFailure } from "./node";

/** Reverts that mean the invoice or the nonce moved on (409); any other revert is a bad request (400). */
const CONFLICTS = new Set(["EscrowRelayNonceUsed", "EscrowInvalidStatus", "EscrowOverpayment", "EscrowInvoiceNotFound", "EnforcedPause"]);

/** Amounts in base units, times in ISO 8601, addresses in full: the API's JSON conventions. */
const FORMAT: RevertFormat = {
  amount: (value) => `${String(value)} (base units)`,
  dateTime: (seconds) => new Date(seconds * 1000).toISOString(),
  address: (address) => address,
};

/**
 * Runs the relayer's transaction (`data` to `escrow`) as an eth_call first, so a payment that would revert costs the
 * operator nothing. A revert becomes 409 (state moved on) or 400 (bad signature, expired, short balance...) with
 * core/revert's sentence and the error's name in details; a node that does not answer becomes 503 naming the problem.
 */
export async function simulateRelay(relayer: Relayer, escrow: string, data: string): Promise<void> {
  try {
    await relayer.simulate(escrow, data);
  } catch (err) {
    const revert = findRevertData(err);
    if (revert === undefined && !isError(err, "CALL_EXCEPTION")) throw nodeFailure(err);
    const decoded = revert === undefined ? undefined : decodeRevert(revert);
    if (!decoded) {
      throw new ApiError(400, "relay_refused", "The payment would fail on chain (an unknown revert): check the signatures and the token", {
        revertData: revert ?? "0x",
      });
    }
    const sentence = describeContractError(decoded.name, decoded.args, FORMAT) ?? `The payment would fail on chain (${decoded.name}).`;
    const code = decoded.name === "EscrowRelayExpired" ? "relay_expired" : "relay_refused";
    throw new ApiError(CONFLICTS.has(decoded.name) ? 409 : 400, code, sentence, { error: decoded.name });
  }
}
