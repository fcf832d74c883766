import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { BlockRef } from "./chain";
import { INDEXER_DIR, startBlockOf, type Deployment } from "./settings";

/** Name of the file, next to Ponder's databases, that records which chain and code the index was built from. */
export const IDENTITY_FILE = "settle-index.json";

/**
 * What an index was built from. Two indexes with equal identities hold the same rows; any
 * difference (another chain, a restarted node, a new deployment, other indexer code) means the
 * index must be rebuilt from scratch.
 */
export interface IndexIdentity {
  /** Format of this file. */
  version: 1;
  network: string;
  chainId: number;
  /** The first indexed block (the earliest deploy block) and its hash on the chain indexed. */
  startBlock: BlockRef;
  /** Indexed contracts: name to address (lowercase) and deploy block. */
  contracts: Record<string, { address: string; deployBlock: number }>;
  /** sha256 of the indexer's code (config, schema, handlers, helpers, core/ with its ABIs, Ponder version). */
  codeHash: string;
}

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

/** The identity of an index of `deployment` whose start block has hash `startBlockHash`. */
export function identityOf(deployment: Deployment, startBlockHash: `0x${string}`): IndexIdentity {
  const contracts: IndexIdentity["contracts"] = {};
  for (const [name, contract] of Object.entries(deployment.contracts)) {
    if (contract) contracts[name] = { address: contract.address.toLowerCase(), deployBlock: contract.deployBlock };
  }
  return {
    version: 1,
    network: deployment.network,
    chainId: deployment.chainId,
    startBlock: { number: startBlockOf(deployment), hash: startBlockHash },
    contracts,
    codeHash: indexerCodeHash(),
  };
}

/** The identity recorded in `indexDir`, or undefined when there is none (or it is unreadable). */
export function readIdentity(indexDir: string): IndexIdentity | undefined {
  const path = join(indexDir, IDENTITY_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as IndexIdentity;
  } catch {
    return undefined;
  }
}

/** Records `identity` in `indexDir`. */
export function writeIdentity(indexDir: string, identity: IndexIdentity): void {
  writeFileSync(join(indexDir, IDENTITY_FILE), JSON.stringify(identity, null, 2) + "\n");
}

/** True when both identities describe the same index. */
export function sameIdentity(a: IndexIdentity | undefined, b: IndexIdentity): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** Ponder's files in an index folder: the databases with their WAL and shared-memory files. */
const PONDER_FILES = /^(public|ponder_sync)\.db(-wal|-shm|-journal)?$/;

/** True when `indexDir` holds an index database. */
export function hasIndex(indexDir: string): boolean {
  return existsSync(join(indexDir, "public.db"));
}

/**
 * Deletes the index in `indexDir` (Ponder's databases and the identity file), so the next start
 * rebuilds it from the chain. Ponder must not be running on it.
 */
export function deleteIndex(indexDir: string): void {
  if (!existsSync(indexDir)) return;
  // The identity goes first: a crash half-way leaves an index without identity, which is rebuilt.
  rmSync(join(indexDir, IDENTITY_FILE), { force: true });
  for (const entry of readdirSync(indexDir)) {
    if (PONDER_FILES.test(entry)) rmSync(join(indexDir, entry), { force: true });
  }
}
