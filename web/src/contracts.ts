import { Contract, ErrorFragment, Interface, ZeroAddress, type ContractRunner, type InterfaceAbi, type Provider } from "ethers";
import { api, type ContractsResponse } from "./api";
import { ETH, type TokenInfo } from "./format";

/** Names of Settle's contracts in GET /blockchain/contracts. */
export type SettleContractName = "SettleToken" | "StakingRewards" | "PaymentEscrow";

/** The deployment the page works with: chain, addresses and ABIs, as the API serves them. */
export class Deployment {
  /** Every custom error of every contract (and the standard ones), for decoding reverts by name. */
  readonly errors: Interface;

  private constructor(readonly info: ContractsResponse) {
    const fragments = new Map<string, ErrorFragment>();
    for (const abi of [...Object.values(info.contracts).map((c) => c.abi ?? []), STANDARD_ERRORS]) {
      for (const fragment of new Interface(abi as InterfaceAbi).fragments) {
        if (fragment instanceof ErrorFragment) fragments.set(fragment.selector, fragment);
      }
    }
    this.errors = new Interface([...fragments.values()]);
  }

  /** Loads the deployment from GET /blockchain/contracts. */
  static async load(): Promise<Deployment> {
    return new Deployment(await api.contracts());
  }

  /** Builds a deployment from an already fetched answer (tests and previews). */
  static from(info: ContractsResponse): Deployment {
    return new Deployment(info);
  }

  /** The chain the contracts live on. */
  get chainId(): number {
    return this.info.chainId;
  }

  /** A name for the chain, for people and for wallet_addEthereumChain. */
  get chainName(): string {
    return this.info.chainName ?? (this.info.chainId === 31337 ? "Settle Local (Hardhat)" : `Chain ${this.info.chainId}`);
  }

  /** The RPC URL offered to wallets that do not know the chain yet. */
  get rpcUrl(): string {
    return this.info.rpcUrl ?? "http://127.0.0.1:8545";
  }

  /** True when the contract is deployed and its ABI is known. */
  has(name: SettleContractName): boolean {
    return !!this.info.contracts[name]?.abi;
  }

  /** Address of a contract. */
  address(name: SettleContractName): string {
    const contract = this.info.contracts[name];
    if (!contract) throw new Error(`${name} is not deployed on this server`);
    return contract.address;
  }

  /** What people call the Settle contract at `address` ("Staking", "Escrow", "SETL token"), if it is one. */
  labelOf(address: string): string | undefined {
    const entry = Object.entries(this.info.contracts).find(([, c]) => c.address.toLowerCase() === address.toLowerCase());
    return entry ? CONTRACT_LABELS[entry[0] as SettleContractName] : undefined;
  }

  /** An ethers Contract for `name`, connected to `runner` (a provider to read, a signer to send). */
  contract(name: SettleContractName, runner: ContractRunner): Contract {
    const contract = this.info.contracts[name];
    if (!contract?.abi) throw new Error(`${name} is not available on this server`);
    return new Contract(contract.address, contract.abi as InterfaceAbi, runner);
  }

  /** The Interface of a contract (to encode calls and parse its logs). */
  iface(name: SettleContractName): Interface {
    const contract = this.info.contracts[name];
    if (!contract?.abi) throw new Error(`${name} is not available on this server`);
    return new Interface(contract.abi as InterfaceAbi);
  }
}

const CONTRACT_LABELS: Record<SettleContractName, string> = {
  SettleToken: "SETL token",
  StakingRewards: "Staking",
  PaymentEscrow: "Escrow",
};

/** Errors of OpenZeppelin's ERC-20, permit and pausable contracts, and Solidity's built-ins. */
const STANDARD_ERRORS = [
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error ERC20InvalidSender(address sender)",
  "error ERC20InvalidReceiver(address receiver)",
  "error ERC20InvalidApprover(address approver)",
  "error ERC20InvalidSpender(address spender)",
  "error ERC2612ExpiredSignature(uint256 deadline)",
  "error ERC2612InvalidSigner(address signer, address owner)",
  "error ERC20ExceededCap(uint256 increasedSupply, uint256 cap)",
  "error SafeERC20FailedOperation(address token)",
  "error EnforcedPause()",
  "error ReentrancyGuardReentrantCall()",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
];

/** The ERC-20 views and calls the page uses on any token. */
export const ERC20_ABI = [
  "function name() view returns (string)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address owner, address spender) view returns (uint256)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function nonces(address owner) view returns (uint256)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
];

/** An ERC-20 contract at `address`. */
export function erc20(address: string, runner: ContractRunner): Contract {
  return new Contract(address, ERC20_ABI, runner);
}

const tokenCache = new Map<string, Promise<TokenInfo>>();

/** Symbol, decimals and name of a token (ETH for the zero address), cached per chain and address. */
export function tokenInfo(address: string, provider: Provider, chainId: number): Promise<TokenInfo> {
  if (/^0x0{40}$/i.test(address)) return Promise.resolve(ETH);
  const key = `${chainId}:${address.toLowerCase()}`;
  let cached = tokenCache.get(key);
  if (!cached) {
    const token = erc20(address, provider);
    cached = Promise.all([token.getFunction("symbol")(), token.getFunction("decimals")(), token.getFunction("name")()]).then(
      ([symbol, decimals, name]) => ({ address, symbol: String(symbol), decimals: Number(decimals), name: String(name) }),
      (error: unknown) => {
        tokenCache.delete(key);
        throw error;
      },
    );
    tokenCache.set(key, cached);
  }
  return cached;
}

/** The zero address, re-exported for views. */
export const NATIVE = ZeroAddress;
