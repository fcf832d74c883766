/**
 * deployments/<network>.json: the one place that says where the contracts live. The deploy writes it; tasks, the
 * indexer, the API and the page read it through {@link parseDeployment} (files: ./deployment-file.ts).
 */

/** The contracts Settle deploys, in deployment order. */
export const CONTRACT_NAMES = ["SettleToken", "StakingRewards", "PriceFeeds", "PaymentEscrow"] as const;

/** Name of one of Settle's deployed contracts. */
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** 0x-prefixed hex (an address, a hash), as viem and Ponder type it. */
export type Hex = `0x${string}`;

/** Where one contract lives on one chain. */
export interface ContractDeployment {
  address: Hex;
  deployBlock: number;
  txHash: Hex;
}

/** The content of deployments/<network>.json. */
export interface Deployment {
  chainId: number;
  network: string;
  contracts: Record<ContractName, ContractDeployment>;
  /**
   * Test tokens the deploy created on a local chain and allowlisted (TestUSD, the USDC-like stablecoin), by
   * contract name. Optional: absent on public chains, whose tokens are in config/tokens.json.
   */
  tokens?: Record<string, ContractDeployment>;
  /**
   * Price feeds the deploy created on a local chain and registered in PriceFeeds (TestPriceFeed), by "token/currency"
   * ("TestUSD/EUR"). Optional: absent on public chains, whose PriceFeeds registers Chainlink's own feeds.
   */
  priceFeeds?: Record<string, ContractDeployment>;
  /** sha256 of the deployed contracts' ABIs: readers can tell when their ABIs are stale. */
  abiHash: string;
}

/** A missing or invalid deployment; the message says how to fix it. */
export class DeploymentError extends Error {
  override name = "DeploymentError";
}

/** The command that (re)creates the deployment of `network`. */
export function deployCommand(network: string): string {
  return `npm run deploy -- --network ${network}`;
}

/**
 * Checks parsed JSON as a deployment of `network` (every contract required, with an address and a deploy block).
 *
 * @param source what to name in errors (the file's path)
 * @throws DeploymentError naming what is missing and the command that fixes it
 */
export function parseDeployment(value: unknown, network: string, source: string): Deployment {
  const parsed = (value ?? {}) as Partial<Deployment>;
  const invalid = CONTRACT_NAMES.filter((name) => {
    const entry = parsed.contracts?.[name];
    return !entry || !/^0x[0-9a-fA-F]{40}$/.test(entry.address) || !Number.isInteger(entry.deployBlock);
  });
  if (typeof parsed.chainId !== "number" || invalid.length > 0) {
    const what = invalid.length > 0 ? ` (no ${invalid.join(", ")})` : " (no chainId)";
    throw new DeploymentError(`${source} is incomplete${what}: run \`${deployCommand(network)}\``);
  }
  return parsed as Deployment;
}

/** The first block any of the deployment's contracts can have events in: the earliest deploy block. */
export function startBlockOf(deployment: Deployment): number {
  return Math.min(...Object.values(deployment.contracts).map((contract) => contract.deployBlock));
}

/** A currency invoices may be priced in on a deployment, and the tokens with a feed for it. */
export interface PricedCurrency {
  /** ISO 4217 code ("EUR"). */
  code: string;
  /** The tokens a payer may pay it in (the zero address: ETH), by the name the deployment gives them. */
  tokens: Array<{ name: string; address: Hex }>;
}

const ETH_ADDRESS: Hex = "0x0000000000000000000000000000000000000000";

/**
 * The currencies of the deployment's own price feeds (`priceFeeds`, "TestUSD/EUR": a local chain's), sorted by code,
 * each with its tokens; empty on a chain whose feeds the deploy did not create.
 */
export function pricedCurrencies(deployment: Deployment): PricedCurrency[] {
  const byCode = new Map<string, PricedCurrency>();
  for (const key of Object.keys(deployment.priceFeeds ?? {})) {
    const [name, code] = key.split("/") as [string, string];
    const address =
      name === "ETH" ? ETH_ADDRESS : (deployment.tokens?.[name]?.address ?? deployment.contracts[name as ContractName]?.address);
    if (!address || !code) continue;
    const currency = byCode.get(code) ?? { code, tokens: [] };
    currency.tokens.push({ name, address });
    byCode.set(code, currency);
  }
  return [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
}
