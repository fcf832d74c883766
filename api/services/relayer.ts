import { type JsonRpcProvider, Transaction, Wallet } from "ethers";
import { NodeProblemError } from "../lib/errors";
import { askNode } from "./node";
import { providerUrl } from "./chain";

/**
 * The relayer's account: a key of the operator's that pays the gas of payers' signed payments
 * (POST /invoices/{id}/relay). It only ever sends what the relay route built: PaymentEscrow.payRelayed on
 * Settle's own escrow. A transport failure of the node rejects with NodeProblemError (503 naming the node).
 */
export interface Relayer {
  /** The relayer's address (EIP-55). */
  address: string;
  /** Its ETH balance in wei. */
  balance(): Promise<bigint>;
  /** The network's gas price in wei (eth_gasPrice, else the EIP-1559 max fee). */
  gasPrice(): Promise<bigint>;
  /** eth_call of `data` to `to` from the relayer's address at the latest block; throws the node's error on a revert. */
  simulate(to: string, data: string): Promise<void>;
  /**
   * Signs and sends `data` to `to` paying at most `maxFeePerGas`; resolves with the transaction hash once accepted.
   * Never sends twice: when eth_sendRawTransaction fails in transport (it may have reached the node), the signed
   * transaction's hash is looked up first, and only a transaction the node does not have is reported as not sent.
   */
  send(to: string, data: string, maxFeePerGas: bigint): Promise<string>;
}

/**
 * A {@link Relayer} with `privateKey` on `provider` (the API's own chain connection; `url` names its node in problems).
 * Sends are serialised so two requests never pick the same account nonce.
 */
export function walletRelayer(privateKey: string, provider: JsonRpcProvider, url = providerUrl(provider)): Relayer {
  const wallet = new Wallet(privateKey, provider);
  let queue: Promise<unknown> = Promise.resolve();

  /** Broadcasts `signed`; on a transport failure, resolves anyway when the node has the transaction after all. */
  const broadcast = async (signed: string): Promise<string> => {
    const hash = Transaction.from(signed).hash!;
    try {
      await askNode(url, provider.broadcastTransaction(signed));
      return hash;
    } catch (error) {
      if (!(error instanceof NodeProblemError)) throw error;
      // The request may have reached the node before the connection failed: ask by hash rather than resend.
      const known = await askNode(url, provider.getTransaction(hash)).catch(() => undefined);
      if (known) return hash;
      if (known === undefined)
        throw new NodeProblemError({
          ...error.problem,
          message: `${error.problem.message}. Whether transaction ${hash} reached it is not known: follow it at /transactions/${hash} before paying again`,
        });
      throw error;
    }
  };

  return {
    address: wallet.address,
    balance: () => askNode(url, provider.getBalance(wallet.address)),
    gasPrice: async () => {
      const fee = await askNode(url, provider.getFeeData());
      const price = fee.gasPrice ?? fee.maxFeePerGas;
      if (price === null) throw new Error("the node reports no gas price");
      return price;
    },
    simulate: async (to, data) => {
      await askNode(url, provider.call({ from: wallet.address, to, data }));
    },
    send: (to, data, maxFeePerGas) => {
      const sent = queue.then(async () => {
        const fee = await askNode(url, provider.getFeeData());
        const tip = fee.maxPriorityFeePerGas ?? 0n;
        const populated = await askNode(
          url,
          wallet.populateTransaction({ to, data, maxFeePerGas, maxPriorityFeePerGas: tip < maxFeePerGas ? tip : maxFeePerGas }),
        );
        return broadcast(await wallet.signTransaction(populated));
      });
      queue = sent.catch(() => undefined);
      return sent;
    },
  };
}
