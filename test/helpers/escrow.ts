/**
 * What the PaymentEscrow specs share: the constants of the deployment they test (1% fee, a 7-day
 * dispute window in their invoices, the contract's 30-day dispute timeout), the escrow as deployed
 * with the named test accounts, and a USDC-like permit token.
 */
import { ethers } from "hardhat";
import type { AddressLike } from "ethers";

/** One day in seconds. */
export const DAY = 24 * 3600;
/** The dispute window the specs' invoices use. */
export const WINDOW = 7 * DAY;
/** PaymentEscrow's dispute timeout: after it, either party may end a dispute. */
export const DISPUTE_TIMEOUT = 30 * DAY;
/** The platform fee the escrow is deployed with, in basis points (1%). */
export const FEE_BPS = 100n;

/** The fee taken from `gross` at `bps` basis points (default {@link FEE_BPS}). */
export function fee(gross: bigint, bps = FEE_BPS): bigint {
  return (gross * bps) / 10_000n;
}

/**
 * PaymentEscrow deployed by account 0 (admin) with account 4 as fee recipient and a {@link FEE_BPS} fee,
 * and the test accounts by role.
 */
export async function deployEscrow() {
  const [admin, merchant, payer, arbiter, feeRecipient, stranger, merchant2] = await ethers.getSigners();
  const escrow = await ethers.deployContract("PaymentEscrow", [admin, feeRecipient, FEE_BPS]);
  return { escrow, admin, merchant, payer, arbiter, feeRecipient, stranger, merchant2 };
}

/** A 6-decimal permit token ("USD Coin", USDC) with `amount` minted to each of `holders`, each approving `spender` for everything. */
export async function deployUsdc(spender: AddressLike, holders: AddressLike[], amount: bigint) {
  const token = await ethers.deployContract("TestToken", ["USD Coin", "USDC", 6]);
  for (const holder of holders) {
    await token.mint(holder, amount);
    await token.connect(await ethers.getSigner(await ethers.resolveAddress(holder))).approve(spender, ethers.MaxUint256);
  }
  return token;
}
