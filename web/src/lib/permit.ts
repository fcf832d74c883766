/** EIP-2612 permits from the connected wallet, signed with core/permit's domain rule. */
import type { JsonRpcSigner } from "ethers";
import { signPermit, type SignedPermit } from "../../../core/permit";
import { erc20 } from "./contracts";

/** How long a permit signed by the page stays valid. */
export const PERMIT_LIFETIME_SECONDS = 60 * 60;

/**
 * Asks the wallet to sign an EIP-2612 permit (eth_signTypedData_v4) letting `spender` take `value` of `token` from
 * the signer, valid for an hour of chain time.
 */
export async function signWalletPermit(signer: JsonRpcSigner, token: string, spender: string, value: bigint): Promise<SignedPermit> {
  const provider = signer.provider;
  const [owner, block, network] = await Promise.all([signer.getAddress(), provider.getBlock("latest"), provider.getNetwork()]);
  const deadline = BigInt((block?.timestamp ?? Math.floor(Date.now() / 1000)) + PERMIT_LIFETIME_SECONDS);
  return signPermit(signer, erc20(token, provider), token, network.chainId, { owner, spender, value, deadline });
}

/** True when `token` looks like it supports EIP-2612 permits (it answers nonces(owner) and DOMAIN_SEPARATOR()). */
export async function supportsPermit(signer: JsonRpcSigner, token: string): Promise<boolean> {
  const contract = erc20(token, signer.provider);
  try {
    await contract.nonces(await signer.getAddress());
    await contract.DOMAIN_SEPARATOR();
    return true;
  } catch {
    return false;
  }
}
