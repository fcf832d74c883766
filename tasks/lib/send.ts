import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Interface, type BaseContract, type ContractTransactionResponse, type ErrorDescription } from "ethers";
import { SOLIDITY_STATUS } from "../../core/invoice/status";
import { findRevertData } from "../../core/revert";
import { CliError } from "./cli";
import { rethrowNodeGaveUp } from "./node-retry";
import { CONTRACT_NAMES } from "../../core/deployment";

/** Options every sending task takes. */
export interface SendOptions {
  dryRun: boolean;
  json: boolean;
}

/** What a sent (or simulated) transaction did. */
export interface SendOutcome {
  dryRun: boolean;
  hash?: string;
  block?: number;
  gasUsed?: string;
  gasEstimate?: string;
}

/**
 * Sends `contract.method(...args)`, or with `dryRun` simulates it with eth_call and estimates its gas.
 * A revert becomes one CliError line naming the custom error and its arguments.
 */
export async function sendOrSimulate(
  hre: HardhatRuntimeEnvironment,
  contract: BaseContract,
  method: string,
  args: unknown[],
  options: Pick<SendOptions, "dryRun">,
): Promise<SendOutcome> {
  const fn = contract.getFunction(method);
  try {
    if (options.dryRun) {
      await fn.staticCall(...args);
      return { dryRun: true, gasEstimate: (await fn.estimateGas(...args)).toString() };
    }
    const tx = (await fn.send(...args)) as ContractTransactionResponse;
    const receipt = await tx.wait();
    if (!receipt || receipt.status !== 1) throw new CliError(`transaction ${tx.hash} failed`);
    return { dryRun: false, hash: receipt.hash, block: receipt.blockNumber, gasUsed: receipt.gasUsed.toString() };
  } catch (error) {
    if (error instanceof CliError) throw error;
    rethrowNodeGaveUp(error);
    throw new CliError(`${method} would revert: ${await describeRevert(hre, error)}`);
  }
}

/** Prints what a send did, one line for people (or nothing with --json: the task prints its JSON). */
export function reportSend(action: string, outcome: SendOutcome, json: boolean): void {
  if (json) return;
  if (outcome.dryRun) console.log(`dry run: ${action} would succeed (about ${outcome.gasEstimate} gas)`);
  else console.log(`${action}: tx ${outcome.hash} in block ${outcome.block} (${outcome.gasUsed} gas)`);
}

/** Names the custom error (with its arguments) or reason behind a failed call, using every Settle ABI. */
export async function describeRevert(hre: HardhatRuntimeEnvironment, error: unknown): Promise<string> {
  const data = findRevertData(error);
  if (data) {
    const decoded = await decodeError(hre, data);
    if (decoded) {
      const params = decoded.fragment.inputs.map((input, i) => {
        const value = decoded.args[i];
        const shown = input.name === "status" && input.type === "uint8" ? SOLIDITY_STATUS[Number(value)] : String(value);
        return `${input.name || i}=${shown}`;
      });
      return `${decoded.name}(${params.join(", ")})`;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.replace(/^Error: /, "");
}

async function decodeError(hre: HardhatRuntimeEnvironment, data: string): Promise<ErrorDescription | null> {
  const fragments = new Map<string, unknown>();
  for (const name of CONTRACT_NAMES) {
    for (const item of (await hre.artifacts.readArtifact(name)).abi) {
      if (item.type === "error") fragments.set(JSON.stringify(item), item);
    }
  }
  try {
    return new Interface([...fragments.values()] as never).parseError(data);
  } catch {
    return null;
  }
}
