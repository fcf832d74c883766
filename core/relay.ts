/**
 * Relayed payments (PaymentEscrow.payRelayed): the EIP-712 payment a payer signs so that anyone may submit it, and
 * the EIP-3009 authorisation that lets the escrow pull the tokens in the same call. One copy for the contract specs,
 * the API's relayer, the page and the tasks.
 */

import { PERMIT_TYPES, splitSignature } from "./permit";

/** The EIP-712 domain name and version PaymentEscrow signs relayed payments under. */
export const RELAY_DOMAIN = { name: "Settle PaymentEscrow", version: "1" } as const;

/** IPaymentEscrow.TokenPull: how a relayed payment pulls the payer's tokens. */
export const TOKEN_PULL = { Allowance: 0, Permit: 1, ReceiveWithAuthorization: 2 } as const;

/** One of {@link TOKEN_PULL}'s names. */
export type TokenPullName = keyof typeof TOKEN_PULL;

/** IPaymentEscrow.RelayedPayment's typed-data types for eth_signTypedData_v4. */
export const RELAYED_PAYMENT_TYPES: { RelayedPayment: Array<{ name: string; type: string }> } = {
  RelayedPayment: [
    { name: "id", type: "uint256" },
    { name: "amount", type: "uint256" },
    { name: "payer", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** EIP-3009 receiveWithAuthorization's typed-data types. */
export const RECEIVE_WITH_AUTHORIZATION_TYPES: { ReceiveWithAuthorization: Array<{ name: string; type: string }> } = {
  ReceiveWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** A payment the payer signs: invoice, amount in its token's base units, payer, an unused nonce, a deadline (unix s). */
export interface RelayedPayment {
  id: bigint;
  amount: bigint;
  payer: string;
  nonce: bigint;
  deadline: bigint;
}

/** The EIP-712 domain of relayed payments to `escrow` on `chainId`. */
export function relayDomain(chainId: bigint, escrow: string) {
  return { ...RELAY_DOMAIN, chainId, verifyingContract: escrow };
}

/** An EIP-712 domain as eth_signTypedData_v4 takes it. */
export interface TypedDataDomain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

/** The EIP-3009 authorisation of a ReceiveWithAuthorization pull: exactly the amount to the escrow, bound to the payment. */
export function receiveAuthorizationMessage(payment: RelayedPayment, escrow: string, paymentDigest: string) {
  return { from: payment.payer, to: escrow, value: payment.amount, validAfter: 0n, validBefore: payment.deadline, nonce: paymentDigest };
}

/** The EIP-2612 permit of a Permit pull: exactly the amount for the escrow until the payment's deadline. */
export function relayPermitMessage(payment: RelayedPayment, escrow: string, permitNonce: bigint) {
  return { owner: payment.payer, spender: escrow, value: payment.amount, nonce: permitNonce, deadline: payment.deadline };
}

/** Anything that signs EIP-712 typed data (an ethers Signer, a JsonRpcSigner on a wallet). */
export interface RelaySigner {
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, Array<{ name: string; type: string }>>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** What signing a relayed payment needs besides the payment: the chain, the escrow, and for the token pull its domain. */
export interface RelaySigningContext {
  chainId: bigint;
  escrow: string;
  /** The token's EIP-712 domain (core/permit's readPermitDomain); unused for Allowance. */
  tokenDomain?: TypedDataDomain;
  /** The payer's EIP-2612 nonce on the token (Permit only). */
  permitNonce?: bigint;
  /** The payment's EIP-712 digest (PaymentEscrow.relayedPaymentDigest), the EIP-3009 nonce (ReceiveWithAuthorization only). */
  paymentDigest?: string;
}

/** The body of POST /invoices/{id}/relay: uint256 as decimal text. */
export interface RelayRequestBody {
  payment: { id: string; amount: string; payer: string; nonce: string; deadline: string };
  signature: string;
  pull: { kind: TokenPullName; v: number; r: string; s: string };
}

/**
 * Signs `payment` as its payer and, unless `kind` is Allowance, the token pull (one or two wallet prompts), and
 * returns the relay request body. The page, the task and the specs all sign through here.
 *
 * @throws Error when the context lacks what `kind` needs
 */
export async function signRelayRequest(
  signer: RelaySigner,
  kind: TokenPullName,
  payment: RelayedPayment,
  context: RelaySigningContext,
): Promise<RelayRequestBody> {
  const signature = await signer.signTypedData(relayDomain(context.chainId, context.escrow), RELAYED_PAYMENT_TYPES, { ...payment });
  let pull: RelayRequestBody["pull"] = { kind, v: 0, r: ZERO_WORD, s: ZERO_WORD };
  if (kind !== "Allowance") {
    if (!context.tokenDomain) throw new Error(`a ${kind} pull needs the token's EIP-712 domain`);
    let tokenSignature: string;
    if (kind === "Permit") {
      if (context.permitNonce === undefined) throw new Error("a Permit pull needs the payer's permit nonce");
      tokenSignature = await signer.signTypedData(
        context.tokenDomain,
        PERMIT_TYPES,
        relayPermitMessage(payment, context.escrow, context.permitNonce),
      );
    } else {
      if (!context.paymentDigest) throw new Error("a ReceiveWithAuthorization pull needs the payment's digest");
      tokenSignature = await signer.signTypedData(
        context.tokenDomain,
        RECEIVE_WITH_AUTHORIZATION_TYPES,
        receiveAuthorizationMessage(payment, context.escrow, context.paymentDigest),
      );
    }
    pull = { kind, ...splitSignature(tokenSignature) };
  }
  const text = (value: bigint) => value.toString();
  return {
    payment: {
      id: text(payment.id),
      amount: text(payment.amount),
      payer: payment.payer,
      nonce: text(payment.nonce),
      deadline: text(payment.deadline),
    },
    signature,
    pull,
  };
}

const ZERO_WORD = `0x${"0".repeat(64)}`;
