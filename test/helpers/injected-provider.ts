/**
 * A stand-in for MetaMask in browser tests. MetaMask cannot be installed in headless Chromium, so
 * the page gets an EIP-1193 provider as `window.ethereum` (also announced through EIP-6963) whose
 * requests are answered in Node by a {@link TestWallet}: it signs with a Hardhat test key and
 * forwards everything else to the real local node of the chain it is on (one or several: wallet_switchEthereumChain
 * moves it between them), as MetaMask does with its RPC. Tests can make
 * it reject the next request of a method (code 4001, as when the user clicks "Reject"), sit on
 * another chain, or switch accounts, and read the log of what the page asked.
 */
import { getBytes, JsonRpcProvider, Network, TypedDataEncoder, Wallet, type TypedDataField } from "ethers";
import type { BrowserContext, Page } from "playwright-core";
import { testAccount } from "../../scripts/lib/test-accounts";

/** An EIP-1193 error as a wallet returns it. */
export interface ProviderError {
  code: number;
  message: string;
  data?: unknown;
}

/** One request the page sent to the wallet, with its outcome. */
export interface LoggedRequest {
  method: string;
  params: unknown[];
  /** The chain the wallet was on when the page asked (a transaction is sent there). */
  chainId: number;
  error?: ProviderError;
}

/** The JSON-RPC methods that need the user's approval in MetaMask (the ones a test can reject). */
const PROMPTING = new Set([
  "eth_requestAccounts",
  "personal_sign",
  "eth_signTypedData_v4",
  "eth_sendTransaction",
  "wallet_switchEthereumChain",
  "wallet_addEthereumChain",
]);

/** A local node the wallet knows: its chain id and JSON-RPC URL. */
export interface WalletNode {
  chainId: number;
  rpcUrl: string;
}

/**
 * The wallet behind the injected provider: one Hardhat account at a time, connected to the node of its chain.
 */
export class TestWallet {
  /** Every request the page sent, oldest first. */
  readonly requests: LoggedRequest[] = [];
  private readonly nodes = new Map<number, { rpcUrl: string; provider: JsonRpcProvider }>();
  private key: string;
  private chainId: number;
  private readonly knownChains = new Set<number>();
  private readonly rejections = new Map<string, number>();
  private authorised = false;
  private readonly pages = new Set<Page>();
  private rpcId = 1;
  /** The reads {@link holdCallsTo} holds: of which contract, the gate they wait on, and their answers. */
  private held: { to: string; gate: Promise<void>; answers: Promise<unknown>[] } | undefined;

  /**
   * @param rpcUrl the local node the wallet forwards to
   * @param nodeChainId the node's chain id (31337)
   * @param accountIndex which Hardhat account signs
   * @param otherNodes more local nodes (e.g. chain 31338's): the wallet knows their chains and forwards to them there
   */
  constructor(rpcUrl: string, nodeChainId: number, accountIndex = 1, otherNodes: readonly WalletNode[] = []) {
    for (const node of [{ chainId: nodeChainId, rpcUrl }, ...otherNodes]) {
      const provider = new JsonRpcProvider(node.rpcUrl, Network.from(node.chainId), {
        staticNetwork: true,
        pollingInterval: 200,
        cacheTimeout: -1,
      });
      this.nodes.set(node.chainId, { rpcUrl: node.rpcUrl, provider });
      this.knownChains.add(node.chainId);
    }
    this.key = testAccount(accountIndex).privateKey;
    this.chainId = nodeChainId;
    this.knownChains.add(1);
  }

  /** The address that signs now. */
  get address(): string {
    return new Wallet(this.key).address;
  }

  /** The chain the wallet is on now. */
  get currentChainId(): number {
    return this.chainId;
  }

  /** The node of the wallet's chain; on a chain without one, the first node (reads go there, as before a switch). */
  private get node(): { rpcUrl: string; provider: JsonRpcProvider } {
    return this.nodes.get(this.chainId) ?? [...this.nodes.values()][0]!;
  }

  /** The signing account, connected to {@link TestWallet.node}. */
  private get account(): Wallet {
    return new Wallet(this.key, this.node.provider);
  }

  /**
   * Installs the provider in every page of `context` (before any script of the page runs) and
   * answers its requests from Node.
   */
  async install(context: BrowserContext): Promise<void> {
    await context.exposeBinding("__settleWalletRequest", async ({ page }, payload: string) => {
      this.pages.add(page);
      const { method, params } = JSON.parse(payload) as { method: string; params: unknown[] };
      return JSON.stringify(await this.handle(method, params));
    });
    await context.addInitScript(pageProviderScript);
  }

  /** Makes the next `count` requests of `method` fail as if the user clicked "Reject" (code 4001). */
  rejectNext(method: string, count = 1): void {
    this.rejections.set(method, (this.rejections.get(method) ?? 0) + count);
  }

