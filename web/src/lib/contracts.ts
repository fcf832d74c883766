/**
 * Settle's contracts as the page uses them: addresses from the API's deployment (GET /blockchain/contracts), ABIs
 * from core/abis (generated from the compiled contracts), so that every read and write is typed.
 */
import { ErrorFragment, Interface, type ContractRunner, type Provider } from "ethers";
import { ERC20Abi } from "../../../core/abis/ERC20";
import { PaymentEscrowAbi } from "../../../core/abis/PaymentEscrow";
import { PriceFeedsAbi } from "../../../core/abis/PriceFeeds";
import { SettleTokenAbi } from "../../../core/abis/SettleToken";
import { StakingRewardsAbi } from "../../../core/abis/StakingRewards";
import { isZeroAddress, sameAddress } from "../../../core/address";
import { chainName, DEFAULT_RPC_URL, DEFAULT_RPC_URL_2, LOCAL_CHAIN_ID_2 } from "../../../core/chains";
import type { ContractName } from "../../../core/deployment";
import { api, type ContractsResponse } from "./api";
import { ETH, type TokenInfo } from "./format";
import { typedContract, type TypedContract } from "./typed-contract";
import type { WalletConnection } from "./wallet";

/** The ABI of each of Settle's contracts. */
const ABIS = {
  SettleToken: SettleTokenAbi,
  StakingRewards: StakingRewardsAbi,
  PriceFeeds: PriceFeedsAbi,
  PaymentEscrow: PaymentEscrowAbi,
} as const;

/** A typed ethers contract of one of Settle's contracts. */
export type SettleContract<N extends ContractName> = TypedContract<(typeof ABIS)[N]>;

/** A typed ERC-20 (with EIP-2612 permit) contract. */
export type Erc20Contract = TypedContract<typeof ERC20Abi>;

/** What people call each Settle contract. */
const CONTRACT_LABELS: Record<ContractName, string> = {
  SettleToken: "SETL token",
  StakingRewards: "Staking",
  PriceFeeds: "Price feeds",
  PaymentEscrow: "Escrow",
};

/**
 * Every custom error of Settle's contracts and of OpenZeppelin's ERC-20, permit, pausable and access-control code
 * they inherit, for decoding reverts by name.
 */
export const CONTRACT_ERRORS: Interface = (() => {
  const fragments = new Map<string, ErrorFragment>();
  for (const abi of [...Object.values(ABIS), ERC20Abi]) {
    for (const fragment of new Interface(abi).fragments) {
      if (fragment instanceof ErrorFragment) fragments.set(fragment.selector, fragment);
    }
  }
  return new Interface([...fragments.values()]);
})();

/** One served network's deployment as GET /blockchain/contracts lists it in `networks[]`. */
export type NetworkDeployment = ContractsResponse["networks"][number];

/** One network's deployment the page works with: chain and addresses, as the API serves them. */
export class Deployment {
  private constructor(readonly info: NetworkDeployment) {}

  /** Loads every served network's deployment from GET /blockchain/contracts, the first network first. */
  static async loadAll(): Promise<Deployment[]> {
    const response = await api.contracts();
    const networks = response.networks?.length ? response.networks : [response];
    return networks.map((network) => new Deployment(network));
  }

  /** The chain the contracts live on. */
  get chainId(): number {
    return this.info.chainId;
  }

  /** A name for the chain, for people and for wallet_addEthereumChain. */
  get chainName(): string {
    return chainName(this.info.chainId);
  }

  /** The RPC URL offered to wallets that do not know the chain yet. */
  get rpcUrl(): string {
    return this.info.chainId === LOCAL_CHAIN_ID_2 ? DEFAULT_RPC_URL_2 : DEFAULT_RPC_URL;
  }

  /** The currencies invoices may be priced in here, each with the tokens that have a feed for it (none: not offered). */
  get currencies(): NetworkDeployment["currencies"] {
    return this.info.currencies ?? [];
  }

  /** True when the contract is deployed on this server's chain. */
  has(name: ContractName): boolean {
    return !!this.info.contracts[name]?.address;
  }

  /** Address of a contract. */
  address(name: ContractName): string {
    const contract = this.info.contracts[name];
    if (!contract) throw new Error(`${name} is not deployed on this server`);
    return contract.address;
  }

  /** What people call the Settle contract at `address` ("Staking", "Escrow", "SETL token"), if it is one. */
  labelOf(address: string): string | undefined {
    const entry = Object.entries(this.info.contracts).find(([, c]) => sameAddress(c.address, address));
    return entry ? CONTRACT_LABELS[entry[0] as ContractName] : undefined;
  }

  /** The typed contract `name`, connected to `runner` (a provider to read, a signer to send). */
  contract<N extends ContractName>(name: N, runner: ContractRunner): SettleContract<N> {
    return typedContract(ABIS[name], this.address(name), runner) as SettleContract<N>;
  }
}

/** An ERC-20 (EIP-2612) token at `address`. */
export function erc20(address: string, runner: ContractRunner): Erc20Contract {
  return typedContract(ERC20Abi, address, runner);
}

const tokenCache = new Map<string, Promise<TokenInfo>>();

/**
 * Symbol, decimals and name of the token at `address` on chain `chainId` (ETH for the zero address), cached per chain
 * and address: read through `wallet` when it is on that chain, else asked of the API (GET /blockchain/tokens, read by
 * the API's own node of that chain), so that a row of another chain shows its own token.
 */
export function tokenInfo(
  address: string,
  chainId: number,
  wallet: Pick<WalletConnection, "chainId" | "provider"> | undefined,
): Promise<TokenInfo> {
  if (isZeroAddress(address)) return Promise.resolve(ETH);
  const key = `${chainId}:${address.toLowerCase()}`;
  let cached = tokenCache.get(key);
  if (!cached) {
    const read =
      wallet?.chainId === chainId
        ? readToken(address, wallet.provider())
        : api.token(address, chainId).then(({ symbol, decimals, name }) => ({ address, symbol, decimals, name }));
    cached = read.catch((error: unknown) => {
      tokenCache.delete(key);
      throw error;
    });
    tokenCache.set(key, cached);
  }
  return cached;
}

/** Symbol, decimals and name of the token at `address`, read from its contract through `provider`. */
async function readToken(address: string, provider: Provider): Promise<TokenInfo> {
  const token = erc20(address, provider);
  const [symbol, decimals, name] = await Promise.all([token.symbol(), token.decimals(), token.name()]);
  return { address, symbol, decimals: Number(decimals), name };
}
