/**
 * GET /transactions/{hash}: which served chain has the transaction (409 when several have the same hash and no
 * `?chainId=` says which), and its receipt's Settle events decoded.
 */
import { Interface, type InterfaceAbi, type Log, type TransactionReceipt, type TransactionResponse } from "ethers";
import type { ContractName } from "../../../core/deployment";
import { ApiError } from "../../lib/errors";
import { chainFieldsOf, type ChainDirectory, type DeployedNetwork } from "../../services/networks";
import { fromNode } from "../../services/node";

/** Decodes the logs emitted by Settle's contracts (other logs are skipped). */
export function decodeSettleLogs(
  logs: readonly Pick<Log, "address" | "topics" | "data" | "index">[],
  contracts: Partial<Record<ContractName, { address: string }>>,
  abis: Partial<Record<ContractName, InterfaceAbi>>,
): Array<{ contract: string; address: string; event: string; logIndex: number; args: Record<string, unknown> }> {
  const byAddress = new Map<string, { name: string; iface: Interface }>();
  for (const [name, info] of Object.entries(contracts)) {
    const abi = abis[name as ContractName];
    if (info && abi) byAddress.set(info.address.toLowerCase(), { name, iface: new Interface(abi) });
  }
  const out = [];
  for (const log of logs) {
    const contract = byAddress.get(log.address.toLowerCase());
    if (!contract) continue;
    const parsed = contract.iface.parseLog({ topics: [...log.topics], data: log.data });
    if (!parsed) continue;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => {
      const v: unknown = parsed.args[i];
      args[input.name || String(i)] = typeof v === "bigint" ? v.toString() : v;
    });
    out.push({
      contract: contract.name,
      address: log.address,
      event: parsed.name,
      logIndex: log.index,
      args: JSON.parse(JSON.stringify(args, (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x))) as Record<string, unknown>,
    });
  }
  return out;
}

/** A transaction found on one chain: its network, and its receipt (or, while pending, the transaction). */
export interface FoundTransaction {
  network: DeployedNetwork;
  receipt: TransactionReceipt | null;
  tx: TransactionResponse | null;
}

/**
 * The transaction `hash` on chain `chainId` (400 unknown_chain when not served), or on whichever served chain has it.
 *
 * @throws ApiError 404 `transaction_not_found` when no chain asked has it; 409 `ambiguous_transaction` with
 *   `details.candidates` (chainId, chainName, block) when no chain is given and several chains have it (local chains
 *   replay the same deployer's transactions); 503 from the node that does not answer
 */
export async function findTransaction(chains: ChainDirectory, hash: string, chainId: number | undefined): Promise<FoundTransaction> {
  const networks = chainId !== undefined || chains.deployed().length === 0 ? [chains.require(chainId)] : chains.deployed();
  const found = (
    await Promise.all(
      networks.map(async (network) => {
        const receipt = await fromNode(network.chain.getReceipt(hash));
        const tx = receipt ? null : await fromNode(network.chain.getTransaction(hash));
        return receipt || tx ? [{ network, receipt, tx }] : [];
      }),
    )
  ).flat();
  if (found.length === 0) {
    const asked = networks.map((network) => network.current.chainId).join(", ");
    throw new ApiError(404, "transaction_not_found", `No served chain (${asked}) knows a transaction with this hash`);
  }
  if (found.length > 1) {
    const candidates = found.map(({ network, receipt }) => ({
      ...chainFieldsOf(network.current.chainId),
      block: receipt?.blockNumber ?? null,
    }));
    throw new ApiError(
      409,
      "ambiguous_transaction",
      `A transaction with this hash is on chains ${candidates.map((c) => c.chainId).join(", ")}: give the chain (?chainId=)`,
      { candidates },
    );
  }
  return found[0]!;
}