  /**
   * Leaves the page's eth_call reads of contract `to` unanswered, as a slow node would, until the returned function is
   * called; that function resolves, once every held read has been answered, with how many there were.
   */
  holdCallsTo(to: string): () => Promise<number> {
    let open!: () => void;
    const held = { to: to.toLowerCase(), gate: new Promise<void>((resolve) => (open = resolve)), answers: [] as Promise<unknown>[] };
    this.held = held;
    return async () => {
      if (this.held === held) this.held = undefined;
      open();
      await Promise.allSettled(held.answers);
      return held.answers.length;
    };
  }

  /** Puts the wallet on another chain (as if the user switched networks in MetaMask) and tells the pages. */
  async useChain(chainId: number, { known = true }: { known?: boolean } = {}): Promise<void> {
    if (known) this.knownChains.add(chainId);
    else this.knownChains.delete(chainId);
    this.chainId = chainId;
    await this.emit("chainChanged", toHex(chainId));
  }

  /** Forgets `chainId`, so that switching to it answers 4902 until it is added. */
  forgetChain(chainId: number): void {
    this.knownChains.delete(chainId);
  }

  /** Switches to another Hardhat account (as if the user picked it in MetaMask) and tells the pages. */
  async useAccount(accountIndex: number): Promise<void> {
    await this.useKey(testAccount(accountIndex).privateKey);
  }

  /** Switches to the account of `privateKey` (e.g. a fresh one without ETH) and tells the pages. */
  async useKey(privateKey: string): Promise<void> {
    this.key = privateKey;
    if (this.authorised) await this.emit("accountsChanged", [this.account.address]);
  }

  /** The requests of `method` sent so far. */
  requestsOf(method: string): LoggedRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  /** Stops the wallet's node connections. */
  destroy(): void {
    for (const node of this.nodes.values()) node.provider.destroy();
  }

  private async emit(event: string, value: unknown): Promise<void> {
    for (const page of this.pages) {
      if (page.isClosed()) continue;
      await page.evaluate(
        ([name, payload]) =>
          (globalThis as unknown as { __settleWalletEmit(n: string, v: string): void }).__settleWalletEmit(name, payload),
        [event, JSON.stringify(value)] as const,
      );
    }
  }

  private async handle(method: string, params: unknown[]): Promise<{ result?: unknown; error?: ProviderError }> {
    const entry: LoggedRequest = { method, params, chainId: this.chainId };
    this.requests.push(entry);
    try {
      const pending = this.rejections.get(method) ?? 0;
      if (PROMPTING.has(method) && pending > 0) {
        this.rejections.set(method, pending - 1);
        throw { code: 4001, message: "MetaMask Tx Signature: User denied transaction signature." } satisfies ProviderError;
      }
      const held = this.held;
      if (held && method === "eth_call" && (params[0] as { to?: string } | undefined)?.to?.toLowerCase() === held.to) {
        const answer = held.gate.then(() => this.answer(method, params));
        held.answers.push(answer);
        return { result: await answer };
      }
      return { result: await this.answer(method, params) };
    } catch (error) {
      entry.error = asProviderError(error);
      return { error: entry.error };
    }
  }

