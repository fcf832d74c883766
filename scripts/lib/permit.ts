import type { Signer } from "ethers";
import { signPermit as signWithDomain, type PermitToken, type SignedPermit } from "../../core/permit";

export type { SignedPermit };

/** A permit token as ethers contracts (TypeChain or core/abis-typed) present it. */
export interface EthersPermitToken extends PermitToken {
  getAddress(): Promise<string>;
}

/**
 * Signs an EIP-2612 permit of `value` from `owner` to `spender`, valid until `deadline`, with the token's own
 * EIP-712 domain (core/permit): the ethers face of core's signPermit for the tasks, the tests and the benchmarks.
 */
export async function signPermit(
  token: EthersPermitToken,
  owner: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<SignedPermit> {
  if (!owner.provider) throw new Error("the permit signer has no provider");
  const [{ chainId }, ownerAddress, tokenAddress] = await Promise.all([
    owner.provider.getNetwork(),
    owner.getAddress(),
    token.getAddress(),
  ]);
  return signWithDomain(owner, token, tokenAddress, chainId, { owner: ownerAddress, spender, value, deadline });
}
