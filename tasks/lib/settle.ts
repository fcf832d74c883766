import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { type Signer, ZeroAddress } from "ethers";
import type { PaymentEscrow, SettleToken, StakingRewards } from "../../typechain-types";
import type { Deployment } from "../../core/deployment";
import { readDeployment } from "../../core/deployment-file";
import { ETH } from "../../core/token";
import { localDeploymentsDir } from "../../scripts/lib/deployments";
import { resolveAddress } from "./args";
import { CliError } from "./cli";
import { rethrowNodeGaveUp } from "./node-retry";

/** Settle's deployed contracts on the task's network, connected to a signer. */
export interface Settle {
  deployment: Deployment;
  token: SettleToken;
  staking: StakingRewards;
  escrow: PaymentEscrow;
}

/**
 * Loads Settle's contracts for `hre.network` from deployments/<network>.json, after checking that
 * the file is for this chain and that the contracts are really there.
 */
export async function loadSettle(hre: HardhatRuntimeEnvironment, signer?: Signer): Promise<Settle> {
  const network = hre.network.name;
  let deployment: Deployment;
  try {
    deployment = readDeployment(localDeploymentsDir(), network);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const chainId = Number((await hre.ethers.provider.getNetwork().catch(unreachable(hre))).chainId);
  if (chainId !== deployment.chainId) {
    throw new CliError(
      `deployments/${network}.json is for chain ${deployment.chainId} but the node is chain ${chainId}: run \`npm run deploy -- --network ${network}\``,
    );
  }
  if ((await hre.ethers.provider.getCode(deployment.contracts.SettleToken.address)) === "0x") {
    throw new CliError(
      `contracts not deployed on chain ${chainId} (the node was restarted?): run \`npm run deploy -- --network ${network}\``,
    );
  }
  const at = async <T>(name: keyof Deployment["contracts"]) =>
    (await hre.ethers.getContractAt(name, deployment.contracts[name].address, signer)) as unknown as T;
  return {
    deployment,
    token: await at<SettleToken>("SettleToken"),
    staking: await at<StakingRewards>("StakingRewards"),
    escrow: await at<PaymentEscrow>("PaymentEscrow"),
  };
}

/** The network's first answer failed: the transport's one line when it gave up waiting, else where the node should be. */
function unreachable(hre: HardhatRuntimeEnvironment) {
  return (error: unknown): never => {
    rethrowNodeGaveUp(error);
    const url = "url" in hre.network.config ? hre.network.config.url : hre.network.name;
    throw new CliError(`cannot reach the node of network ${hre.network.name} at ${url}: is it running (\`npm start\`)?`);
  };
}

/** The token address for --token: SETL (default), ETH, or an ERC-20 address. */
export async function resolveToken(hre: HardhatRuntimeEnvironment, settle: Settle, text: string): Promise<string> {
  if (text.toUpperCase() === "ETH") return ZeroAddress;
  if (text.toUpperCase() === "SETL") return settle.token.getAddress();
  return resolveAddress(hre, text, "--token");
}

/** Symbol and decimals of a token (address(0) is ETH). */
export async function tokenUnits(hre: HardhatRuntimeEnvironment, token: string): Promise<{ symbol: string; decimals: number }> {
  if (token === ZeroAddress) return { symbol: ETH.symbol, decimals: ETH.decimals };
  const erc20 = await hre.ethers.getContractAt("IERC20Metadata", token);
  try {
    return { symbol: await erc20.symbol(), decimals: Number(await erc20.decimals()) };
  } catch (error) {
    rethrowNodeGaveUp(error);
    throw new CliError(`${token} does not answer symbol()/decimals(): is it an ERC-20 token on this network?`);
  }
}
