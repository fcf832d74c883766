/** The index's identity: what it was built from (recorded by ./store.ts beside the index). */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { startBlockOf, type Deployment } from "../../core/deployment";
import type { IndexIdentity } from "../../core/index-schema";
import { INDEXER_DIR } from "../lib/settings";
import type { ChainFacts } from "./chain-check";

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

/** The identity of an index of `deployment` on the chain the node described as `chain`. */
export function identityOf(deployment: Deployment, chain: ChainFacts): IndexIdentity {
  const contracts: IndexIdentity["contracts"] = {};
  for (const [name, contract] of Object.entries(deployment.contracts)) {
    contracts[name] = { address: contract.address.toLowerCase() as `0x${string}`, deployBlock: contract.deployBlock };
  }
  return {
    version: 2,
    network: deployment.network,
    chainId: chain.chainId,
    genesisHash: chain.genesisHash,
    startBlock: { number: startBlockOf(deployment), hash: chain.startBlock.hash },
    contracts,
    codeHash: indexerCodeHash(),
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
  if (recorded.chainId !== current.chainId) return `chain ${recorded.chainId}`;
  if (recorded.genesisHash !== current.genesisHash) return "another chain (the genesis block's hash differs)";
  if (recorded.startBlock.hash !== current.startBlock.hash) return "another chain (the deploy block's hash differs)";
  if (JSON.stringify(recorded.contracts) !== JSON.stringify(current.contracts)) return "another deployment";
  if (recorded.codeHash !== current.codeHash) return "other indexer code";
  return "another configuration";
}
