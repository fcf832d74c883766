import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { CONTRACT_NAMES, type Hex, type ContractDeployment, type ContractName, type Deployment } from "../core/deployment";
import { isLocalChain } from "../core/chains";
import { hashAbis } from "./lib/deployments";
import { deployLocalFeeds } from "./lib/local-feeds";
import tokenConfig from "../config/tokens.json";

/** Settle's deployment parameters. */
export const DEPLOY_PARAMS = {
  /** SettleToken's hard cap: one billion SETL. */
  supplyCap: 1_000_000_000n * 10n ** 18n,
  /** Minted to the deployer. */
  initialSupply: 100_000_000n * 10n ** 18n,
  /** Length of a staking reward period. */
  rewardsDuration: 7 * 24 * 3600,
  /** PaymentEscrow's protocol fee for new invoices (1%). */
  feeBps: 100,
  /** Local chains only: SETL given to each of the first test accounts (1..4). */
  localFunding: 10_000n * 10n ** 18n,
  /** Local chains only: SETL put into a first reward period so staking earns at once. */
  localRewards: 100_000n * 10n ** 18n,
} as const;

/** What config/tokens.json says for one chain: whether the allowlist is on, and each allowed token by symbol. */
export interface TokenPolicy {
  allowlist: boolean;
  /** Symbol → an address, or the name of a contract this deploy creates. */
  tokens: Record<string, string>;
}

/**
 * PaymentEscrow's token allowlist for chain `chainId` from config/tokens.json (its `default` for chains it does not
 * list), with contract names resolved to the addresses in `deployed`.
 */
export function tokenPolicyFor(chainId: number, deployed: Partial<Record<ContractName, string>>): TokenPolicy {
  const chains = tokenConfig.chains as Record<string, TokenPolicy>;
  const policy = chains[String(chainId)] ?? (tokenConfig.default as TokenPolicy);
  const tokens: Record<string, string> = {};
  for (const [symbol, entry] of Object.entries(policy.tokens)) {
    const address = entry.startsWith("0x") ? entry : deployed[entry as ContractName];
    if (!address) throw new Error(`config/tokens.json: ${symbol} on chain ${chainId} names ${entry}, which this deploy does not create`);
    tokens[symbol] = address;
  }
  return { allowlist: policy.allowlist, tokens };
}

/** Outcome of {@link deploySettle}. */
export interface DeployResult {
  deployment: Deployment;
  /** True when the recorded contracts were already on the chain and were kept. */
  reused: boolean;
}

/**
 * Deploys SettleToken, StakingRewards, PriceFeeds and PaymentEscrow (which converts invoices priced in a currency
 * with that PriceFeeds), or keeps the ones recorded in `previous`
 * when they are still on this chain with the same ABIs. `log` receives one line per step.
 */
