/**
 * Gas benchmark: whole-transaction gas (receipt.gasUsed) of Settle's operations (token, staking
 * and escrow, the latter from ./escrow-gas.ts) for a returning user, with a bare ERC-20 transfer and transferFrom measured in the same run as the floor.
 * Prints a table, checks the targets and writes bench/results/gas.json. With `--check`, compares
 * the run with the committed bench/results/gas.json instead, leaves the file alone, and exits 1
 * when any operation costs more than 1% above its committed figure.
 * Run: npm run bench:gas [-- --check]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { signPermit } from "../scripts/lib/permit";
import { measureEscrowGas } from "./escrow-gas";
import { GAS_TOLERANCE, describeRegression, gasRegressions, type GasFigures } from "./lib/gas-check";

/** The committed snapshot. */
const RESULTS_FILE = join(__dirname, "results", "gas.json");
/** `--check`: compare with the snapshot instead of writing it. */
const CHECK = process.argv.slice(2).includes("--check");
import { measureRelayedGas } from "./relayed-gas";
import { measurePricedGas } from "./priced-gas";

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
  const hour = async () => BigInt(await time.latest()) + 3600n;
  const bobPermit = await signPermit(token, bob, await staking.getAddress(), ethers.parseEther("100"), await hour());
  await staking.connect(bob).stakeWithPermit(bobPermit.value, bobPermit.deadline, bobPermit.v, bobPermit.r, bobPermit.s);
  await time.increase(3600);
  await staking.connect(alice).claim();
  await time.increase(3600);

  const gas: Record<string, bigint> = {};
  gas["token.transfer"] = await gasOf(token.connect(alice).transfer(bob, ethers.parseEther("1")));
  const p = await signPermit(token, alice, bob.address, ethers.parseEther("1"), await hour());
  gas["token.permit"] = await gasOf(token.permit(alice, bob, p.value, p.deadline, p.v, p.r, p.s));
  gas["staking.stake"] = await gasOf(staking.connect(alice).stake(ethers.parseEther("100")));
  await time.increase(3600);
  const q = await signPermit(token, bob, await staking.getAddress(), ethers.parseEther("100"), await hour());
  gas["staking.stakeWithPermit"] = await gasOf(staking.connect(bob).stakeWithPermit(q.value, q.deadline, q.v, q.r, q.s));
  await time.increase(3600);
  gas["staking.claim"] = await gasOf(staking.connect(alice).claim());
  await time.increase(3600);
  gas["staking.withdraw"] = await gasOf(staking.connect(alice).withdraw(ethers.parseEther("50")));
  await time.increase(3600);
  gas["staking.notify"] = await gasOf(staking.notifyRewardAmount(ethers.parseEther("1000")));
  return gas;
}

/** A target: the operation, the limit's formula in words, and the limit from the run's figures. */
type Target = [operation: string, formula: string, limit: (gas: Record<string, bigint>) => number];

/** The issues' targets, each measured against the floor of the same run. */
const TARGETS: Target[] = [
  ["staking.stake", "1.6 x floor.transferFrom", (g) => 1.6 * Number(g["floor.transferFrom"])],
  ["staking.claim", "1.6 x floor.transfer", (g) => 1.6 * Number(g["floor.transfer"])],
  ["escrow.payToken", "1.5 x floor.transferFrom", (g) => 1.5 * Number(g["floor.transferFrom"])],
  ["escrow.release", "1.5 x floor.transfer", (g) => 1.5 * Number(g["floor.transfer"])],
  ["escrow.refund", "1.5 x floor.transfer", (g) => 1.5 * Number(g["floor.transfer"])],
  ["escrow.payMany10", "0.6 x 10 x escrow.payToken", (g) => 0.6 * 10 * Number(g["escrow.payToken"])],
  ["escrow.payNative", "60,000", () => 60_000],
  ["escrow.create", "150,000", () => 150_000],
];

async function main(): Promise<void> {
  const gas = {
    ...(await measureFloor()),
    ...(await measureTokenAndStaking()),
    ...(await measureEscrowGas()),
    ...(await measureRelayedGas()),
    ...(await measurePricedGas()),
  };
  console.table(Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, { gasUsed: Number(v) }])));
  const checks = TARGETS.filter(([operation]) => gas[operation] !== undefined).map(([operation, formula, limit]) => {
    const used = Number(gas[operation]);
    const max = Math.floor(limit(gas));
    return { operation, gasUsed: used, target: `<= ${formula} = ${max}`, ratioToLimit: (used / max).toFixed(3), met: used <= max };
  });
  console.table(checks);
  const figures: GasFigures = Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)]));
  if (CHECK) {
    const committed = JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as GasFigures;
    const regressions = gasRegressions(committed, figures);
    if (regressions.length > 0) {
      console.error(
        `gas regressions against ${RESULTS_FILE} (more than ${Math.round((GAS_TOLERANCE - 1) * 100)}% above the committed figure):`,
      );
      for (const regression of regressions) console.error(`  ${describeRegression(regression)}`);
      process.exitCode = 1;
    } else {
      console.log(`every operation within ${Math.round((GAS_TOLERANCE - 1) * 100)}% of ${RESULTS_FILE}`);
    }
  } else {
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    writeFileSync(RESULTS_FILE, JSON.stringify(figures, null, 2) + "\n");
    console.log(`wrote ${RESULTS_FILE}`);
  }
  const missed = checks.filter((c) => !c.met);
  if (missed.length > 0) console.log(`targets missed: ${missed.map((c) => c.operation).join(", ")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
