/** "Pay without ETH": the payer signs, Settle's relayer submits PaymentEscrow.payRelayed and pays the gas. */
import { chainQuery } from "../../ui/chains";
import { Signature, type JsonRpcSigner, type TransactionResponse } from "ethers";
import { api } from "../../lib/api";
import { app } from "../../lib/state";

let relayer: Promise<boolean> | undefined;

/** Whether the API relays payments (GET /health's relayer.enabled); asked once per page load, false when unknown. */
export function relayerOn(): Promise<boolean> {
  relayer ??= api.health().then(
    (health) => health.relayer.enabled,
    () => false,
  );
  return relayer;
}

/** An eth_signTypedData_v4 payload as the API offers it. */
interface TypedData {
  types: Record<string, Array<{ name: string; type: string }>>;
  domain: Record<string, unknown>;
  message: Record<string, unknown>;
}

/** Signs `typed` in the wallet (ethers derives EIP712Domain itself, so it is left out of the types). */
function signTyped(signer: JsonRpcSigner, { types, domain, message }: TypedData): Promise<string> {
  const own = Object.fromEntries(Object.entries(types).filter(([name]) => name !== "EIP712Domain"));
  return signer.signTypedData(domain, own, message);
}

/**
 * Pays `amount` of invoice `id` without ETH: asks the API for the relayed path, has the wallet sign the payment and
 * the token authorisation (two signature prompts, no transaction), posts them to the relay endpoint and returns the
 * relayer's transaction, which the page follows like its own.
 *
 * @throws Error when the token supports neither EIP-3009 nor permits, or the relayer is off
 */
export async function payWithoutEth(signer: JsonRpcSigner, id: string, amount: bigint, symbol: string): Promise<TransactionResponse> {
  const { alternatives } = await api.payTransactions(id, amount, chainQuery(app.deployment?.chainId));
  const relayed = alternatives?.relayed;
  if (!relayed) throw new Error(`${symbol} cannot be paid without ETH here (no relayer, or no EIP-3009 or permit): choose another way.`);
  const signature = await signTyped(signer, relayed.typedData.payment);
  const pull = Signature.from(await signTyped(signer, relayed.typedData.pull));
  const { txHash } = await api.relay(relayed.endpoint, {
    payment: relayed.payment,
    signature,
    pull: { kind: relayed.pull, v: pull.v, r: pull.r, s: pull.s },
  });
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const response = await signer.provider.getTransaction(txHash);
    if (response) return response;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The relayer sent ${txHash}, but the wallet's node does not know it yet: look it up later.`);
}
