/**
 * Which chain each network's node is on, as far as the index cares: chain id, genesis hash and the deploy block's hash.
 * Only a node that answers can say the chain changed; a node that does not answer (or answers with errors) says
 * nothing, and the supervisor waits for it.
 */
import { isLocalChain } from "../../core/chains";
import { startBlockOf, type Deployment } from "../../core/deployment";
import { readDeployment } from "../../core/deployment-file";
import { networkVariableSuffix, type NetworkConfig } from "../../core/networks";
import { deploymentPathOf, type IndexerSettings } from "../lib/settings";
import type { Waiting } from "./backoff";
import { RpcClient, type BlockRef } from "./rpc";

/** One indexed network as the supervisor watches it: its configuration, its node and its deployment file. */
export interface WatchedNetwork {
  config: NetworkConfig;
  rpc: RpcClient;
  deploymentPath: string;
}

/** The networks of `settings`, each with a client of its node. */
export function watchedNetworks(settings: IndexerSettings): WatchedNetwork[] {
  return settings.networks.map((config) => ({ config, rpc: new RpcClient(config.rpcUrls), deploymentPath: deploymentPathOf(settings, config.name) }));
}

/** What the node says about its chain. */
export interface ChainFacts {
  chainId: number;
  genesisHash: `0x${string}`;
  /** The deploy block (the index's start block). */
  startBlock: BlockRef;
}

/** One network whose deployment's contracts are on its node's chain. */
export interface CheckedChain {
  network: WatchedNetwork;
  deployment: Deployment;
  chain: ChainFacts;
}

/** Outcome of {@link checkChain} (one network) and {@link checkChains} (all of them). */
export type ChainCheck<Ok = CheckedChain> =
  /** The deployment's contracts are on the node's chain. */
  | ({ kind: "ok" } & Ok)
  /** Nothing to do until something changes: the node does not answer, or the deployment is not there yet. */
  | { kind: "wait"; waiting: Omit<Waiting, "since">; unreachable: boolean }
  /** The node answers for a chain without the deploy block: a restarted local node; the index must go. */
  | { kind: "replaced"; reason: string }
  /** The node is on another chain id than the deployment: a configuration error no wait will fix. */
  | { kind: "wrong-chain"; message: string };

/**
 * Checks every network ({@link checkChain}): ok when all are, else the first network's verdict that is not, the most
 * serious first (another chain id, then a replaced chain, then a wait), its reasons naming the network.
 */
export async function checkChains(settings: IndexerSettings, networks: readonly WatchedNetwork[]): Promise<ChainCheck<{ chains: CheckedChain[] }>> {
  const checks = await Promise.all(networks.map((network) => checkChain(settings, network)));
  const named = (check: ChainCheck, i: number): ChainCheck => {
    const name = networks[i]!.config.name;
    if (networks.length === 1 || check.kind === "ok" || check.kind === "wrong-chain") return check;
    if (check.kind === "replaced") return { ...check, reason: `${name}: ${check.reason}` };
    return { ...check, waiting: { ...check.waiting, what: `${check.waiting.what} (network ${name})` } };
  };
  for (const kind of ["wrong-chain", "replaced", "wait"] as const) {
    const i = checks.findIndex((check) => check.kind === kind);
    if (i >= 0) return named(checks[i]!, i) as Exclude<ChainCheck, { kind: "ok" }>;
  }
  return { kind: "ok", chains: checks as CheckedChain[] };
}

/**
 * Asks a network's node (every URL of it in turn) which chain it is on and checks the deployment's contracts against
 * it. Never throws: a node that does not answer is a `wait`.
 */
export async function checkChain(settings: IndexerSettings, network: WatchedNetwork): Promise<ChainCheck> {
  const { rpc } = network;
  let deployment: Deployment;
  try {
    deployment = readDeployment(settings.deploymentsDir, network.config.name);
  } catch (error) {
    return { kind: "wait", waiting: { what: "a deployment", reason: (error as Error).message }, unreachable: false };
  }
  try {
    const chainId = await rpc.chainId();
    if (chainId !== deployment.chainId) {
      return { kind: "wrong-chain", message: wrongChainMessage(network, chainId, deployment.chainId) };
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
    return { kind: "ok", network, deployment, chain: { chainId, genesisHash: genesis.hash, startBlock } };
  } catch (error) {
    return { kind: "wait", waiting: { what: "the node to answer", reason: (error as Error).message }, unreachable: true };
  }
}

/** The message that stops the indexer when a network's node is on chain `nodeChainId` and its deployment on `chainId`. */
export function wrongChainMessage(network: WatchedNetwork, nodeChainId: number, chainId: number): string {
  return (
    `the node at ${network.rpc.urls.join(", ")} reports chain id ${nodeChainId}, but ${network.deploymentPath} and its index are for chain id ` +
    `${chainId}: point RPC_URL_${networkVariableSuffix(network.config.name)} (or RPC_URL) at a node of chain ${chainId}, or deploy ` +
    `to chain ${nodeChainId} (npm run deploy -- --network <name>) and index that network`
  );
}
