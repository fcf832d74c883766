import { type JsonRpcProvider, Wallet } from "ethers";

/**
 * The relayer's account: a key of the operator's that pays the gas of payers' signed payments
 * (POST /invoices/{id}/relay). It only ever sends what the relay route built: PaymentEscrow.payRelayed on
 * Settle's own escrow.
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
  /** Signs and sends `data` to `to` paying at most `maxFeePerGas`; resolves with the transaction hash once accepted. */
  send(to: string, data: string, maxFeePerGas: bigint): Promise<string>;
}

/**
 * A {@link Relayer} with `privateKey` on `provider` (the API's own chain connection). Sends are serialised so two
 * requests never pick the same account nonce.
 */
export function walletRelayer(privateKey: string, provider: JsonRpcProvider): Relayer {
  const wallet = new Wallet(privateKey, provider);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    address: wallet.address,
    balance: () => provider.getBalance(wallet.address),
    gasPrice: async () => {
      const fee = await provider.getFeeData();
      const price = fee.gasPrice ?? fee.maxFeePerGas;
      if (price === null) throw new Error("the node reports no gas price");
      return price;
    },
    simulate: async (to, data) => {
      await provider.call({ from: wallet.address, to, data });
    },
    send: (to, data, maxFeePerGas) => {
      const sent = queue.then(async () => {
        const fee = await provider.getFeeData();
        const tip = fee.maxPriorityFeePerGas ?? 0n;
        const response = await wallet.sendTransaction({
          to,
          data,
          maxFeePerGas,
          maxPriorityFeePerGas: tip < maxFeePerGas ? tip : maxFeePerGas,
        });
        return response.hash;
      });
      queue = sent.catch(() => undefined);
      return sent;
    },
  };
}
