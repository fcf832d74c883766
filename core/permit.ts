/**
 * EIP-2612 permits: the typed data a token owner signs so that a spender (the escrow, the staking pool) can pull its
 * tokens in the same transaction. One domain rule for every signer: the token's own EIP-5267 `eip712Domain()`,
 * falling back to its `name()` and version "1" for tokens without it.
 */

/** EIP-2612's typed-data types for eth_signTypedData_v4. */
export const PERMIT_TYPES: { Permit: Array<{ name: string; type: string }> } = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** An EIP-712 domain of a permit token. */
export interface PermitDomain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

/** What {@link readPermitDomain} needs of a token (an ethers Contract typed from core/abis/ERC20 fits). */
export interface PermitDomainReader {
  eip712Domain(): Promise<readonly [string, string, string, bigint, string, string, readonly bigint[]] | ArrayLike<unknown>>;
  name(): Promise<string>;
}

/** The EIP-712 domain of `token` on `chainId`: EIP-5267's eip712Domain(), else name() with version "1". */
export async function readPermitDomain(reader: PermitDomainReader, chainId: bigint, token: string): Promise<PermitDomain> {
  try {
    const domain = (await reader.eip712Domain()) as ArrayLike<unknown>;
    return { name: String(domain[1]), version: String(domain[2]), chainId, verifyingContract: token };
  } catch {
    return { name: await reader.name(), version: "1", chainId, verifyingContract: token };
  }
}

/** The Permit message: `owner` lets `spender` take `value` until `deadline` (unix seconds), with the owner's nonce. */
export interface PermitMessage {
  owner: string;
  spender: string;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
}

/** A permit signature split as permit(...), stakeWithPermit and payWithPermit take it. */
export interface SignedPermit {
  value: bigint;
  deadline: bigint;
  v: number;
  r: string;
  s: string;
}

/** Splits a 65-byte signature (0x + r + s + v) into v, r and s; v is 27 or 28. */
export function splitSignature(signature: string): { v: number; r: string; s: string } {
  const hex = signature.startsWith("0x") ? signature.slice(2) : signature;
  if (!/^[0-9a-fA-F]{130}$/.test(hex)) throw new Error("a signature is 65 bytes (0x followed by 130 hex digits)");
  const v = parseInt(hex.slice(128, 130), 16);
  return { r: `0x${hex.slice(0, 64)}`, s: `0x${hex.slice(64, 128)}`, v: v < 27 ? v + 27 : v };
}

/** Anything that signs EIP-712 typed data (an ethers Signer or JsonRpcSigner). */
export interface TypedDataSigner {
  signTypedData(
    domain: PermitDomain,
    types: { Permit: Array<{ name: string; type: string }> },
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** What {@link signPermit} reads of the token besides its domain. */
export interface PermitToken extends PermitDomainReader {
  nonces(owner: string): Promise<bigint>;
}

/**
 * Signs an EIP-2612 permit of `value` from `owner` to `spender`, valid until `deadline`, with the token's own domain.
 *
 * @param token the token contract (reads eip712Domain/name and nonces)
 * @param tokenAddress its address (the domain's verifyingContract)
 */
export async function signPermit(
  signer: TypedDataSigner,
  token: PermitToken,
  tokenAddress: string,
  chainId: bigint,
  message: Omit<PermitMessage, "nonce">,
): Promise<SignedPermit> {
  const [domain, nonce] = await Promise.all([readPermitDomain(token, chainId, tokenAddress), token.nonces(message.owner)]);
  const signature = await signer.signTypedData(domain, PERMIT_TYPES, { ...message, nonce });
  return { value: message.value, deadline: message.deadline, ...splitSignature(signature) };
}
