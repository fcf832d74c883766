import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { getAddress, isAddress, parseUnits } from "ethers";
import { CliError } from "./cli";

/** Parses a human amount such as "12.5" into base units of a token with `decimals`. */
export function parseAmount(text: string, decimals: number, what = "amount"): bigint {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) {
    throw new CliError(`bad ${what} "${text}": use a positive number of tokens such as 12.5`);
  }
  const [, fraction = ""] = text.trim().split(".");
  if (fraction.length > decimals) throw new CliError(`bad ${what} "${text}": at most ${decimals} decimals`);
  const amount = parseUnits(text.trim(), decimals);
  if (amount === 0n) throw new CliError(`bad ${what} "${text}": must be more than zero`);
  return amount;
}

/** Resolves an account given as an address or as an index into the network's accounts ("0", "1", ...). */
export async function resolveAddress(hre: HardhatRuntimeEnvironment, text: string, what = "account"): Promise<string> {
  if (/^\d+$/.test(text)) return (await resolveSigner(hre, text)).address;
  if (!isAddress(text)) throw new CliError(`bad ${what} "${text}": use a 0x address or an account index such as 1`);
  try {
    return getAddress(text);
  } catch {
    throw new CliError(`bad ${what} "${text}": the address checksum is wrong (check its upper/lower case)`);
  }
}

/** The signer to send from: an account index or address among the network's accounts (default: the first). */
export async function resolveSigner(hre: HardhatRuntimeEnvironment, text: string | undefined) {
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0) throw new CliError(`no accounts configured for network ${hre.network.name}: set PRIVATE_KEY`);
  if (text === undefined || text === "") return signers[0]!;
  if (/^\d+$/.test(text)) {
    const signer = signers[Number(text)];
    if (!signer) throw new CliError(`no account #${text} on ${hre.network.name}: it has accounts 0..${signers.length - 1}`);
    return signer;
  }
  const wanted = await resolveAddress(hre, text, "--from");
  const signer = signers.find((s) => s.address === wanted);
  if (!signer) throw new CliError(`${wanted} is not one of ${hre.network.name}'s accounts: it cannot sign here`);
  return signer;
}
