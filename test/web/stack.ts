/**
 * What the browser journeys run against. {@link Backend} is one real Hardhat node on a free port
 * with Settle deployed into a temporary deployments folder, the page built by Vite, and — when the
 * indexer and the API are in this tree — the indexer and the API on free ports; it is shared by
 * every journey and stopped by a root `after` hook. {@link BrowserSession} is one journey's
 * headless Chromium (Debian's, never a download) with the injected wallet. Every process started
 * here is stopped, also when a test failed.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
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
const QUIET_ENV = {
  CI: "true",
  HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
  PONDER_TELEMETRY_DISABLED: "true",
  VITE_CONFIG_NATIVE_IGNORE_WARNING: "true",
};
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

/** Polls `check` until it returns true, or throws after `timeoutMs`. */
export async function waitFor(
  what: string | (() => string),
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${typeof what === "function" ? what() : what}${last instanceof Error ? ` (${last.message})` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
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
    const timer = setTimeout(() => signal("SIGKILL"), 8000);
    await this.done;
    clearTimeout(timer);
    signal("SIGKILL");
  }
}

function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, cwd = ROOT): Child {
  const log = createWriteStream(logFile, { flags: "a" });
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...QUIET_ENV, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return new Child(name, child, logFile);
}

const ARTIFACT = (name: string) => join(ROOT, "artifacts", "contracts", `${name}.sol`, `${name}.json`);

/** True when this tree has what the invoice journeys need: the escrow, the indexer and the API. */
export function hasFullStack(): boolean {
  return (
    existsSync(ARTIFACT("PaymentEscrow")) &&
    existsSync(join(ROOT, "api", "main.ts")) &&
    existsSync(join(ROOT, "indexer", "run.ts")) &&
    existsSync(join(ROOT, "indexer", "node_modules"))
  );
}

/**
 * The servers of the journeys: node, deployment, page, and (when in the tree) indexer and API. One
 * is started for the whole run ({@link Backend.shared}) and stopped by the root `after` hook below.
 */
export class Backend {
  private static instance: Promise<Backend> | undefined;
  private children: Child[] = [];
  private server: Server | undefined;
  rpcUrl = "";
  /** The page's origin (also the API's public origin: SIWE's domain is its host). */
  baseUrl = "";
  /** The API's own URL, when it runs. */
  apiUrl: string | undefined;
  deployment!: StackDeployment;
  readonly tmp = mkdtempSync(join(tmpdir(), "settle-web-"));

  /** The backend shared by every journey of this run (started on first use). */
  static shared(): Promise<Backend> {
    Backend.instance ??= Backend.start();
    return Backend.instance;
  }

  /** Stops the shared backend, if it was started. */
  static async stopShared(): Promise<void> {
    const instance = Backend.instance;
    Backend.instance = undefined;
    if (instance) await (await instance.catch(() => undefined))?.stop();
  }

  private static async start(): Promise<Backend> {
    const backend = new Backend();
    try {
      await backend.boot();
    } catch (error) {
      await backend.stop();
      throw error;
    }
    return backend;
  }

  /** True when the API (and so sign-in, invoices and history) is available. */
  get withApi(): boolean {
    return this.apiUrl !== undefined;
  }

