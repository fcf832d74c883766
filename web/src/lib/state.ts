/** The page's one state object: deployment, wallets, connection and session, with change notifications. */
import { getAddress, type JsonRpcSigner } from "ethers";
import { sameAddress } from "../../../core/address";
import { SIWE_STATEMENT, siweMessage } from "../../../core/siwe";
import { api, ApiError } from "./api";
import { Deployment } from "./contracts";
import { humanError, type HumanError, WrongNetworkError } from "./errors";
import { type DiscoveredWallet, discoverWallets, WalletConnection } from "./wallet";
import { t } from "../i18n";

/** The signed-in account (from POST /auth/verify or GET /auth/me). */
export interface Session {
  address: string;
  expiresAt: string;
}

/** Key under which the page remembers the wallet the user connected (never keys or tokens). */
const WALLET_KEY = "settle.wallet";

/**
 * The page's state: the deployment, the wallets found, the connection, the session. Views read it
 * and subscribe to its changes (account, chain, session), which re-render them without a reload.
 */
export class App {
  /** Every served network's deployment, the first network first. */
  deployments: Deployment[] = [];
  /**
   * The chain the current screen is about (an invoice's, or the one chosen for a new invoice), set by the router;
   * undefined: the wallet's chain when it is served, else the first network.
   */
  pinnedChainId: number | undefined;
  deploymentError: HumanError | undefined;
  wallets: DiscoveredWallet[] = [];
  connection: WalletConnection | undefined;
  session: Session | undefined;
  /** False when the API answered that it has no session support here (the static preview server). */
  apiAvailable = true;
  /** A one-off message for the account bar (e.g. "signed out because the account changed"). */
  flash: string | undefined;
  private listeners = new Set<() => void>();

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every subscriber that something changed. */
  emit(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** The connected account, if any. */
  get account(): string | undefined {
    return this.connection?.account || undefined;
  }

  /** The current deployment: the pinned chain's, else the wallet's chain's when served, else the first network's. */
  get deployment(): Deployment | undefined {
    return (
      (this.pinnedChainId !== undefined ? this.deploymentOf(this.pinnedChainId) : undefined) ??
      (this.connection ? this.deploymentOf(this.connection.chainId) : undefined) ??
      this.deployments[0]
    );
  }

  /** The deployment of chain `chainId`, when this server serves it. */
  deploymentOf(chainId: number): Deployment | undefined {
    return this.deployments.find((d) => d.chainId === chainId);
  }

  /** True when the API serves more than one network (the page then shows chains and a network choice). */
  get multichain(): boolean {
    return this.deployments.length > 1;
  }

  /** True when a wallet is connected and on the deployment's chain. */
  get onRightChain(): boolean {
    return !!this.connection && !!this.deployment && this.connection.chainId === this.deployment.chainId;
  }

  /** True when the session belongs to the connected account. */
  get signedIn(): boolean {
    return !!this.session && sameAddress(this.session.address, this.account);
  }

  /** Loads the deployment, finds the wallets, reconnects silently to a remembered one, reads the session. */
  async init(): Promise<void> {
    await this.loadDeployment();
    this.wallets = await discoverWallets();
    const remembered = localStorage.getItem(WALLET_KEY);
    const wallet =
      this.wallets.find((w) => w.info.uuid === remembered || (w.info.rdns && w.info.rdns === remembered)) ??
      (remembered ? this.wallets[0] : undefined);
    if (wallet) {
      try {
        const connection = await WalletConnection.restore(wallet);
        if (connection) this.attach(connection);
      } catch {
        // The wallet is locked or gone: stay disconnected.
      }
    }
    await this.refreshSession();
    this.emit();
  }

  /** (Re)loads GET /blockchain/contracts: every served network's deployment. */
  async loadDeployment(): Promise<void> {
    try {
      this.deployments = await Deployment.loadAll();
      this.deploymentError = undefined;
    } catch (error) {
      this.deployments = [];
      this.deploymentError = humanError(error);
    }
  }

  /** Reads the current session from GET /auth/me (the httpOnly cookie). */
  async refreshSession(): Promise<void> {
    try {
      const me = await api.me();
      this.session = { address: me.address, expiresAt: me.expiresAt };
      this.apiAvailable = true;
    } catch (error) {
      this.session = undefined;
      if (error instanceof ApiError && (error.code === "api_unavailable" || error.code === "route_not_found")) this.apiAvailable = false;
    }
    if (this.session && this.account && !this.signedIn) await this.dropSession(t().account.otherAccount);
  }

  /** Asks `wallet` (or the only/first one found) for its accounts and remembers it. */
  async connect(wallet?: DiscoveredWallet): Promise<void> {
    if (this.wallets.length === 0) this.wallets = await discoverWallets();
    const chosen = wallet ?? this.wallets[0];
    if (!chosen) throw new Error(t().account.noWallet);
    const connection = await WalletConnection.connect(chosen);
    this.attach(connection);
    localStorage.setItem(WALLET_KEY, chosen.info.rdns || chosen.info.uuid);
    if (this.session && !this.signedIn) await this.dropSession(t().account.otherAccount);
    this.emit();
  }

  /** Forgets the wallet (the wallet itself keeps its permission until the user revokes it there). */
  async disconnect(): Promise<void> {
    this.connection?.close();
    this.connection = undefined;
    localStorage.removeItem(WALLET_KEY);
    if (this.session) await this.signOut().catch(() => (this.session = undefined));
    this.emit();
  }

  private attach(connection: WalletConnection): void {
    this.connection?.close();
    this.connection = connection;
    let lastAccount = connection.account.toLowerCase();
    connection.watch(() => {
      if (this.connection !== connection) return;
      const account = connection.account.toLowerCase();
      const accountChanged = account !== lastAccount;
      lastAccount = account;
      if (!connection.account) {
        this.connection = undefined;
        connection.close();
      }
      if (accountChanged && this.session) {
        void this.dropSession(t().account.switched).then(() => this.emit());
      }
      this.emit();
    });
  }

  private async dropSession(reason: string): Promise<void> {
    this.session = undefined;
    this.flash = reason;
    // The cookie belongs to the other account: revoke it so that no request acts as that account.
    await api.logout().catch(() => undefined);
  }

  /** Asks the wallet to switch to `deployment`'s chain (default the current one), adding it first when it does not know it. */
  async switchNetwork(deployment = this.deployment): Promise<void> {
    if (!this.connection || !deployment) return;
    await this.connection.ensureChain({ chainId: deployment.chainId, name: deployment.chainName, rpcUrl: deployment.rpcUrl });
    this.emit();
  }

  /**
   * A signer for the connected account on the deployment's chain. Asks the wallet to switch first
   * when it is on another chain; throws {@link WrongNetworkError} when it stays there.
   */
  async signer(): Promise<JsonRpcSigner> {
    if (!this.connection) await this.connect();
    return this.signerOn(this.requireDeployment());
  }

  /**
   * A signer for the connected account on `deployment`'s chain (a basket's batch of another chain than the screen's):
   * asks the wallet to switch to (or add) it first; throws {@link WrongNetworkError} when the wallet stays elsewhere.
   */
  async signerOn(deployment: Deployment): Promise<JsonRpcSigner> {
    if (!this.connection) await this.connect();
    const connection = this.connection!;
    if (connection.chainId !== deployment.chainId) {
      try {
        await this.switchNetwork(deployment);
      } catch (error) {
        const human = humanError(error);
        if (human.kind === "rejected") throw new WrongNetworkError(connection.chainId, deployment.chainId, deployment.chainName);
        throw error;
      }
      if (connection.chainId !== deployment.chainId)
        throw new WrongNetworkError(connection.chainId, deployment.chainId, deployment.chainName);
    }
    return connection.signer();
  }

  /** The deployment, or an error people can read. */
  requireDeployment(): Deployment {
    if (!this.deployment) throw new Error(this.deploymentError?.message ?? "The contracts' addresses are not loaded.");
    return this.deployment;
  }

  /**
   * Sign in with Ethereum: a nonce from the API, an EIP-4361 message for this page's host signed
   * with personal_sign, verified by the API (which sets the session cookie).
   */
  async signIn(): Promise<void> {
    const signer = await this.signer();
    const nonce = await api.nonce();
    if (nonce.domain !== location.host) {
      throw new Error(
        `This page is served from ${location.host} but the server signs in users of ${nonce.domain}. Open the page at ${nonce.uri}.`,
      );
    }
    const address = getAddress(signer.address);
    const message = siweMessage({
      domain: location.host,
      address,
      statement: SIWE_STATEMENT,
      uri: location.origin,
      chainId: nonce.chainId,
      nonce: nonce.nonce,
      issuedAt: new Date().toISOString(),
      expirationTime: nonce.expiresAt,
    });
    const signature = await signer.signMessage(message);
    const session = await api.verify(message, signature);
    this.session = { address: session.address, expiresAt: session.expiresAt };
    this.flash = undefined;
    this.emit();
  }

  /** Ends the session (POST /auth/logout clears the cookie). */
  async signOut(): Promise<void> {
    try {
      await api.logout();
    } finally {
      this.session = undefined;
      this.emit();
    }
  }

  /** Call when the API answered 401: the session is gone. */
  sessionExpired(): void {
    if (!this.session) return;
    this.session = undefined;
    this.flash = t().account.sessionEnded;
    this.emit();
  }
}

/** The page's one state object. */
export const app = new App();
