/** The index's identity: what it was built from (recorded by ./store.ts beside the index). */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { startBlockOf } from "../../core/deployment";
import type { ChainIdentity, IndexIdentity } from "../../core/index-schema";
import { INDEXER_DIR } from "../lib/settings";
import type { CheckedChain } from "./chain-check";

/** Files whose content defines the index: a change to any of them rebuilds it. */
function codeFiles(): string[] {
  const files = ["ponder.config.ts", "ponder.schema.ts", "package-lock.json"].map((name) => join(INDEXER_DIR, name));
  for (const folder of ["src", "lib", "../core"]) {
    const root = join(INDEXER_DIR, folder);
    if (!existsSync(root)) continue;
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir).sort()) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|js|mts|mjs|json)$/.test(entry)) files.push(path);
      }
    };
    walk(root);
  }
  return files.filter((file) => existsSync(file));
}

/** sha256 over the indexer's code files (paths and contents). */
export function indexerCodeHash(): string {
  const hash = createHash("sha256");
  for (const file of codeFiles()) {
    hash.update(relative(INDEXER_DIR, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return "0x" + hash.digest("hex");
}

/** The identity of an index of every network's deployment on the chain its node described (./chain-check's checkChains). */
export function identityOf(chains: readonly CheckedChain[]): IndexIdentity {
  return { version: 3, chains: chains.map(chainIdentityOf), codeHash: indexerCodeHash() };
}

function chainIdentityOf({ deployment, chain }: CheckedChain): ChainIdentity {
  const contracts: ChainIdentity["contracts"] = {};
  for (const [name, contract] of Object.entries(deployment.contracts)) {
    contracts[name] = { address: contract.address.toLowerCase() as `0x${string}`, deployBlock: contract.deployBlock };
  }
  return {
    network: deployment.network,
    chainId: chain.chainId,
    genesisHash: chain.genesisHash,
    startBlock: { number: startBlockOf(deployment), hash: chain.startBlock.hash },
    contracts,
  };
}

/** True when both identities describe the same index. */
export function sameIdentity(a: IndexIdentity | undefined, b: IndexIdentity): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** Says what differs between the recorded identity and the current one, for the log. */
export function describeDifference(recorded: IndexIdentity | undefined, current: IndexIdentity): string {
  if (!recorded) return "an unknown chain (no identity recorded)";
  if (recorded.version !== current.version) return "an older index format";
  const names = (identity: IndexIdentity) => identity.chains.map((chain) => chain.network).join(", ");
  if (names(recorded) !== names(current)) return `other networks (${names(recorded)})`;
  for (const [i, now] of current.chains.entries()) {
    const was = recorded.chains[i]!;
    const where = current.chains.length > 1 ? ` on network ${now.network}` : "";
    if (was.chainId !== now.chainId) return `chain ${was.chainId}${where}`;
    if (was.genesisHash !== now.genesisHash) return `another chain${where} (the genesis block's hash differs)`;
    if (was.startBlock.hash !== now.startBlock.hash) return `another chain${where} (the deploy block's hash differs)`;
    if (JSON.stringify(was.contracts) !== JSON.stringify(now.contracts)) return `another deployment${where}`;
  }
  if (recorded.codeHash !== current.codeHash) return "other indexer code";
  return "another configuration";
}
