import { Signature, type Signer } from "ethers";

/** What {signPermit} needs of a token: EIP-2612's name and nonces views and an address. */
export interface PermitToken {
  name(): Promise<string>;
  nonces(owner: string): Promise<bigint>;
  getAddress(): Promise<string>;
}

/** EIP-2612's typed-data types for eth_signTypedData_v4. */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** An EIP-2612 permit, split as permit(...) and stakeWithPermit/payWithPermit take it. */
export interface SignedPermit {
  value: bigint;
  deadline: bigint;
  v: number;
  r: string;
  s: string;
}

/** Signs an EIP-2612 permit of `value` from `owner` to `spender`, valid until `deadline`. */
export async function signPermit(
  token: PermitToken,
  owner: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
): Promise<SignedPermit> {
  if (!owner.provider) throw new Error("the permit signer has no provider");
  const { chainId } = await owner.provider.getNetwork();
  const ownerAddress = await owner.getAddress();
  const signature = await owner.signTypedData(
    { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() },
    PERMIT_TYPES,
    { owner: ownerAddress, spender, value, nonce: await token.nonces(ownerAddress), deadline },
  );
  const { v, r, s } = Signature.from(signature);
  return { value, deadline, v, r, s };
}
