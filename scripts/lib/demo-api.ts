/**
 * The demo's side of the API: signing in with Ethereum, JSON requests, waiting for the index, and a relayed
 * payment's signatures (core/relay), as a client outside the API would make them.
 */
import { Contract, type HDNodeWallet, type JsonRpcProvider, type Wallet } from "ethers";
import { ERC20Abi } from "../../core/abis/ERC20";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { type PermitDomainReader, readPermitDomain } from "../../core/permit";
import { type RelayedPayment, signRelayRequest } from "../../core/relay";
import { SIWE_STATEMENT, siweMessage } from "../../core/siwe";
import type { DemoTarget } from "./demo";

/** A demo account's wallet. */
export type DemoWallet = Wallet | HDNodeWallet;

/** `payer`'s relayed payment of `amount` on invoice `id` with an EIP-3009 pull of `token`, valid for an hour. */
export async function signRelayed(
  provider: JsonRpcProvider,
  target: DemoTarget,
  payer: DemoWallet,
  invoice: { token: string; id: bigint; amount: bigint },
) {
  const escrow = target.deployment.contracts.PaymentEscrow.address;
  const chainId = BigInt(target.deployment.chainId);
  const block = await provider.getBlock("latest");
  const payment: RelayedPayment = {
    id: invoice.id,
    amount: invoice.amount,
    payer: payer.address,
    nonce: BigInt(block!.number),
    deadline: BigInt(block!.timestamp + 3600),
  };
  const token = new Contract(invoice.token, ERC20Abi, provider) as unknown as PermitDomainReader;
  return signRelayRequest(payer, "ReceiveWithAuthorization", payment, {
    chainId,
    escrow,
    tokenDomain: await readPermitDomain(token, chainId, invoice.token),
    paymentDigest: (await new Contract(escrow, PaymentEscrowAbi, provider).getFunction("relayedPaymentDigest")(payment)) as string,
  });
}

/** Signs `wallet` in to the API with Ethereum (nonce, EIP-4361 message, verify) and returns the session token. */
export async function signIn(target: DemoTarget, wallet: DemoWallet): Promise<string> {
  // The nonce is bound to this client by a cookie that POST /auth/verify needs back.
  const issued = await fetch(new URL("/auth/nonce", target.apiUrl));
  if (!issued.ok) throw new Error(`GET /auth/nonce: HTTP ${issued.status}`);
  const fields = (await issued.json()) as { nonce: string; domain: string; uri: string; chainId: number };
  const cookie = issued.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const message = siweMessage({
    domain: fields.domain,
    address: wallet.address,
    statement: SIWE_STATEMENT,
    uri: fields.uri,
    chainId: fields.chainId,
    nonce: fields.nonce,
    issuedAt: new Date().toISOString(),
  });
  const signature = await wallet.signMessage(message);
  return (await apiRequest<{ token: string }>(target, "POST", "/auth/verify", undefined, { message, signature }, { cookie })).token;
}

/** Polls GET /invoices/{id} (as `token`'s account) until the index has the invoice, for up to 30 s. */
export async function untilIndexed(target: DemoTarget, id: bigint, token: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const response = await fetch(new URL(`/invoices/${id}`, target.apiUrl), { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { onchain?: unknown };
    if (response.ok && body.onchain) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`invoice #${id} did not reach the index within 30 s`);
}

/** One JSON request to the API (`headers` added to it); throws with the API's own message on an error answer. */
export async function apiRequest<T>(
  target: DemoTarget,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(new URL(path, target.apiUrl), {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(`${method} ${path}: ${answer.error?.message ?? `HTTP ${response.status}`}`);
  return answer;
}
