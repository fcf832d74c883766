/**
 * A real Hardhat node for tests and benchmarks, on its own port (never the developer's 8545), and
 * the deploy of Settle's contracts onto it into a temporary deployments folder.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Deployment } from "../../core/deployment";
import { WaitAbortedError, freePort, startProcess, waitFor, type ManagedProcess } from "./processes";

/** The repository root. */
export const REPO_ROOT = join(__dirname, "..", "..");
const HARDHAT = join(REPO_ROOT, "node_modules", ".bin", "hardhat");

/** Environment every child process of the tests gets: no prompts, no telemetry. */
export const QUIET_ENV = { CI: "true", HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", PONDER_TELEMETRY_DISABLED: "true" } as const;

/** A running Hardhat node. */
export interface HardhatNode {
  url: string;
  port: number;
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

/** Starts `hardhat node` on a free port (or `port`) and waits until it answers. */
export async function startHardhatNode(options: { port?: number; logDir?: string } = {}): Promise<HardhatNode> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), "settle-node-"));
  const proc = startProcess({
    name: `hardhat node :${port}`,
    command: HARDHAT,
    args: ["node", "--hostname", "127.0.0.1", "--port", String(port)],
    cwd: REPO_ROOT,
    env: QUIET_ENV,
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
  await waitFor(`the Hardhat node on ${url} (log: ${proc.logFile})`, async () => {
    if (proc.hasExited()) throw new WaitAbortedError(`the node exited: see ${proc.logFile}`);
    return (await rpc<string>("eth_chainId")) !== undefined;
  });
  return {
    url,
    port,
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

/** What `settle:deploy` wrote for a test node. */
export interface TestDeployment extends Deployment {
  /** The temporary deployments folder (pass as SETTLE_DEPLOYMENTS_DIR). */
  deploymentsDir: string;
  /** Path of localhost.json in it. */
  path: string;
}

/**
 * Runs the real deploy (`hardhat settle:deploy --network localhost`) against `node`, writing
 * localhost.json into `deploymentsDir` (a new temporary folder by default).
 */
export async function deploySettle(
  node: HardhatNode,
  deploymentsDir = mkdtempSync(join(tmpdir(), "settle-deployments-")),
): Promise<TestDeployment> {
  await promisify(execFile)(HARDHAT, ["settle:deploy", "--network", "localhost"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...QUIET_ENV, RPC_URL: node.url, SETTLE_DEPLOYMENTS_DIR: deploymentsDir },
  });
  const path = join(deploymentsDir, "localhost.json");
  const deployment = JSON.parse(readFileSync(path, "utf8")) as Omit<TestDeployment, "deploymentsDir" | "path">;
  return { ...deployment, deploymentsDir, path };
}
