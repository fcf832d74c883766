/**
 * Gas benchmark: whole-transaction gas (receipt.gasUsed) of Settle's operations for a returning
 * user, with a bare ERC-20 transfer and transferFrom measured in the same run as the floor.
 * Prints a table, checks the targets and writes bench/results/gas.json.
 * Run: npm run bench:gas
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";

/** Gas used by one sent transaction. */
async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("transaction was dropped");
  return receipt.gasUsed;
}

/** Floor: a plain OpenZeppelin ERC-20 between holders that already have balances. */
async function measureFloor(): Promise<Record<string, bigint>> {
  const [alice, bob, carol] = await ethers.getSigners();
  const token = await ethers.deployContract("TestToken", ["Floor", "FLR", 18]);
  await token.mint(alice, ethers.parseEther("1000"));
  await token.mint(bob, ethers.parseEther("1000"));
  await token.transfer(bob, 1n);
  await token.approve(carol, ethers.parseEther("100"));
  await token.connect(carol).transferFrom(alice, bob, 1n);
  return {
    "floor.transfer": await gasOf(token.transfer(bob, ethers.parseEther("1"))),
    "floor.transferFrom": await gasOf(token.connect(carol).transferFrom(alice, bob, ethers.parseEther("1"))),
  };
}

/** SettleToken and StakingRewards during a running reward period. */
async function measureTokenAndStaking(): Promise<Record<string, bigint>> {
  const [admin, alice, bob] = await ethers.getSigners();
  const token = await ethers.deployContract("SettleToken", [admin, ethers.parseEther("1000000000"), admin, ethers.parseEther("10000000")]);
  const staking = await ethers.deployContract("StakingRewards", [admin, token, token, 7 * 24 * 3600]);
  for (const user of [alice, bob]) await token.transfer(user, ethers.parseEther("10000"));
  await token.approve(staking, ethers.MaxUint256);
  await staking.notifyRewardAmount(ethers.parseEther("1000"));

  await token.connect(alice).approve(staking, ethers.parseEther("5000"));
  await staking.connect(alice).stake(ethers.parseEther("100"));
  await staking.connect(bob).stakeWithPermit(...(await permitArgs(token, bob, staking, ethers.parseEther("100"))));
  await time.increase(3600);
  await staking.connect(alice).claim();
  await time.increase(3600);

  const gas: Record<string, bigint> = {};
  gas["token.transfer"] = await gasOf(token.connect(alice).transfer(bob, ethers.parseEther("1")));
  const [amount, deadline, v, r, s] = await permitArgs(token, alice, bob, ethers.parseEther("1"));
  gas["token.permit"] = await gasOf(token.permit(alice, bob, amount, deadline, v, r, s));
  gas["staking.stake"] = await gasOf(staking.connect(alice).stake(ethers.parseEther("100")));
  await time.increase(3600);
  gas["staking.stakeWithPermit"] = await gasOf(staking.connect(bob).stakeWithPermit(...(await permitArgs(token, bob, staking, ethers.parseEther("100")))));
  await time.increase(3600);
  gas["staking.claim"] = await gasOf(staking.connect(alice).claim());
  await time.increase(3600);
  gas["staking.withdraw"] = await gasOf(staking.connect(alice).withdraw(ethers.parseEther("50")));
  await time.increase(3600);
  gas["staking.notify"] = await gasOf(staking.notifyRewardAmount(ethers.parseEther("1000")));
  return gas;
}

/** Signs an EIP-2612 permit and returns the arguments of stakeWithPermit / permit. */
async function permitArgs(
  token: Awaited<ReturnType<typeof ethers.deployContract>>,
  owner: Awaited<ReturnType<typeof ethers.getSigner>>,
  spender: { getAddress(): Promise<string> },
  value: bigint,
): Promise<[bigint, bigint, number, string, string]> {
  const { chainId } = await ethers.provider.getNetwork();
  const deadline = BigInt(await time.latest()) + 3600n;
  const signature = await owner.signTypedData(
    { name: await token.getFunction("name")(), version: "1", chainId, verifyingContract: await token.getAddress() },
    { Permit: [
      { name: "owner", type: "address" }, { name: "spender", type: "address" }, { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" },
    ] },
    { owner: owner.address, spender: await spender.getAddress(), value, nonce: await token.getFunction("nonces")(owner.address), deadline },
  );
  const { v, r, s } = ethers.Signature.from(signature);
  return [value, deadline, v, r, s];
}

async function main(): Promise<void> {
  const gas = { ...(await measureFloor()), ...(await measureTokenAndStaking()) };
  console.table(Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, { gasUsed: Number(v) }])));
  const dir = join(__dirname, "results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "gas.json"), JSON.stringify(Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])), null, 2) + "\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
