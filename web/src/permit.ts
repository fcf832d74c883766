import { Signature, type JsonRpcSigner } from "ethers";
import { erc20 } from "./contracts";
import { PERMIT_TYPES } from "../../core/permit";

/** An EIP-2612 permit split the way stakeWithPermit and payWithPermit take it. */
export interface SignedPermit {
  deadline: bigint;
  v: number;
  r: string;
  s: string;
}

/** How long a permit signed by the page stays valid. */
export const PERMIT_LIFETIME_SECONDS = 60 * 60;

/**
 * Asks the wallet to sign an EIP-2612 permit (eth_signTypedData_v4) letting `spender` take `value`
 * of `token` from the signer, valid for an hour of chain time. The token's EIP-712 domain is read
 * from its eip712Domain() (EIP-5267), falling back to its name and version "1".
 */
export async function signPermit(signer: JsonRpcSigner, token: string, spender: string, value: bigint): Promise<SignedPermit> {
  const provider = signer.provider;
  const contract = erc20(token, provider);
  const owner = await signer.getAddress();
  const [nonce, block, domain] = await Promise.all([
    contract.getFunction("nonces")(owner) as Promise<bigint>,
    provider.getBlock("latest"),
    permitDomain(token, signer),
  ]);
  const deadline = BigInt((block?.timestamp ?? Math.floor(Date.now() / 1000)) + PERMIT_LIFETIME_SECONDS);
  const signature = await signer.signTypedData(domain, PERMIT_TYPES, { owner, spender, value, nonce, deadline });
  const { v, r, s } = Signature.from(signature);
  return { deadline, v, r, s };
}

async function permitDomain(
  token: string,
  signer: JsonRpcSigner,
): Promise<{ name: string; version: string; chainId: bigint; verifyingContract: string }> {
  const contract = erc20(token, signer.provider);
  const chainId = (await signer.provider.getNetwork()).chainId;
  try {
    const domain = (await contract.getFunction("eip712Domain")()) as unknown as [string, string, string, bigint, string];
    return { name: domain[1], version: domain[2], chainId, verifyingContract: token };
  } catch {
    return { name: String(await contract.getFunction("name")()), version: "1", chainId, verifyingContract: token };
  }
}

/** True when `token` looks like it supports EIP-2612 permits (it answers nonces(owner)). */
export async function supportsPermit(signer: JsonRpcSigner, token: string): Promise<boolean> {
  try {
    await erc20(token, signer.provider).getFunction("nonces")(await signer.getAddress());
    await erc20(token, signer.provider).getFunction("DOMAIN_SEPARATOR")();
    return true;
  } catch {
    return false;
  }
}
