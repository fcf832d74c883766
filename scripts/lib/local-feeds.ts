/**
 * The price feeds a local chain gets with its deploy: Chainlink-shaped TestPriceFeed contracts whose answers
 * nobody moves (a test or the demo may: TestPriceFeed.setAnswer), registered in PriceFeeds so that invoices priced
 * in USD or EUR can be paid in TestUSD, SETL or ETH at once.
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { ContractDeployment, Hex } from "../../core/deployment";
import { currencyToBytes3 } from "../../core/invoice/currency";

/** One local feed: which token, which currency, the feed's decimals and its answer (one whole token in the currency). */
export interface LocalFeed {
  /** "ETH" or the name of a token the deploy created (TestUSD, SettleToken). */
  token: "ETH" | "TestUSD" | "SettleToken";
  currency: string;
  decimals: number;
  answer: bigint;
}

/** The local feeds: both Chainlink decimal conventions (8 for fiat pairs, 18 for some token pairs) appear. */
export const LOCAL_FEEDS: readonly LocalFeed[] = [
  { token: "TestUSD", currency: "USD", decimals: 8, answer: 100_000_000n },
  { token: "TestUSD", currency: "EUR", decimals: 8, answer: 92_000_000n },
  { token: "SettleToken", currency: "EUR", decimals: 18, answer: 5n * 10n ** 17n },
  { token: "ETH", currency: "USD", decimals: 8, answer: 2_000n * 10n ** 8n },
];

/** How long a local answer stays usable: a year, since nothing updates the local feeds while tests move time. */
export const LOCAL_FEED_MAX_AGE = 365 * 24 * 3600;

/** The key a feed has in the deployment file's `priceFeeds`: "TestUSD/EUR". */
export function feedKey(feed: LocalFeed): string {
  return `${feed.token}/${feed.currency}`;
}

/**
 * Deploys every {@link LOCAL_FEEDS} feed and registers it in the PriceFeeds at `registry` with sanity bounds of a
 * thousandth to a thousand times its answer; `tokens` gives the address of TestUSD and SettleToken.
 */
export async function deployLocalFeeds(
  hre: HardhatRuntimeEnvironment,
  registry: string,
  tokens: Record<"TestUSD" | "SettleToken", string>,
  log: (line: string) => void,
): Promise<Record<string, ContractDeployment>> {
  const { ethers } = hre;
  const feeds = await ethers.getContractAt("PriceFeeds", registry);
  const deployed: Record<string, ContractDeployment> = {};
  for (const local of LOCAL_FEEDS) {
    const feed = await ethers.deployContract("TestPriceFeed", [local.decimals, local.answer]);
    const receipt = await feed.deploymentTransaction()!.wait();
    if (!receipt) throw new Error(`deployment of the ${feedKey(local)} feed was dropped`);
    const token = local.token === "ETH" ? ethers.ZeroAddress : tokens[local.token];
    const bounds = [local.answer / 1000n, local.answer * 1000n] as const;
    await (await feeds.setFeed(token, currencyToBytes3(local.currency), feed, LOCAL_FEED_MAX_AGE, ...bounds)).wait();
    deployed[feedKey(local)] = { address: (await feed.getAddress()) as Hex, deployBlock: receipt.blockNumber, txHash: receipt.hash as Hex };
  }
  log(`PriceFeeds      local feeds ${LOCAL_FEEDS.map(feedKey).join(", ")} (TestPriceFeed, registered)`);
  return deployed;
}