  private async boot(): Promise<void> {
    const full = hasFullStack();
    const [nodePort, webPort, apiPort, indexerPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    this.rpcUrl = `http://127.0.0.1:${nodePort}`;
    this.baseUrl = `http://127.0.0.1:${webPort}`;
    const node = startChild(
      "hardhat node",
      join(BIN, "hardhat"),
      ["node", "--hostname", "127.0.0.1", "--port", String(nodePort)],
      {},
      join(this.tmp, "node.log"),
    );
    this.children.push(node);
    const distDir = join(this.tmp, "dist");
    const build = buildPage(distDir);
    await waitFor(`the Hardhat node on ${this.rpcUrl} (log ${node.logFile})`, async () => {
      if (node.hasExited) throw new Error("the node exited");
      return (await rpc<string>(this.rpcUrl, "eth_chainId")) !== undefined;
    });
    const deploymentsDir = join(this.tmp, "deployments");
    mkdirSync(deploymentsDir, { recursive: true });
    [this.deployment] = await Promise.all([deploy(this.rpcUrl, deploymentsDir), build]);

    if (full) {
      const indexDir = join(this.tmp, "index");
      const env = {
        SETTLE_NETWORK: "localhost",
        LOCALHOST_RPC_URL: this.rpcUrl,
        SETTLE_RPC_URL: "",
        SETTLE_DEPLOYMENTS_DIR: deploymentsDir,
        SETTLE_INDEX_DIR: indexDir,
      };
      const indexer = startChild(
        "indexer",
        process.execPath,
        ["--import", "tsx", "run.ts"],
        { ...env, PORT: String(indexerPort), SETTLE_POLLING_INTERVAL_MS: "200" },
        join(this.tmp, "indexer.log"),
        join(ROOT, "indexer"),
      );
      this.children.push(indexer);
      this.apiUrl = `http://127.0.0.1:${apiPort}`;
      const api = startChild(
        "api",
        join(BIN, "ts-node"),
        ["--transpile-only", "api/main.ts"],
        {
          ...env,
          PORT: String(apiPort),
          HOST: "127.0.0.1",
          RPC_URL: this.rpcUrl,
          PUBLIC_ORIGIN: this.baseUrl,
          APP_DB_PATH: join(this.tmp, "app", "app.sqlite"),
          INDEX_DB_PATH: join(indexDir, "public.db"),
          JWT_SECRET: "web-journeys-secret-of-at-least-32-bytes!",
          AUTH_RATE_LIMIT_PER_MINUTE: "1000",
          HISTORY_CACHE_MS: "0",
          LOG_LEVEL: "warn",
        },
        join(this.tmp, "api.log"),
      );
      this.children.push(api);
      this.server = await serveStatic(distDir, webPort, { proxyTo: this.apiUrl });
      await waitFor(
        () => `the API and the index to be ready (logs ${api.logFile}, ${indexer.logFile})`,
        async () => {
          if (api.hasExited || indexer.hasExited) throw new Error(`${api.hasExited ? "the API" : "the indexer"} exited`);
          const status = (await (await fetch(`${this.apiUrl}/blockchain/status`)).json()) as { indexReady?: boolean; lagBlocks?: number };
          return status.indexReady === true && status.lagBlocks === 0;
        },
        120_000,
        250,
      );
    } else {
      this.server = await serveStatic(distDir, webPort, { contracts: contractsAnswer(this.deployment) });
    }
  }

  /** An ethers wallet for a Hardhat account on the test node (to set things up outside the page). */
  signer(accountIndex: number): Wallet {
    return new Wallet(
      HARDHAT_KEYS[accountIndex]!,
      new JsonRpcProvider(this.rpcUrl, Network.from(this.deployment.chainId), { staticNetwork: true, cacheTimeout: -1 }),
    );
  }

  /** Moves the chain's clock forward by `seconds` and mines one block. */
  async increaseTime(seconds: number): Promise<void> {
    await rpc(this.rpcUrl, "evm_increaseTime", [seconds]);
    await rpc(this.rpcUrl, "evm_mine");
  }

  /** Waits until the index has caught up with the node's head (no-op without the API). */
  async waitForIndex(): Promise<void> {
    if (!this.apiUrl) return;
    await waitFor("the index to catch up", async () => {
      const status = (await (await fetch(`${this.apiUrl}/blockchain/status`)).json()) as { lagBlocks?: number; indexReady?: boolean };
      return status.indexReady === true && status.lagBlocks === 0;
    });
  }

  /** Stops the page server, the API, the indexer and the node, and removes the temporary folder. */
  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
    for (const child of this.children.reverse()) await child.stop();
    this.children = [];
    if (!process.env.SETTLE_KEEP_TMP) rmSync(this.tmp, { recursive: true, force: true });
  }
}

// A root hook: runs once after every test of the run, wherever the backend was used.
after(async function () {
  this.timeout(60_000);
  await Backend.stopShared();
});

/** Options of {@link BrowserSession.start}. */
export interface SessionOptions {
  /** Journey name: prefixes the screenshots. */
  name: string;
  /** Hardhat account the injected wallet starts with (default 1). */
  accountIndex?: number;
  /** Browser viewport (default a laptop, 1280×860). */
  viewport?: { width: number; height: number };
}

/** One journey's browser: a fresh Chromium profile, the injected wallet, one page. */
export class BrowserSession {
  context!: BrowserContext;
  page!: Page;
  wallet!: TestWallet;
  private shots = 0;
  private readonly profile: string;

  private constructor(
    readonly backend: Backend,
    readonly options: SessionOptions,
  ) {
    this.profile = mkdtempSync(join(tmpdir(), `settle-chromium-${options.name}-`));
  }