  private async answer(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case "eth_requestAccounts":
        this.authorised = true;
        return [this.account.address];
      case "eth_accounts":
        return this.authorised ? [this.account.address] : [];
      case "eth_chainId":
        return toHex(this.chainId);
      case "net_version":
        return String(this.chainId);
      case "wallet_switchEthereumChain": {
        const chainId = Number((params[0] as { chainId: string }).chainId);
        if (!this.knownChains.has(chainId))
          throw {
            code: 4902,
            message: `Unrecognized chain ID "${toHex(chainId)}". Try adding the chain using wallet_addEthereumChain first.`,
          };
        if (chainId !== this.chainId) await this.useChain(chainId);
        return null;
      }
      case "wallet_addEthereumChain": {
        const chainId = Number((params[0] as { chainId: string }).chainId);
        this.knownChains.add(chainId);
        if (chainId !== this.chainId) await this.useChain(chainId);
        return null;
      }
      case "personal_sign": {
        this.requireAuthorised();
        const [data, address] = params as [string, string];
        this.requireSelf(address);
        return this.account.signMessage(getBytes(data));
      }
      case "eth_signTypedData_v4": {
        this.requireAuthorised();
        const [address, json] = params as [string, string];
        this.requireSelf(address);
        const typed = JSON.parse(json) as {
          domain: Record<string, unknown>;
          types: Record<string, TypedDataField[]>;
          message: Record<string, unknown>;
        };
        const types = { ...typed.types };
        delete types.EIP712Domain;
        // ethers picks the primary type itself; check that it is the one the page meant.
        TypedDataEncoder.getPrimaryType(types);
        return this.account.signTypedData(typed.domain, types, typed.message);
      }
      case "eth_sendTransaction": {
        this.requireAuthorised();
        const tx = params[0] as { from: string; to?: string; data?: string; value?: string; gas?: string };
        this.requireSelf(tx.from);
        if (!this.nodes.has(this.chainId))
          throw {
            code: -32603,
            message: `The wallet is on chain ${this.chainId}, where it has no node (${[...this.nodes.keys()].join(", ")}).`,
          };
        const sent = await this.account.sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : 0n,
          gasLimit: tx.gas ? BigInt(tx.gas) : undefined,
        });
        return sent.hash;
      }
      case "wallet_requestPermissions":
        this.authorised = true;
        return [{ parentCapability: "eth_accounts" }];
      case "wallet_getPermissions":
        return this.authorised ? [{ parentCapability: "eth_accounts" }] : [];
      default:
        return this.forward(method, params);
    }
  }

  private requireAuthorised(): void {
    if (!this.authorised)
      throw { code: 4100, message: "The requested account and/or method has not been authorized by the user." } satisfies ProviderError;
  }

  private requireSelf(address: string): void {
    if (address.toLowerCase() !== this.account.address.toLowerCase())
      throw { code: 4100, message: `Unknown account ${address}` } satisfies ProviderError;
  }

  /** Forwards a read to the node and returns its JSON-RPC result, or throws its JSON-RPC error. */
  private async forward(method: string, params: unknown[]): Promise<unknown> {
    const response = await fetch(this.node.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: this.rpcId++, method, params }),
    });
    const body = (await response.json()) as { result?: unknown; error?: ProviderError };
    if (body.error) throw body.error;
    return body.result;
  }
}

function toHex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** A node or ethers failure as the `{ code, message, data }` a wallet rejects with. */
function asProviderError(error: unknown): ProviderError {
  const e = error as {
    code?: unknown;
    message?: unknown;
    data?: unknown;
    shortMessage?: unknown;
    info?: { error?: ProviderError };
    error?: ProviderError;
  };
  if (typeof e?.code === "number" && typeof e.message === "string") return { code: e.code, message: e.message, data: e.data };
  const inner = e?.info?.error ?? e?.error;
  if (inner && typeof inner.code === "number") return asProviderError(inner);
  const message = String(e?.shortMessage ?? e?.message ?? error);
  if (/enough funds|insufficient funds/i.test(message)) return { code: -32000, message: "insufficient funds for gas * price + value" };
  return { code: -32603, message, data: e?.data };
}

/**
 * Runs in the page before its scripts: defines window.ethereum (an EIP-1193 provider with
 * request/on/removeListener that forwards to the exposed binding) and announces it via EIP-6963.
 */
function pageProviderScript(): void {
  type Listener = (value: unknown) => void;
  const g = globalThis as unknown as {
    __settleWalletRequest(payload: string): Promise<string>;
    __settleWalletEmit?: (event: string, payload: string) => void;
    ethereum?: unknown;
    addEventListener(type: string, listener: () => void): void;
    dispatchEvent(event: unknown): boolean;
    CustomEvent: new (type: string, init: { detail: unknown }) => unknown;
  };
  const listeners = new Map<string, Set<Listener>>();
  const provider = {
    isMetaMask: true,
    async request(args: { method: string; params?: unknown[] }): Promise<unknown> {
      const answer = JSON.parse(await g.__settleWalletRequest(JSON.stringify({ method: args.method, params: args.params ?? [] }))) as {
        result?: unknown;
        error?: { code: number; message: string; data?: unknown };
      };
      if (answer.error) {
        const error = new Error(answer.error.message) as Error & { code: number; data?: unknown };
        error.code = answer.error.code;
        if (answer.error.data !== undefined) error.data = answer.error.data;
        throw error;
      }
      return answer.result;
    },
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return provider;
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  g.__settleWalletEmit = (event, payload) => {
    const value = JSON.parse(payload) as unknown;
    for (const listener of listeners.get(event) ?? []) listener(value);
  };
  g.ethereum = provider;
  const info = Object.freeze({
    uuid: "5f6c7d8e-0000-4000-8000-00000000test",
    name: "MetaMask (test)",
    icon: "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAzMiAzMiI+PHJlY3Qgd2lkdGg9IjMyIiBoZWlnaHQ9IjMyIiByeD0iOCIgZmlsbD0iI2Y2ODUxYiIvPjwvc3ZnPg==",
    rdns: "io.metamask.test",
  });
  const announce = () => g.dispatchEvent(new g.CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
  g.addEventListener("eip6963:requestProvider", announce);
  announce();
}
