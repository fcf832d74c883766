import { BrowserProvider, Network, type Eip1193Provider, type JsonRpcSigner } from "ethers";
import { ETH } from "../../../core/token";

/** An EIP-1193 provider that can also emit events (accountsChanged, chainChanged). */
export interface EventfulProvider extends Eip1193Provider {
  on?(event: string, listener: (...args: unknown[]) => void): void;
  removeListener?(event: string, listener: (...args: unknown[]) => void): void;
}

/** A wallet found in the page: EIP-6963 announces these; window.ethereum is the fallback. */
export interface DiscoveredWallet {
  info: { uuid: string; name: string; icon: string; rdns: string };
  provider: EventfulProvider;
}

/** The chain the page wants the wallet on. */
export interface TargetChain {
  chainId: number;
  name: string;
  rpcUrl: string;
}

declare global {
  interface Window {
    ethereum?: EventfulProvider;
  }
}

/**
 * Finds the wallets in the page: every EIP-6963 announcement within `waitMs`, or window.ethereum
 * when none announces itself.
 */
export function discoverWallets(waitMs = 250): Promise<DiscoveredWallet[]> {
  return new Promise((resolve) => {
    const found = new Map<string, DiscoveredWallet>();
    const onAnnounce = (event: Event) => {
      const detail = (event as CustomEvent<DiscoveredWallet>).detail;
      if (detail?.info?.uuid && detail.provider) found.set(detail.info.uuid, detail);
    };
    window.addEventListener("eip6963:announceProvider", onAnnounce);
    window.dispatchEvent(new Event("eip6963:requestProvider"));
    setTimeout(() => {
      window.removeEventListener("eip6963:announceProvider", onAnnounce);
      const wallets = [...found.values()];
      if (wallets.length === 0 && window.ethereum) {
        wallets.push({ info: { uuid: "window.ethereum", name: "Browser wallet", icon: "", rdns: "" }, provider: window.ethereum });
      }
      resolve(wallets);
    }, waitMs);
  });
}

/** A connected wallet: its account, chain and an ethers signer. */
export class WalletConnection {
  private listeners: [string, (...args: unknown[]) => void][] = [];
  private cachedProvider: { chainId: number; provider: BrowserProvider } | undefined;

  private constructor(
    readonly wallet: DiscoveredWallet,
    public account: string,
    public chainId: number,
  ) {}

  /** Asks the wallet for its accounts (eth_requestAccounts) and reads its chain. */
  static async connect(wallet: DiscoveredWallet): Promise<WalletConnection> {
    const accounts = (await wallet.provider.request({ method: "eth_requestAccounts" })) as string[];
    if (!accounts[0]) throw new Error("The wallet shared no account.");
    const chainId = Number(await wallet.provider.request({ method: "eth_chainId" }));
    return new WalletConnection(wallet, accounts[0], chainId);
  }

  /**
   * Reconnects without a prompt (eth_accounts) to a wallet that already authorised the page, or
   * resolves undefined when it has not (or is locked).
   */
  static async restore(wallet: DiscoveredWallet): Promise<WalletConnection | undefined> {
    const accounts = (await wallet.provider.request({ method: "eth_accounts" })) as string[];
    if (!accounts[0]) return undefined;
    const chainId = Number(await wallet.provider.request({ method: "eth_chainId" }));
    return new WalletConnection(wallet, accounts[0], chainId);
  }

  /** Calls `onChange` whenever the account or the chain changes in the wallet (no reload). */
  watch(onChange: (connection: WalletConnection) => void): void {
    const onAccounts = (...args: unknown[]) => {
      const accounts = args[0] as string[];
      this.account = accounts[0] ?? "";
      onChange(this);
    };
    const onChain = (...args: unknown[]) => {
      this.chainId = Number(args[0]);
      onChange(this);
    };
    this.wallet.provider.on?.("accountsChanged", onAccounts);
    this.wallet.provider.on?.("chainChanged", onChain);
    this.listeners.push(["accountsChanged", onAccounts], ["chainChanged", onChain]);
  }

  /** Stops watching the wallet. */
  close(): void {
    for (const [event, listener] of this.listeners) this.wallet.provider.removeListener?.(event, listener);
    this.listeners = [];
  }

  /** Switches the wallet to `chain`, adding the chain first when the wallet does not know it (4902). */
  async ensureChain(chain: TargetChain): Promise<void> {
    if (this.chainId === chain.chainId) return;
    const hexId = "0x" + chain.chainId.toString(16);
    try {
      await this.wallet.provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: hexId }] });
    } catch (error) {
      if (errorCode(error) !== 4902) throw error;
      await this.wallet.provider.request({
        method: "wallet_addEthereumChain",
        params: [
          {
            chainId: hexId,
            chainName: chain.name,
            rpcUrls: [chain.rpcUrl],
            nativeCurrency: { name: ETH.name, symbol: ETH.symbol, decimals: ETH.decimals },
          },
        ],
      });
    }
    this.chainId = Number(await this.wallet.provider.request({ method: "eth_chainId" }));
  }

  /**
   * An ethers provider over the wallet for the wallet's current chain (a new one after a chain
   * change, so that ethers never sees the network move under it). Polls every second.
   */
  provider(): BrowserProvider {
    if (this.cachedProvider?.chainId !== this.chainId) {
      const provider = new BrowserProvider(this.wallet.provider, Network.from(this.chainId), {
        staticNetwork: true,
        pollingInterval: 1000,
      });
      this.cachedProvider = { chainId: this.chainId, provider };
    }
    return this.cachedProvider.provider;
  }

  /** An ethers signer for the connected account. */
  async signer(): Promise<JsonRpcSigner> {
    return this.provider().getSigner(this.account);
  }
}

/** The EIP-1193 / JSON-RPC error code inside an error from a wallet or from ethers, if any. */
export function errorCode(error: unknown): number | undefined {
  let current = error as { code?: unknown; error?: unknown; info?: { error?: unknown } } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === "number") return current.code;
    current = (current.info?.error ?? current.error) as typeof current;
  }
  return undefined;
}
