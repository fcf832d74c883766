/**
 * What the browser journeys run against: a real Hardhat node on a free port with Settle deployed
 * into a temporary deployments folder, the page built by Vite, a server for it, and headless
 * Chromium (Debian's, never a download) with the injected wallet. Every process started here is
 * stopped by {@link WebStack.stop} (call it from an `after` hook), also when a test failed.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { ContractFactory, JsonRpcProvider, Network, Wallet, type InterfaceAbi } from "ethers";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { HARDHAT_KEYS, TestWallet } from "./injected-provider";

/** The repository root. */
export const ROOT = resolve(__dirname, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin");
/** Where journeys save their screenshots (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS_DIR = join(ROOT, "test-artifacts", "web");
/** Debian's Chromium; tests never download a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const QUIET_ENV = { CI: "true", HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", PONDER_TELEMETRY_DISABLED: "true" };
const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-dev-shm-usage",
];

/** Contract addresses of the test deployment, as deployments/localhost.json records them. */
export interface StackDeployment {
  chainId: number;
  network: string;
  abiHash: string;
  contracts: Record<string, { address: string; deployBlock: number; txHash: string }>;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** Polls `check` until it returns true or throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (${last.message})` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A child process in its own process group, stopped with everything it started. */
class Child {
  private exited = false;
  readonly done: Promise<void>;
  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly logFile: string,
  ) {
    this.done = new Promise((r) => process.once("exit", () => ((this.exited = true), r())));
  }

  get hasExited(): boolean {
    return this.exited;
  }

  async stop(): Promise<void> {
    if (this.exited || this.process.pid === undefined) return;
    const pid = this.process.pid;
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-pid, s);
      } catch {
        // already gone
      }
    };
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), 5000);
    await this.done;
    clearTimeout(timer);
    signal("SIGKILL");
  }
}

function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Child {
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...QUIET_ENV, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return new Child(name, child, logFile);
}

/** Sends one JSON-RPC request to `url`. */
export async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Options of {@link WebStack.start}. */
export interface StackOptions {
  /** Journey name: prefixes screenshots and names the temporary folder. */
  name: string;
  /** Hardhat account the injected wallet starts with (default 1). */
  accountIndex?: number;
  /** Browser viewport (default a laptop, 1280×860). */
  viewport?: { width: number; height: number };
}

/** A running node + deployment + page server + browser with the injected wallet. */
export class WebStack {
  private children: Child[] = [];
  private server: Server | undefined;
  private shots = 0;
  context!: BrowserContext;
  page!: Page;
  wallet!: TestWallet;
  rpcUrl!: string;
  baseUrl!: string;
  deployment!: StackDeployment;
  readonly tmp: string;

  private constructor(readonly options: StackOptions) {
    this.tmp = mkdtempSync(join(tmpdir(), `settle-web-${options.name}-`));
  }

  /** Starts everything; on failure stops what already started and rethrows. */
  static async start(options: StackOptions): Promise<WebStack> {
    const stack = new WebStack(options);
    try {
      await stack.boot();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  private async boot(): Promise<void> {
    const [nodePort, webPort] = await Promise.all([freePort(), freePort()]);
    this.rpcUrl = `http://127.0.0.1:${nodePort}`;
    const node = startChild(
      "hardhat node",
      join(BIN, "hardhat"),
      ["node", "--hostname", "127.0.0.1", "--port", String(nodePort)],
      {},
      join(this.tmp, "node.log"),
    );
    this.children.push(node);
    const distDir = join(this.tmp, "dist");
    const build = buildPage(distDir, join(this.tmp, "vite.log"));
    await waitFor(`the Hardhat node on ${this.rpcUrl} (log ${node.logFile})`, async () => {
      if (node.hasExited) throw new Error("the node exited");
      return (await rpc<string>(this.rpcUrl, "eth_chainId")) !== undefined;
    });
    const deploymentsDir = join(this.tmp, "deployments");
    mkdirSync(deploymentsDir, { recursive: true });
    [this.deployment] = await Promise.all([deploy(this.rpcUrl, deploymentsDir), build]);
    this.server = await serveStatic(distDir, webPort, contractsAnswer(this.deployment));
    this.baseUrl = `http://127.0.0.1:${webPort}`;

    this.wallet = new TestWallet(this.rpcUrl, this.deployment.chainId, this.options.accountIndex ?? 1);
    this.context = await chromium.launchPersistentContext(join(this.tmp, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: this.options.viewport ?? { width: 1280, height: 860 },
      locale: "en-GB",
      timezoneId: "UTC",
      reducedMotion: "reduce",
    });
    await this.wallet.install(this.context);
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    this.page.setDefaultTimeout(20_000);
  }

  /** Opens the page at `hash` (e.g. "#/staking"). */
  async open(hash = "#/"): Promise<void> {
    await this.page.goto(`${this.baseUrl}/${hash}`);
    await this.page.waitForSelector("#main .page:not(.page-loading)");
  }

  /** Saves a full-page screenshot as test-artifacts/web/<journey>-<nn>-<label>.png. */
  async screenshot(label: string): Promise<string> {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const path = join(ARTIFACTS_DIR, `${this.options.name}-${String(++this.shots).padStart(2, "0")}-${label}.png`);
    await this.page.screenshot({ path, fullPage: true, animations: "disabled" });
    return path;
  }

  /**
   * Waits until the text of `selector` satisfies `expected` (equal text, a pattern, or a predicate)
   * and returns it.
   */
  async waitForText(selector: string, expected: string | RegExp | ((text: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const test =
      typeof expected === "string"
        ? (t: string) => t === expected
        : expected instanceof RegExp
          ? (t: string) => expected.test(t)
          : expected;
    let text = "";
    await waitFor(
      `${selector} to show ${String(expected)} (last: "${text}")`,
      async () => test((text = ((await this.page.textContent(selector, { timeout: 1000 }).catch(() => null)) ?? "").trim())),
      timeoutMs,
      100,
    );
    return text;
  }

  /** An ethers wallet for a Hardhat account on the test node (to set things up outside the page). */
  signer(accountIndex: number): Wallet {
    return new Wallet(
      HARDHAT_KEYS[accountIndex]!,
      new JsonRpcProvider(this.rpcUrl, Network.from(this.deployment.chainId), { staticNetwork: true, cacheTimeout: -1 }),
    );
  }

  /** Stops the browser, the servers and the node, and removes the temporary folder. */
  async stop(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    this.wallet?.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
    for (const child of this.children.reverse()) await child.stop();
    this.children = [];
    if (!process.env.SETTLE_KEEP_TMP) rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Builds the page with Vite into `outDir`. */
async function buildPage(outDir: string, logFile: string): Promise<void> {
  try {
    await promisify(execFile)(
      join(BIN, "vite"),
      ["build", "--config", "web/vite.config.ts", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
      {
        cwd: ROOT,
        env: { ...process.env, ...QUIET_ENV, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" },
      },
    );
  } catch (error) {
    throw new Error(`vite build failed: ${(error as { stderr?: string }).stderr ?? String(error)} (${logFile})`);
  }
}

const ARTIFACT = (name: string) => join(ROOT, "artifacts", "contracts", `${name}.sol`, `${name}.json`);

/**
 * Deploys Settle onto the node: the real `settle:deploy` task once PaymentEscrow is compiled in this
 * tree, otherwise (before the escrow is merged) SettleToken and StakingRewards with the same local
 * funding as the task (10,000 SETL to accounts 1-4, a 100,000 SETL reward period over 7 days).
 */
async function deploy(rpcUrl: string, deploymentsDir: string): Promise<StackDeployment> {
  if (existsSync(ARTIFACT("PaymentEscrow"))) {
    await promisify(execFile)(join(BIN, "hardhat"), ["settle:deploy", "--network", "localhost"], {
      cwd: ROOT,
      env: { ...process.env, ...QUIET_ENV, LOCALHOST_RPC_URL: rpcUrl, SETTLE_DEPLOYMENTS_DIR: deploymentsDir },
    });
    return JSON.parse(readFileSync(join(deploymentsDir, "localhost.json"), "utf8")) as StackDeployment;
  }
  const provider = new JsonRpcProvider(rpcUrl, Network.from(31337), { staticNetwork: true });
  const deployer = new Wallet(HARDHAT_KEYS[0], provider);
  let nonce = await provider.getTransactionCount(deployer.address);
  const contracts: StackDeployment["contracts"] = {};
  const create = async (name: string, args: unknown[]) => {
    const artifact = JSON.parse(readFileSync(ARTIFACT(name), "utf8")) as { abi: InterfaceAbi; bytecode: string };
    const contract = await new ContractFactory(artifact.abi, artifact.bytecode, deployer).deploy(...args, { nonce: nonce++ });
    const receipt = (await contract.deploymentTransaction()!.wait())!;
    contracts[name] = { address: await contract.getAddress(), deployBlock: receipt.blockNumber, txHash: receipt.hash };
    return contract;
  };
  const unit = 10n ** 18n;
  const token = await create("SettleToken", [deployer.address, 1_000_000_000n * unit, deployer.address, 100_000_000n * unit]);
  const staking = await create("StakingRewards", [
    deployer.address,
    contracts.SettleToken!.address,
    contracts.SettleToken!.address,
    7 * 24 * 3600,
  ]);
  for (let i = 1; i <= 4; i++)
    await (await token.getFunction("transfer")(new Wallet(HARDHAT_KEYS[i]!).address, 10_000n * unit, { nonce: nonce++ })).wait();
  await (await token.getFunction("approve")(contracts.StakingRewards!.address, 100_000n * unit, { nonce: nonce++ })).wait();
  await (await staking.getFunction("notifyRewardAmount")(100_000n * unit, { nonce: nonce++ })).wait();
  provider.destroy();
  return { chainId: 31337, network: "localhost", abiHash: "0x", contracts };
}

/** The body of GET /blockchain/contracts for `deployment`, with the ABIs from the artifacts. */
function contractsAnswer(deployment: StackDeployment): unknown {
  const contracts = Object.fromEntries(
    Object.entries(deployment.contracts).map(([name, info]) => [
      name,
      { ...info, abi: (JSON.parse(readFileSync(ARTIFACT(name), "utf8")) as { abi: unknown[] }).abi },
    ]),
  );
  return { chainId: deployment.chainId, network: deployment.network, abiHash: deployment.abiHash, contracts };
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json",
  ".json": "application/json",
  ".png": "image/png",
};

/**
 * A tiny static server for the built page (node:http). It answers GET /blockchain/contracts as the
 * API does, and every other API path with the API's 404 body: the staking journey runs on it
 * until the API is in this branch.
 */
function serveStatic(root: string, port: number, contracts: unknown): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/blockchain/contracts") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify(contracts));
    }
    const file = normalize(join(root, url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname)));
    if (file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      return void createReadStream(file).pipe(res);
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "route_not_found", message: `No route for ${req.method} this path` } }));
  });
  return new Promise((r, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => r(server));
  });
}
