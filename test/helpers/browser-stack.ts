/**
 * What the browser journeys run against. {@link Backend} is the real stack on free ports: a Hardhat
 * node, the real deploy into a temporary deployments folder, the indexer, and the API serving the
 * page built by Vite from its own origin (as `npm start` runs it). One is shared by every journey and
 * stopped by a root `after` hook; a journey that needs its own chain (the demo) or two chains (31337 and 31338, the
 * multichain journey: `Backend.start({ chains: 2 })`) starts another.
 * {@link BrowserSession} is one journey's headless Chromium (Debian's, never a download) with the
 * injected wallet. Every process started here is stopped, also when a test failed.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Network, Wallet } from "ethers";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { IndexReader } from "../../api/index/reader";
import type { HardhatNode, LocalDeployment } from "../../scripts/stack/node";
import type { ChainCount, LocalChain } from "../../scripts/stack/stack";
import { REPO_ROOT } from "../../scripts/stack/paths";
import { WaitAbortedError, freePort, waitFor } from "../../scripts/stack/processes";
import { startStack, type LocalStack } from "../../scripts/stack/stack";
import { buildPage } from "../../scripts/stack/web";
import { testAccount } from "../../scripts/lib/test-accounts";
import { TestWallet, type WalletNode } from "./injected-provider";
import { type TestSmtpServer, startSmtpServer } from "./smtp";

/** Where journeys save their screenshots (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS_DIR = join(REPO_ROOT, "test-artifacts", "web");
/** Debian's Chromium; tests never download a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
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

/** The stack of the journeys: node, deployment, indexer, and the API serving the page. */
export class Backend {
  private static instance: Promise<Backend> | undefined;
  private stack: LocalStack<IndexReader> | undefined;
  private node: HardhatNode | undefined;
  /** The index as the API reads it (after {@link Backend.start}). */
  index!: IndexReader;
  /** The real SMTP server the API sends its emails to (SMTP_URL), with every message it received. */
  smtp: TestSmtpServer | undefined;
  /** The node's JSON-RPC URL. */
  rpcUrl = "";
  /** The API's origin, which serves the page too (SIWE's domain is its host). */
  baseUrl = "";
  /** What the real deploy wrote on the first chain (addresses, its temporary deployments folder). */
  deployment!: LocalDeployment;
  /** Every chain of the stack (two with `chains: 2`), the first one first. */
  chains: LocalChain[] = [];
  /** Logs, the built page, the index and app.sqlite of this backend (removed by {@link Backend.stop}). */
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

  /** Starts a backend of its own (stop it with {@link Backend.stop}); `chains: 2` runs chains 31337 and 31338. */
  static async start(options: { chains?: ChainCount } = {}): Promise<Backend> {
    const backend = new Backend();
    try {
      await backend.boot(options.chains ?? 1);
    } catch (error) {
      await backend.stop();
      throw error;
    }
    return backend;
  }

  private async boot(chains: ChainCount): Promise<void> {
    const distDir = join(this.tmp, "dist");
    const apiPort = await freePort();
    this.baseUrl = `http://127.0.0.1:${apiPort}`;
    this.smtp = await startSmtpServer();
    [this.stack] = await Promise.all([
      startStack({
        dir: this.tmp,
        chains,
        openReader: (location) => new IndexReader(location),
        indexerEnv: { SETTLE_POLLING_INTERVAL_MS: "200" },
        api: {
          port: apiPort,
          env: {
            WEB_DIST_DIR: distDir,
            JWT_SECRET: "web-journeys-secret-of-at-least-32-bytes!",
            AUTH_RATE_LIMIT_PER_MINUTE: "1000",
            HISTORY_CACHE_MS: "0",
            LOG_LEVEL: "warn",
            SMTP_URL: this.smtp.url,
            SMTP_FROM: "Settle <billing@settle.example>",
            // The relayer ("Pay without ETH"): Hardhat account 16, used by no journey.
            RELAYER_PRIVATE_KEY: testAccount(16).privateKey,
          },
        },
      }),
      buildPage(distDir),
    ]);
    const { node, deployment, indexer, api } = this.stack;
    this.node = node;
    this.rpcUrl = node.url;
    this.deployment = deployment;
    this.chains = this.stack.chains;
    this.index = indexer.reader;
    const targets = await this.heads();
    await waitFor(
      `the API and the index to be ready (logs ${api!.process.logFile}, ${indexer.process.logFile})`,
      async () => {
        if (api!.process.hasExited()) throw new WaitAbortedError(`the API exited: see ${api!.process.logFile}`);
        if (indexer.process.hasExited()) throw new WaitAbortedError(`the indexer exited: see ${indexer.process.logFile}`);
        return this.indexCaughtUp(targets);
      },
      { timeoutMs: 180_000, intervalMs: 250 },
    );
  }

