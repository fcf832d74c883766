import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { randomBytes } from "node:crypto";
import type { Signer } from "ethers";
import { type PermitDomainReader, readPermitDomain } from "../../core/permit";
import { type RelayedPayment, type TokenPullName, signRelayRequest } from "../../core/relay";
import { apiRefusal, callApi } from "./api";
import { CliError } from "./cli";
import type { SendOutcome } from "./send";
import type { Settle } from "./settle";

/** How long a gasless payment's signatures stay valid, in seconds of chain time. */
const VALIDITY_SECONDS = 3600n;

/**
 * The pull a token allows for a relayed payment: EIP-3009 when it answers authorizationState, else an EIP-2612
 * permit when it answers nonces, else the allowance if it covers `amount`.
 */
async function pullFor(
  hre: HardhatRuntimeEnvironment,
  token: string,
  payer: string,
  escrow: string,
  amount: bigint,
): Promise<TokenPullName> {
  const usd = await hre.ethers.getContractAt("TestUSD", token);
  if (
    await usd.authorizationState(payer, `0x${"0".repeat(64)}`).then(
      () => true,
      () => false,
    )
  )
    return "ReceiveWithAuthorization";
  if (
    await usd.nonces(payer).then(
      () => true,
      () => false,
    )
  )
    return "Permit";
  if ((await usd.allowance(payer, escrow)) >= amount) return "Allowance";
  throw new CliError(`the token ${token} has neither EIP-3009 nor permits, and the allowance is short: pay without --gasless`);
}

/**
 * Pays `amount` of invoice `id` without ETH: `signer` signs the payment and the token authorisation, the API's relayer
 * (POST {apiUrl}/invoices/{id}/relay, no session: the signatures are the authorisation) submits it; waits for the
 * receipt.
 *
 * @throws CliError with the API's sentence when the relay refuses
 */
export async function payGasless(
  hre: HardhatRuntimeEnvironment,
  settle: Settle,
  signer: Signer,
  invoice: { id: bigint; token: string },
  amount: bigint,
  apiUrl: string,
): Promise<SendOutcome & { relayer: string }> {
  const payer = await signer.getAddress();
  const escrow = await settle.escrow.getAddress();
  const kind = await pullFor(hre, invoice.token, payer, escrow, amount);
  const block = await hre.ethers.provider.getBlock("latest");
  const payment: RelayedPayment = {
    id: invoice.id,
    amount,
    payer,
    nonce: BigInt(`0x${randomBytes(16).toString("hex")}`),
    deadline: BigInt(block!.timestamp) + VALIDITY_SECONDS,
  };
  const chainId = BigInt(settle.deployment.chainId);
  const token = await hre.ethers.getContractAt("TestUSD", invoice.token);
  const body = await signRelayRequest(signer, kind, payment, {
    chainId,
    escrow,
    tokenDomain: kind === "Allowance" ? undefined : await readPermitDomain(token as unknown as PermitDomainReader, chainId, invoice.token),
    permitNonce: kind === "Permit" ? await token.nonces(payer) : undefined,
    paymentDigest: kind === "ReceiveWithAuthorization" ? await settle.escrow.relayedPaymentDigest(payment) : undefined,
  });
  const response = await callApi(apiUrl, `/invoices/${invoice.id}/relay`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new CliError(`the relayer refused (${await apiRefusal(response)})`);
  const answer = (await response.json()) as { txHash: string; relayer: string };
  const receipt = await receiptOf(hre, answer.txHash);
  if (receipt.status !== 1) throw new CliError(`the relayed transaction ${answer.txHash} failed on chain`);
  return { dryRun: false, hash: receipt.hash, block: receipt.blockNumber, gasUsed: receipt.gasUsed.toString(), relayer: answer.relayer };
}

/** Polls for the receipt of `hash` (sent by someone else, so no TransactionResponse to wait on) for up to a minute. */
async function receiptOf(hre: HardhatRuntimeEnvironment, hash: string) {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    const receipt = await hre.ethers.provider.getTransactionReceipt(hash);
    if (receipt) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new CliError(`the relayer sent ${hash}, but it was not mined within a minute: check it later`);
}
