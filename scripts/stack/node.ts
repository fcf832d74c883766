/**
 * A real Hardhat node (on 8545 for `npm start`, on a free port for tests and benchmarks; chain 31338 for the second
 * chain of `--chains 2`) and the real deploy of Settle's contracts onto it (into deployments/ or a temporary folder).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { LOCAL_CHAIN_ID, NODE_CHAIN_ID_VARIABLE } from "../../core/chains";
import type { Deployment } from "../../core/deployment";
import { networkVariableSuffix } from "../../core/networks";
import { BIN, QUIET_ENV, REPO_ROOT } from "./paths";
import { freePort, startProcess, waitForProcess, type ManagedProcess } from "./processes";

const HARDHAT = join(BIN, "hardhat");

/** A running Hardhat node. */
export interface HardhatNode {
  /** Its JSON-RPC URL. */
  url: string;
  /** Its port on 127.0.0.1. */
  port: number;
  /** Its chain id (eth_chainId). */
  chainId: number;
  /** The `hardhat node` process. */
  process: ManagedProcess;
  /** Sends one JSON-RPC request and returns its result (throws on a JSON-RPC error). */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Mines `count` blocks, one `evm_mine` each (hardhat_mine N>1 leaves zero parent hashes that Ponder cannot follow). */
  mine(count?: number): Promise<void>;
  /** The latest block number. */
  blockNumber(): Promise<number>;
  /** Stops the node. */
  stop(): Promise<void>;
}

/** Starts `hardhat node` on a free port (or `port`) with chain id `chainId` (default 31337) and waits until it answers. */
export async function startHardhatNode(options: { port?: number; logDir?: string; chainId?: number } = {}): Promise<HardhatNode> {
  const port = options.port ?? (await freePort());
  const chainId = options.chainId ?? LOCAL_CHAIN_ID;
  const url = `http://127.0.0.1:${port}`;
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), "settle-node-"));
  const proc = startProcess({
    name: `hardhat node :${port}`,
    command: HARDHAT,
    args: ["node", "--hostname", "127.0.0.1", "--port", String(port)],
    cwd: REPO_ROOT,
    env: { ...QUIET_ENV, [NODE_CHAIN_ID_VARIABLE]: String(chainId) },
    logFile: join(logDir, `node-${port}.log`),
  });
  let nextId = 1;
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params }),
    });
    const body = (await response.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  };
  await waitForProcess(proc, `the Hardhat node on ${url}`, async () => (await rpc<string>("eth_chainId")) !== undefined);
  const answered = Number(await rpc<string>("eth_chainId"));
  if (answered !== chainId) {
    await proc.stop();
    throw new Error(`the Hardhat node on ${url} answers chain ${answered}, not ${chainId}: is another node on port ${port}?`);
  }
  return {
    url,
    port,
    chainId,
    process: proc,
    rpc,
    async mine(count = 1) {
      for (let i = 0; i < count; i++) await rpc("evm_mine");
    },
    async blockNumber() {
      return Number(await rpc<string>("eth_blockNumber"));
    },
    stop: () => proc.stop(),
  };
}

/** What `settle:deploy` wrote for a node of the stack. */
export interface LocalDeployment extends Deployment {
  /** The deployments folder (pass as SETTLE_DEPLOYMENTS_DIR). */
  deploymentsDir: string;
  /** Path of <network>.json in it. */
  path: string;
}

/**
 * Runs the real deploy (`hardhat settle:deploy --network <network>`, `localhost` by default, `localhost2` for the
 * second chain) against `node`, writing <network>.json into `deploymentsDir` (a new temporary folder by default).
 */
export async function deploySettle(
  node: HardhatNode,
  deploymentsDir = mkdtempSync(join(tmpdir(), "settle-deployments-")),
  network = "localhost",
): Promise<LocalDeployment> {
  await promisify(execFile)(HARDHAT, ["settle:deploy", "--network", network], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...QUIET_ENV,
      RPC_URL: node.url,
      [`RPC_URL_${networkVariableSuffix(network)}`]: node.url,
      SETTLE_DEPLOYMENTS_DIR: deploymentsDir,
    },
  });
  const path = join(deploymentsDir, `${network}.json`);
  const deployment = JSON.parse(readFileSync(path, "utf8")) as Omit<LocalDeployment, "deploymentsDir" | "path">;
  return { ...deployment, deploymentsDir, path };
}

/** The latest block's timestamp of `node`. */
export async function latestTimestamp(node: HardhatNode): Promise<number> {
  return Number((await node.rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp);
}

/**
 * Brings the nodes to one clock, the latest of theirs, and has them mine a block every `intervalMs` (0: only on a
 * transaction). Ponder 0.6 indexes several chains in the order of their blocks' timestamps: an idle chain, or one whose
 * clock is behind (evm_increaseTime on the other), holds back the events of the others. Public chains mine all the
 * time on one clock; local nodes must be made to (`npm start -- --chains 2` mines a block a second on each).
 */
export async function shareClock(nodes: readonly HardhatNode[], intervalMs: number): Promise<void> {
  const now = Math.max(...(await Promise.all(nodes.map(latestTimestamp)))) + 1;
  for (const node of nodes) {
    await node.rpc("evm_setNextBlockTimestamp", [now]);
    await node.rpc("evm_mine");
    await node.rpc("evm_setIntervalMining", [intervalMs]);
  }
}
