/**
 * Which chain the node is on, as far as the index cares: chain id, genesis hash and the deploy block's hash. Only a
 * node that answers can say the chain changed; a node that does not answer (or answers with errors) says nothing, and
 * the supervisor waits for it.
 */
import { isLocalChain } from "../../core/chains";
import { startBlockOf, type Deployment } from "../../core/deployment";
import { readDeployment } from "../../core/deployment-file";
import type { IndexerSettings } from "../lib/settings";
import type { Waiting } from "./backoff";
import type { BlockRef, RpcClient } from "./rpc";

/** What the node says about its chain. */
export interface ChainFacts {
  chainId: number;
  genesisHash: `0x${string}`;
  /** The deploy block (the index's start block). */
  startBlock: BlockRef;
}

/** Outcome of {@link checkChain}. */
export type ChainCheck =
  /** The deployment's contracts are on the node's chain. */
  | { kind: "ok"; deployment: Deployment; chain: ChainFacts }
  /** Nothing to do until something changes: the node does not answer, or the deployment is not there yet. */
  | { kind: "wait"; waiting: Omit<Waiting, "since">; unreachable: boolean }
  /** The node answers for a chain without the deploy block: a restarted local node; the index must go. */
  | { kind: "replaced"; reason: string }
  /** The node is on another chain id than the deployment: a configuration error no wait will fix. */
  | { kind: "wrong-chain"; message: string };

/**
 * Asks the node (every URL of RPC_URL in turn) which chain it is on and checks the deployment's contracts against it.
 * Never throws: a node that does not answer is a `wait`.
 */
export async function checkChain(settings: IndexerSettings, rpc: RpcClient): Promise<ChainCheck> {
  let deployment: Deployment;
  try {
    deployment = readDeployment(settings.deploymentsDir, settings.network);
  } catch (error) {
    return { kind: "wait", waiting: { what: "a deployment", reason: (error as Error).message }, unreachable: false };
  }
  try {
    const chainId = await rpc.chainId();
    if (chainId !== deployment.chainId) {
      return { kind: "wrong-chain", message: wrongChainMessage(settings, rpc, chainId, deployment.chainId) };
    }
    const genesis = await rpc.blockAt(0);
    const start = startBlockOf(deployment);
    const startBlock = await rpc.blockAt(start);
    if (!genesis) throw new Error("the node has no genesis block");
    if (!startBlock) {
      // A local node does not lag behind its own chain: without the deploy block, it is a new chain.
      if (isLocalChain(chainId)) return { kind: "replaced", reason: `the chain has no block ${start} (the deploy block): node restarted` };
      return {
        kind: "wait",
        waiting: { what: `the node to reach block ${start} (the deploy block)`, reason: "the node is behind the deployment" },
        unreachable: false,
      };
    }
    for (const [name, contract] of Object.entries(deployment.contracts)) {
      const code = await rpc.request<string>("eth_getCode", [contract.address, "latest"]);
      if (code === "0x") {
        return {
          kind: "wait",
          waiting: { what: "a deployment on this chain", reason: `no ${name} code at ${contract.address}: deploy again` },
          unreachable: false,
        };
      }
    }
    return { kind: "ok", deployment, chain: { chainId, genesisHash: genesis.hash, startBlock } };
  } catch (error) {
    return { kind: "wait", waiting: { what: "the node to answer", reason: (error as Error).message }, unreachable: true };
  }
}

/** The message that stops the indexer when the node is on chain `nodeChainId` and the deployment on `chainId`. */
export function wrongChainMessage(settings: IndexerSettings, rpc: RpcClient, nodeChainId: number, chainId: number): string {
  return (
    `the node at ${rpc.urls.join(", ")} reports chain id ${nodeChainId}, but ${settings.deploymentPath} and its index are for chain id ` +
    `${chainId}: point RPC_URL at a node of chain ${chainId}, or deploy to chain ${nodeChainId} ` +
    `(npm run deploy -- --network <name>) and index that network`
  );
}
