/** Sending the invoice screen's transactions: through their phases in the screen's slot, then reading the invoice again. */
import type { ContractTransactionResponse, JsonRpcSigner, TransactionResponse } from "ethers";
import type { SettleContract } from "../../lib/contracts";
import type { TokenInfo } from "../../lib/format";
import { app } from "../../lib/state";
import { runTransaction, type TxPhase, type TxResult } from "../../lib/tx";
import type { InvoiceScreen } from "./screen";

/** How one transaction is sent: `run` asks the wallet, calling `phase` before each request. */
export type SendRun = (signer: JsonRpcSigner, phase: (phase: TxPhase) => void) => Promise<TransactionResponse>;

/** What the invoice screen's actions send transactions with. */
export interface InvoiceSender {
  /**
   * Sends one transaction under `title`. `withSignature` when a permit is signed first; `waitForIndex` false for
   * transactions the index keeps no history row for (an ERC-20 approval, a settlement proposal).
   */
  send(title: string, run: SendRun, options?: { withSignature?: boolean; waitForIndex?: boolean }): Promise<TxResult>;
  /** Sends one PaymentEscrow call from the wallet under `title`, then reads the invoice again. */
  escrowCall(
    title: string,
    call: (escrow: SettleContract<"PaymentEscrow">) => Promise<ContractTransactionResponse>,
    options?: { waitForIndex?: boolean },
  ): Promise<void>;
  /** Reads the invoice again when `result` was mined. */
  after(result: TxResult): Promise<void>;
}

/** The sender of `screen`'s actions, showing progress in `slot` and contract errors' amounts in `token`. */
export function invoiceSender(screen: InvoiceScreen, slot: HTMLElement, token: TokenInfo): InvoiceSender {
  const send: InvoiceSender["send"] = (title, run, options = {}) =>
    runTransaction({
      title,
      slot,
      withSignature: options.withSignature ?? false,
      waitForIndex: options.waitForIndex,
      errorContext: { decimals: token.decimals, symbol: token.symbol },
      send: async (phase) => run(await app.signer(), phase),
    });
  const after = async (result: TxResult) => {
    if (result.receipt) await screen.refresh();
  };
  return {
    send,
    after,
    escrowCall: (title, call, options) =>
      send(
        title,
        async (signer, phase) => {
          phase("wallet");
          return call(screen.deployment.contract("PaymentEscrow", signer));
        },
        options,
      ).then(after),
  };
}