  /** Starts Chromium with the wallet on `backend`. */
  static async start(backend: Backend, options: SessionOptions): Promise<BrowserSession> {
    const session = new BrowserSession(backend, options);
    session.wallet = new TestWallet(backend.rpcUrl, backend.deployment.chainId, options.accountIndex ?? 1);
    session.context = await chromium.launchPersistentContext(session.profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 860 },
      locale: "en-GB",
      timezoneId: "UTC",
      reducedMotion: "reduce",
      acceptDownloads: true,
    });
    await session.wallet.install(session.context);
    session.page = session.context.pages()[0] ?? (await session.context.newPage());
    session.page.setDefaultTimeout(20_000);
    return session;
  }

  /** The contracts of the deployment. */
  get deployment(): StackDeployment {
    return this.backend.deployment;
  }

  /** Opens the page at `hash` (e.g. "#/staking") and waits for the first view. */
  async open(hash = "#/"): Promise<void> {
    await this.page.goto(`${this.backend.baseUrl}/${hash}`);
    await this.page.waitForSelector("#main .page:not(.page-loading)");
  }

  /** Goes to `hash` inside the running page (no reload). */
  async go(hash: string): Promise<void> {
    await this.page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await this.page.waitForSelector("#main .page:not(.page-loading)");
  }

  /**
   * Saves a screenshot as test-artifacts/web/<journey>-<nn>-<label>.png: the full page, or only
   * the viewport (as a phone shows it, with its fixed tab bar at the bottom).
   */
  async screenshot(label: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<string> {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const path = join(ARTIFACTS_DIR, `${this.options.name}-${String(++this.shots).padStart(2, "0")}-${label}.png`);
    // The header is sticky: from the top, a full-page shot shows it where it belongs.
    if (fullPage) await this.page.evaluate("window.scrollTo(0, 0)");
    await this.page.screenshot({ path, fullPage, animations: "disabled" });
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
      () => `${selector} to show ${String(expected)} (last: "${text}")`,
      async () => test((text = ((await this.page.textContent(selector, { timeout: 1000 }).catch(() => null)) ?? "").trim())),
      timeoutMs,
      100,
    );
    return text;
  }

  /**
   * Waits until the transaction card in `slot` (whose title contains `title`, when given) reaches
   * `phase`, and returns its text.
   */
  async txCard(slot: string, phase: "confirmed" | "indexed" | "failed", title?: string, timeoutMs = 45_000): Promise<string> {
    const card = this.page.locator(
      `${slot} .tx-card[data-phase="${phase}"]`,
      title ? { has: this.page.locator(".tx-title", { hasText: title }) } : undefined,
    );
    await card.waitFor({ timeout: timeoutMs });
    return ((await card.textContent()) ?? "").replace(/\s+/g, " ");
  }

  /** The phase a successful transaction ends in: indexed with the API, confirmed without. */
  get donePhase(): "indexed" | "confirmed" {
    return this.backend.withApi ? "indexed" : "confirmed";
  }

  /** Closes the browser and removes its profile. */
  async stop(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    this.wallet?.destroy();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** Builds the page with Vite into `outDir`. */
async function buildPage(outDir: string): Promise<void> {
  try {
    await promisify(execFile)(
      join(BIN, "vite"),
      ["build", "--config", "web/vite.config.ts", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
      {
        cwd: ROOT,
        env: { ...process.env, ...QUIET_ENV },
      },
    );
  } catch (error) {
    throw new Error(`vite build failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}

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
  const provider = new JsonRpcProvider(rpcUrl, Network.from(31337), { staticNetwork: true, cacheTimeout: -1 });
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
 * The page's origin: the built files from `root`, and everything else either forwarded to the API
 * (`proxyTo`: one origin for page and API, as when the API serves the page) or, without an API,
 * GET /blockchain/contracts answered from the deployment and other API paths with the API's 404.
 */
function serveStatic(root: string, port: number, options: { proxyTo?: string; contracts?: unknown }): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const file = normalize(join(root, url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname)));
    const isFile = req.method === "GET" && (url.pathname === "/" || url.pathname.startsWith("/assets/") || url.pathname === "/favicon.svg");
    if (isFile && file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      return void createReadStream(file).pipe(res);
    }
    if (options.proxyTo) {
      const target = new URL(req.url ?? "/", options.proxyTo);
      const upstream = httpRequest(
        target,
        { method: req.method, headers: { ...req.headers, host: new URL(`http://127.0.0.1:${port}`).host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "bad_gateway", message: "The API is not answering" } }));
      });
      return void req.pipe(upstream);
    }
    if (url.pathname === "/blockchain/contracts" && options.contracts) {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify(options.contracts));
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "route_not_found", message: `No route for ${req.method} this path` } }));
  });
  return new Promise((r, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => r(server));
  });
}