export async function deploySettle(
  hre: HardhatRuntimeEnvironment,
  previous: Deployment | undefined,
  log: (line: string) => void = () => {},
): Promise<DeployResult> {
  const { ethers } = hre;
  const chainId = Number((await ethers.provider.getNetwork()).chainId);
  const abis: Record<string, unknown> = {};
  for (const name of CONTRACT_NAMES) abis[name] = (await hre.artifacts.readArtifact(name)).abi;
  const abiHash = hashAbis(abis);

  const reason = await reasonToRedeploy(hre, previous, chainId, abiHash);
  if (previous && !reason) {
    log(`contracts already deployed on chain ${chainId} (${hre.network.name}): reusing them`);
    return { deployment: previous, reused: true };
  }
  if (reason) log(`${reason}: deploying again`);

  const [deployer] = await ethers.getSigners();
  if (!deployer) throw new Error(`no account configured for network ${hre.network.name}: set PRIVATE_KEY`);
  const contracts = {} as Record<ContractName, ContractDeployment>;
  const deploy = async (name: ContractName, args: unknown[]) => {
    const contract = await ethers.deployContract(name, args);
    const receipt = await contract.deploymentTransaction()!.wait();
    if (!receipt) throw new Error(`deployment of ${name} was dropped`);
    contracts[name] = { address: (await contract.getAddress()) as Hex, deployBlock: receipt.blockNumber, txHash: receipt.hash as Hex };
    log(`${name.padEnd(15)} ${contracts[name].address} (block ${receipt.blockNumber})`);
    return contract;
  };

  const token = await deploy("SettleToken", [deployer.address, DEPLOY_PARAMS.supplyCap, deployer.address, DEPLOY_PARAMS.initialSupply]);
  const staking = await deploy("StakingRewards", [
    deployer.address,
    contracts.SettleToken.address,
    contracts.SettleToken.address,
    DEPLOY_PARAMS.rewardsDuration,
  ]);
  const policy = tokenPolicyFor(chainId, { SettleToken: contracts.SettleToken.address });
  const local = isLocalChain(chainId);
  // Local chains get TestUSD (6 decimals, EIP-2612 version "2", EIP-3009, like USDC), allowlisted and recorded in the
  // deployment's optional `tokens` map (public chains list real tokens in config/tokens.json).
  const tokens: Record<string, ContractDeployment> = {};
  const testUsd = local ? await ethers.deployContract("TestUSD") : undefined;
  if (testUsd) {
    const receipt = await testUsd.deploymentTransaction()!.wait();
    if (!receipt) throw new Error("deployment of TestUSD was dropped");
    tokens.TestUSD = { address: (await testUsd.getAddress()) as Hex, deployBlock: receipt.blockNumber, txHash: receipt.hash as Hex };
    policy.tokens.USDC = tokens.TestUSD.address;
    log(`${"TestUSD".padEnd(15)} ${tokens.TestUSD.address} (block ${receipt.blockNumber})`);
  }
  await deploy("PriceFeeds", [deployer.address]);
  const escrow = await deploy("PaymentEscrow", [
    deployer.address,
    deployer.address,
    DEPLOY_PARAMS.feeBps,
    Object.values(policy.tokens),
    policy.allowlist,
  ]);
  await (await escrow.getFunction("setPriceFeeds")(contracts.PriceFeeds.address)).wait();
  log(
    `PaymentEscrow tokens: ${Object.keys(policy.tokens).join(", ")} and ETH; allowlist ${policy.allowlist ? "on" : "off"} (config/tokens.json)`,
  );

  if (local) {
    const accounts = (await ethers.getSigners()).slice(1, 5);
    for (const account of accounts) await (await token.getFunction("transfer")(account.address, DEPLOY_PARAMS.localFunding)).wait();
    for (const account of accounts) await (await testUsd!.mint(account.address, 1_000_000n * 10n ** 6n)).wait();
    await (await token.getFunction("approve")(contracts.StakingRewards.address, DEPLOY_PARAMS.localRewards)).wait();
    await (await staking.getFunction("notifyRewardAmount")(DEPLOY_PARAMS.localRewards)).wait();
    log(
      `local chain: funded ${accounts.length} test accounts with ${ethers.formatEther(DEPLOY_PARAMS.localFunding)} SETL and 1,000,000 TestUSD each, started a ${ethers.formatEther(DEPLOY_PARAMS.localRewards)} SETL reward period`,
    );
  }
  const deployment: Deployment = { chainId, network: hre.network.name, contracts, abiHash };
  if (local) {
    deployment.tokens = tokens;
    deployment.priceFeeds = await deployLocalFeeds(
      hre,
      contracts.PriceFeeds.address,
      { TestUSD: tokens.TestUSD!.address, SettleToken: contracts.SettleToken.address },
      log,
    );
  }
  return { deployment, reused: false };
}

/** Why the recorded deployment cannot be reused, or undefined when it can. */
async function reasonToRedeploy(
  hre: HardhatRuntimeEnvironment,
  previous: Deployment | undefined,
  chainId: number,
  abiHash: string,
): Promise<string | undefined> {
  if (!previous) return undefined;
  if (previous.chainId !== chainId)
    return `deployments/${hre.network.name}.json is for chain ${previous.chainId}, this is chain ${chainId}`;
  for (const name of CONTRACT_NAMES) {
    const recorded = previous.contracts[name];
    if (!recorded) return `deployments/${hre.network.name}.json has no ${name}`;
    if ((await hre.ethers.provider.getCode(recorded.address)) === "0x") {
      return `no code at the recorded ${name} address ${recorded.address} (the node was restarted?)`;
    }
  }
  if (previous.abiHash !== abiHash) return "the contracts' ABIs changed since the recorded deployment";
  return undefined;
}
