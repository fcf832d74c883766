import { randomBytes } from "node:crypto";
import { Interface, TypedDataEncoder } from "ethers";
import { ERC20Abi } from "../../core/abis/ERC20";
import { PERMIT_TYPES, type PermitDomain, readPermitDomain } from "../../core/permit";
import {
  RECEIVE_WITH_AUTHORIZATION_TYPES,
  RELAYED_PAYMENT_TYPES,
  type RelayedPayment,
  type TokenPullName,
  receiveAuthorizationMessage,
  relayDomain,
  relayPermitMessage,
} from "../../core/relay";
import type { Chain } from "./chain";
import { NodeProblemError } from "../lib/errors";
import type { Target, UnsignedTx } from "./escrow-tx";

/**
 * The other ways to pay an ERC-20 invoice that POST /invoices/{id}/transactions offers besides approve + pay: the
 * EIP-2612 permit path (sign, then send payWithPermit) and, with the relayer on, the relayed path (sign, then post to
 * the relay endpoint). Each comes with the typed data ready for eth_signTypedData_v4.
 */

/** How long the signatures these paths ask for stay valid. */
export const SIGNATURE_LIFETIME_SECONDS = 3600;

const ERC20 = new Interface(ERC20Abi);
/** EIP-3009's view; not part of ERC-20, so not in core/abis/ERC20: it tells whether a token has receiveWithAuthorization. */
const EIP3009 = new Interface(["function authorizationState(address authorizer, bytes32 nonce) view returns (bool)"]);

/** An eth_signTypedData_v4 payload (EIP712Domain included; uint256 as decimal text). */
export type TypedDataPayload = ReturnType<typeof TypedDataEncoder.getPayload>;

/** What a token supports for signature-based pulls, read from the chain. */
export interface TokenSigning {
  /** The token's EIP-712 domain, or null when it has no EIP-2612 nonces (no permit and no EIP-3009 assumed). */
  domain: PermitDomain | null;
  /** The owner's EIP-2612 nonce. */
  permitNonce: bigint;
  /** Whether it answers EIP-3009's authorizationState. */
  eip3009: boolean;
}

/** Reads whether `token` has EIP-2612 (nonces and a domain) and EIP-3009 (authorizationState) for `owner`. */
export async function readTokenSigning(chain: Chain, token: string, owner: string, chainId: number): Promise<TokenSigning> {
  const read = async (iface: Interface, fn: string, args: unknown[]) =>
    iface.decodeFunctionResult(fn, await chain.call(token, iface.encodeFunctionData(fn, args)));
  let permitNonce: bigint;
  let domain: PermitDomain;
  try {
    permitNonce = (await read(ERC20, "nonces", [owner]))[0] as bigint;
    domain = await readPermitDomain(
      { eip712Domain: () => read(ERC20, "eip712Domain", []), name: async () => String((await read(ERC20, "name", []))[0]) },
      BigInt(chainId),
      token,
    );
  } catch (error) {
    // A revert means "no permit"; the node failing in transport is reported as such.
    if (error instanceof NodeProblemError) throw error;
    return { domain: null, permitNonce: 0n, eip3009: false };
  }
  const eip3009 = await read(EIP3009, "authorizationState", [owner, `0x${"0".repeat(64)}`]).then(
    () => true,
    (error: unknown) => {
      if (error instanceof NodeProblemError) throw error;
      return false;
    },
  );
  return { domain, permitNonce, eip3009 };
}

/** The permit path: the EIP-2612 permit to sign, then payWithPermit with the signature's v, r, s. */
export function permitAlternative(payer: string, id: bigint, amount: bigint, deadline: bigint, signing: TokenSigning, escrow: Target) {
  if (!signing.domain) return undefined;
  const message = { owner: payer, spender: escrow.to, value: amount, nonce: signing.permitNonce, deadline };
  const call: Omit<UnsignedTx, "data"> & { function: string; args: Record<string, string> } = {
    action: "payWithPermit",
    to: escrow.to,
    value: "0",
    chainId: escrow.chainId,
    function: "payWithPermit(uint256 id, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)",
    args: { id: id.toString(), amount: amount.toString(), deadline: deadline.toString() },
  };
  return { typedData: TypedDataEncoder.getPayload(signing.domain, PERMIT_TYPES, message), then: call };
}

/**
 * The relayed path: the RelayedPayment to sign, then the token pull to sign (EIP-3009 when the token has it, else
 * permit), and the body to post to `endpoint` with the signatures filled in.
 */
export function relayedAlternative(payer: string, id: bigint, amount: bigint, deadline: bigint, signing: TokenSigning, escrow: Target) {
  if (!signing.domain) return undefined;
  const payment: RelayedPayment = { id, amount, payer, nonce: BigInt(`0x${randomBytes(16).toString("hex")}`), deadline };
  const domain = relayDomain(BigInt(escrow.chainId), escrow.to);
  const kind: TokenPullName = signing.eip3009 ? "ReceiveWithAuthorization" : "Permit";
  const pullTypedData = signing.eip3009
    ? TypedDataEncoder.getPayload(
        signing.domain,
        RECEIVE_WITH_AUTHORIZATION_TYPES,
        receiveAuthorizationMessage(payment, escrow.to, TypedDataEncoder.hash(domain, RELAYED_PAYMENT_TYPES, payment)),
      )
    : TypedDataEncoder.getPayload(signing.domain, PERMIT_TYPES, relayPermitMessage(payment, escrow.to, signing.permitNonce));
  return {
    endpoint: `/invoices/${id}/relay`,
    pull: kind,
    payment: { id: id.toString(), amount: amount.toString(), payer, nonce: payment.nonce.toString(), deadline: deadline.toString() },
    typedData: { payment: TypedDataEncoder.getPayload(domain, RELAYED_PAYMENT_TYPES, payment), pull: pullTypedData },
  };
}
