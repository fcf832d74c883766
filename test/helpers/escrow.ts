/** The PaymentEscrow fixture the escrow specs share: the escrow as deployed with the test accounts by role, and a USDC-like permit token. */
import { ethers } from "hardhat";
import type { AddressLike } from "ethers";
import { FEE_BPS } from "./constants";

/**
 * PaymentEscrow deployed by account 0 (admin) with account 4 as fee recipient, a {@link FEE_BPS} fee and the token
 * allowlist off (no tokens listed), and the test accounts by role.
 */
export async function deployEscrow() {
  const [admin, merchant, payer, arbiter, feeRecipient, stranger, merchant2] = await ethers.getSigners();
  const escrow = await ethers.deployContract("PaymentEscrow", [admin, feeRecipient, FEE_BPS, [], false]);
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
