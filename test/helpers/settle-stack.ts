/**
 * A whole local Settle for end-to-end tests: a real Hardhat node, the real deploy, the real
 * indexer, and helpers to send transactions from the node's unlocked accounts.
 */
import { readFileSync } from "node:fs";
import { HDNodeWallet, Interface, Wallet } from "ethers";
import { join } from "node:path";
import type { Deployment } from "../../core/deployment";
import { IndexReader } from "../../api/index/reader";
import { startStack, type ChainCount, type LocalChain } from "../../scripts/stack/stack";
import type { RunningIndexer } from "./indexer";
import { REPO_ROOT, type HardhatNode, type TestDeployment } from "./node";

/** The Hardhat node's default mnemonic: its accounts are public test keys. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** Private key of the Hardhat node's default account `i`. */
export function hardhatKey(i: number): string {
  return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).privateKey;
}

/** PaymentEscrow's ABI from the artifacts. */
const ESCROW_ABI = new Interface(
  (JSON.parse(readFileSync(join(REPO_ROOT, "artifacts/contracts/PaymentEscrow.sol/PaymentEscrow.json"), "utf8")) as { abi: never }).abi,
);

/** A mined, successful transaction. */
export interface MinedTransaction {
  hash: string;
  blockNumber: number;
}

/** A running node, deployment and indexer. */
export interface SettleStack {
  /** The first chain's node ({@link SettleStack.send} and the escrow helpers act there). */
  node: HardhatNode;
  /** Every chain (two with `startSettleStack({ chains: 2 })`: 31337 and 31338), the first one first. */
  chains: LocalChain[];
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
  /** Stops the indexer and the node. */
  stop(): Promise<void>;
}

/**
 * Starts a node, deploy and indexer of its own, for tests that reorg the chain or move its clock
 * (which the shared index of test/helpers/real-index.ts must not see); with `chains: 2`, a second node and deploy on
 * chain 31338, indexed by the same indexer (SETTLE_NETWORKS=localhost,localhost2).
 */
export async function startSettleStack(options: { chains?: ChainCount } = {}): Promise<SettleStack> {
  const stack = await startStack({ api: false, chains: options.chains, openReader: (location) => new IndexReader(location) });
  const { node, deployment, indexer } = stack;
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
    chains: stack.chains,
    deployment,
    deploymentJson: JSON.parse(readFileSync(deployment.path, "utf8")) as Deployment,
    indexer,
    wallets: [0, 1, 2, 3].map((i) => new Wallet(hardhatKey(i))),
    send,
    escrow: (from, fn, args, value) => send(from, { to: escrowAddress, data: ESCROW_ABI.encodeFunctionData(fn, args), value }),
    async invoiceCount() {
      return BigInt(
        await node.rpc<string>("eth_call", [{ to: escrowAddress, data: ESCROW_ABI.encodeFunctionData("invoiceCount") }, "latest"]),
      );
    },
    stop: stack.stop,
  };
}