  /**
   * True when the API says the index is ready and level with the node's head; with several chains, when every chain's
   * indexed block has reached its node's head of `targets` (read once when the wait starts: the nodes keep mining).
   */
  private async indexCaughtUp(targets?: Map<number, number>): Promise<boolean> {
    const status = (await (await fetch(`${this.baseUrl}/blockchain/status`)).json()) as { indexReady?: boolean; lagBlocks?: number };
    if (!targets) return status.indexReady === true && status.lagBlocks === 0;
    if (status.indexReady !== true) return false;
    const chains = (await this.index.status()).chains;
    return [...targets].every(([chainId, head]) => {
      const block = chains.find((c) => c.chainId === chainId)?.block;
      return !!block && block.number >= BigInt(head);
    });
  }

  /** Each chain's head now, by chain id (undefined with one chain: its lag says it all). */
  private async heads(): Promise<Map<number, number> | undefined> {
    if (this.chains.length < 2) return undefined;
    const heads = await Promise.all(
      this.chains.map(async (c) => [c.deployment.chainId, Number(await c.node.rpc<string>("eth_blockNumber"))] as const),
    );
    return new Map(heads);
  }

  /** The nodes after the first one, for a wallet that switches between chains. */
  get otherNodes(): WalletNode[] {
    return this.chains.slice(1).map((chain) => ({ chainId: chain.deployment.chainId, rpcUrl: chain.node.url }));
  }

  /** The chain `chainId` of the stack (default the first). */
  chain(chainId = this.deployment.chainId): LocalChain {
    const chain = this.chains.find((c) => c.deployment.chainId === chainId);
    if (!chain)
      throw new Error(`This backend runs no chain ${chainId} (it runs ${this.chains.map((c) => c.deployment.chainId).join(", ")})`);
    return chain;
  }

  /** An ethers wallet for a Hardhat account on the test node of chain `chainId` (default the first; to set things up outside the page). */
  signer(accountIndex: number, chainId = this.deployment.chainId): Wallet {
    return new Wallet(
      testAccount(accountIndex).privateKey,
      new JsonRpcProvider(this.chain(chainId).node.url, Network.from(chainId), { staticNetwork: true, cacheTimeout: -1 }),
    );
  }

  /** Moves the chain's clock forward by `seconds` and mines one block. */
  async increaseTime(seconds: number): Promise<void> {
    await this.node!.rpc("evm_increaseTime", [seconds]);
    await this.node!.mine();
  }

  /** Waits until the index has caught up with the node's head. */
  async waitForIndex(): Promise<void> {
    const targets = await this.heads();
    await waitFor("the index to catch up", () => this.indexCaughtUp(targets), { timeoutMs: 60_000 });
  }

  /** Stops the API, the indexer and the node, and removes the temporary folder (kept with SETTLE_KEEP_TMP=1). */
  async stop(): Promise<void> {
    await this.stack?.stop();
    await this.smtp?.stop();
    if (!process.env.SETTLE_KEEP_TMP) rmSync(this.tmp, { recursive: true, force: true });
  }
}

// A root hook: runs once after every test of the run, wherever the backend was used.
after(async function () {
  this.timeout(60_000);
  await Backend.stopShared();
});

/**
 * Makes the tests of the calling `describe` the steps of one journey: once a step failed, the next
 * ones are skipped. (Mocha's `bail` would do that too, but it also skips the whole suite, silently,
 * when any earlier test of the run failed.)
 */
export function journeySteps(): void {
  let failed = false;
  beforeEach(function () {
    if (failed) this.skip();
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });
}

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
  /** Chromium with this journey's own profile. */
  context!: BrowserContext;
  /** The one tab the journey drives. */
  page!: Page;
  /** The injected MetaMask-like wallet answering the page. */
  wallet!: TestWallet;
  /** Uncaught errors of the page and Content-Security-Policy violations, as the console reported them. */
  readonly problems: string[] = [];
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
    session.wallet = new TestWallet(backend.rpcUrl, backend.deployment.chainId, options.accountIndex ?? 1, backend.otherNodes);
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
    session.page.on("pageerror", (error) => session.problems.push(`uncaught: ${error.message}`));
    session.page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) session.problems.push(message.text());
    });
    return session;
  }

  /** The contracts of the deployment. */
  get deployment(): LocalDeployment {
    return this.backend.deployment;
  }

  /** Opens the page at `hash` (e.g. "#/staking") and waits for the first view. */
  async open(hash = "#/"): Promise<void> {
    await this.page.goto(`${this.backend.baseUrl}/${hash}`);
    await this.page.waitForSelector("#main .page:not(.page-loading)");
  }

  /** Opens `hash`, connects the wallet and signs in with Ethereum (the page's gate card or the header's button). */
  async signIn(hash: string): Promise<void> {
    await this.open(hash);
    await this.page.click("#gate-connect");
    await this.page.locator("#sign-in").waitFor();
    await this.page.click((await this.page.locator("#gate-signin").count()) > 0 ? "#gate-signin" : "#sign-in");
    await this.page.locator("#account-button .signed-in-mark").waitFor();
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
      `${selector} to show ${String(expected)}`,
      async () => test((text = ((await this.page.textContent(selector, { timeout: 1000 }).catch(() => null)) ?? "").trim())),
      { timeoutMs },
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

  /** Closes the browser and removes its profile. */
  async stop(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    this.wallet?.destroy();
    rmSync(this.profile, { recursive: true, force: true });
  }
}
