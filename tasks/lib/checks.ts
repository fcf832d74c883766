import { formatUnits } from "ethers";
import { CliError } from "./cli";

/** Anything with an ERC-20 balance and allowance. */
interface Erc20View {
  balanceOf(owner: string): Promise<bigint>;
  symbol(): Promise<string>;
  decimals(): Promise<bigint>;
}

/** Throws a one-line error when `owner` holds less than `amount` of `token`, saying by how much. */
export async function requireBalance(token: Erc20View, owner: string, amount: bigint): Promise<void> {
  const balance = await token.balanceOf(owner);
  if (balance >= amount) return;
  const [symbol, decimals] = [await token.symbol(), Number(await token.decimals())];
  const f = (value: bigint) => `${formatUnits(value, decimals)} ${symbol}`;
  throw new CliError(`insufficient balance: ${owner} has ${f(balance)}, needs ${f(amount)} (short by ${f(amount - balance)})`);
}

/** Anything with AccessControl's hasRole. */
interface RoleView {
  hasRole(role: string, account: string): Promise<boolean>;
}

/** Throws a one-line error when `account` lacks `role` (named `roleName`) on `contractName`. */
export async function requireRole(
  contract: RoleView,
  role: string,
  roleName: string,
  contractName: string,
  account: string,
): Promise<void> {
  if (await contract.hasRole(role, account)) return;
  throw new CliError(`${account} lacks ${roleName} on ${contractName}: an admin must grant it (grantRole) first`);
}
