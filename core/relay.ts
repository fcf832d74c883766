/**
 * Relayed payments (PaymentEscrow.payRelayed): the EIP-712 payment a payer signs so that anyone may submit it, and
 * the EIP-3009 authorisation that lets the escrow pull the tokens in the same call. One copy for the contract specs,
 * the API's relayer, the page and the tasks.
 */

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
