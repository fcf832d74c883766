/**
 * A whole local Settle for end-to-end tests: a real Hardhat node, the real deploy, the real
 * indexer, and helpers to send transactions from the node's unlocked accounts.
 */
import { readFileSync } from "node:fs";
import { Interface, Wallet } from "ethers";
import { join } from "node:path";
import type { Deployment } from "../../scripts/lib/deployments";
import { startIndexer, type RunningIndexer } from "./indexer";
import { REPO_ROOT, deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "./node";

/** Private keys of the Hardhat node's default accounts 0 to 3 (its well-known test mnemonic). */
export const HARDHAT_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
] as const;

/** PaymentEscrow's ABI from the artifacts. */
export const ESCROW_ABI = new Interface(
  (JSON.parse(readFileSync(join(REPO_ROOT, "artifacts/contracts/PaymentEscrow.sol/PaymentEscrow.json"), "utf8")) as { abi: never }).abi,
);

/** A mined, successful transaction. */
export interface MinedTransaction {
  hash: string;
  blockNumber: number;
}

/** A running node, deployment and indexer. */
export interface SettleStack {
  node: HardhatNode;
  deployment: TestDeployment;
  /** The deployment file's content (what the API's deployment source gives). */
  deploymentJson: Deployment;
  indexer: RunningIndexer;
  /** Wallets of accounts 0 to 3 (for signing in; transactions go through {@link SettleStack.send}). */
  wallets: Wallet[];
  /** Sends a transaction from an unlocked account (mined at once) and returns its receipt. */
  send(from: string, tx: { to: string; data: string; value?: string | bigint }): Promise<MinedTransaction>;
  /** Calls an escrow function from `from`. */
  escrow(from: string, fn: string, args: unknown[], value?: bigint): Promise<MinedTransaction>;
  /** The escrow's latest invoice id. */
  invoiceCount(): Promise<bigint>;
}

/** Starts node, deploy and indexer (stop them with stopAllProcesses). */
export async function startSettleStack(): Promise<SettleStack> {
  const node = await startHardhatNode();
  const deployment = await deploySettle(node);
  const indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir });
  const escrowAddress = deployment.contracts.PaymentEscrow.address;
  const send: SettleStack["send"] = async (from, tx) => {
    const value = tx.value === undefined ? 0n : BigInt(tx.value);
    const hash = await node.rpc<string>("eth_sendTransaction", [
      { from, to: tx.to, data: tx.data, value: `0x${value.toString(16)}`, gas: "0x1000000" },
    ]);
    const receipt = await node.rpc<{ status: string; blockNumber: string } | null>("eth_getTransactionReceipt", [hash]);
    if (!receipt || receipt.status !== "0x1") throw new Error(`transaction ${hash} failed`);
    return { hash, blockNumber: Number(receipt.blockNumber) };
  };
  return {
    node,
    deployment,
    deploymentJson: JSON.parse(readFileSync(deployment.path, "utf8")) as Deployment,
    indexer,
    wallets: HARDHAT_KEYS.map((key) => new Wallet(key)),
    send,
    escrow: (from, fn, args, value) => send(from, { to: escrowAddress, data: ESCROW_ABI.encodeFunctionData(fn, args), value }),
    async invoiceCount() {
      return BigInt(
        await node.rpc<string>("eth_call", [{ to: escrowAddress, data: ESCROW_ABI.encodeFunctionData("invoiceCount") }, "latest"]),
      );
    },
  };
}
