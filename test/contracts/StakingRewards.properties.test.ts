import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";

/*
 * Invariants of StakingRewards, checked after every step of random sequences of
 * stake / withdraw / claim / exit / notify / time jumps / reward tokens sent directly over four accounts, against
 * a reference model written here in the classic per-account form (rewards + balance x (acc - paid)):
 *  1. each account's earned() equals the model's within 1 wei per step;
 *  2. rewards paid plus rewards claimable never exceed what was funded;
 *  3. the contract's balance covers staked principal plus rewards owed (same token staked and paid);
 *  4. the next notify counts exactly the reward tokens sent directly since the last one (funded and paid totals
 *     match the model to the wei), never principal or rewards owed.
 * Replay a failure with FC_SEED=<seed> FC_PATH=<path> (both printed by fast-check).
 */

const DURATION = 7n * 24n * 3600n;
const RATE_SCALE = 10n ** 9n;
const ACC_SCALE = 10n ** 36n;
const MIN_POOL = 10n ** 18n;
const WALLET = 10n ** 22n;

type Step =
  | { kind: "stake" | "withdraw"; who: number; amount: bigint }
  | { kind: "claim" | "exit"; who: number }
  | { kind: "notify"; amount: bigint }
  | { kind: "donate"; amount: bigint }
  | { kind: "wait"; seconds: number };

interface ModelAccount {
  balance: bigint;
  rewards: bigint;
  paidAcc: bigint;
  /** Rounding allowed between the model and the contract: one wei per step touching the account. */
  tolerance: bigint;
}

/** The specification of StakingRewards' reward maths, independent of its storage tricks. */
class StakingModel {
  acc = 0n;
  last = 0n;
  finish = 0n;
  rate = 0n;
  total = 0n;
  carried = 0n;
  funded = 0n;
  paid = 0n;
  accounts: ModelAccount[] = [0, 1, 2, 3].map(() => ({ balance: 0n, rewards: 0n, paidAcc: 0n, tolerance: 1n }));

  /** The accumulator and carry as of `now`, without changing the model. */
  peek(now: bigint): { acc: bigint; carried: bigint; until: bigint } {
    const until = now < this.finish ? now : this.finish;
    if (until <= this.last) return { acc: this.acc, carried: this.carried, until: this.last };
    const scaled = this.rate * (until - this.last);
    if (this.total >= MIN_POOL) return { acc: this.acc + (scaled * 10n ** 27n) / this.total, carried: this.carried, until };
    return { acc: this.acc, carried: this.carried + scaled, until };
  }

  advance(now: bigint): void {
    const { acc, carried, until } = this.peek(now);
    this.acc = acc;
    this.carried = carried;
    this.last = until;
  }

  settle(who: number): ModelAccount {
    const account = this.accounts[who]!;
    account.rewards += (account.balance * (this.acc - account.paidAcc)) / ACC_SCALE;
    account.paidAcc = this.acc;
    account.tolerance += 1n;
    return account;
  }

  earned(who: number, now: bigint): bigint {
    const account = this.accounts[who]!;
    return account.rewards + (account.balance * (this.peek(now).acc - account.paidAcc)) / ACC_SCALE;
  }

  /** The rate a notify of `received` at `now` sets, or undefined when it must revert. */
  notifiedRate(received: bigint, now: bigint): bigint | undefined {
    const leftover = now < this.finish ? (this.finish - now) * this.rate : 0n;
    // The contract brings the pool up to `now` first: idle time since the last update adds to the carry.
    const rate = (received * RATE_SCALE + this.peek(now).carried + leftover) / DURATION;
    return rate === 0n ? undefined : rate;
  }

  notify(received: bigint, now: bigint): void {
    const leftover = now < this.finish ? (this.finish - now) * this.rate : 0n;
    const totalScaled = received * RATE_SCALE + this.carried + leftover;
    this.rate = totalScaled / DURATION;
    this.carried = totalScaled - this.rate * DURATION;
    this.funded += received;
    this.last = now;
    this.finish = now + DURATION;
  }
}

const amountArb = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 6n }), fc.bigInt({ min: 1n, max: 3n * 10n ** 21n }));
const whoArb = fc.integer({ min: 0, max: 3 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("stake" as const), who: whoArb, amount: amountArb }),
  fc.record({ kind: fc.constant("withdraw" as const), who: whoArb, amount: amountArb }),
  fc.record({ kind: fc.constant("claim" as const), who: whoArb }),
  fc.record({ kind: fc.constant("exit" as const), who: whoArb }),
  fc.record({ kind: fc.constant("notify" as const), amount: fc.oneof(fc.constant(0n), amountArb) }),
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 4 * 24 * 3600 }) }),
  // Reward tokens sent to the contract directly: the next notify must count them (issue 11.9), nothing else.
  fc.record({ kind: fc.constant("donate" as const), amount: amountArb }),
);

describe("StakingRewards properties", function () {
  async function fixture() {
    const [admin, ...rest] = await ethers.getSigners();
    const users = rest.slice(0, 4);
    const token = await ethers.deployContract("SettleToken", [admin, 10n ** 30n, admin, 10n ** 28n]);
    const staking = await ethers.deployContract("StakingRewards", [admin, token, token, DURATION]);
    for (const user of users) {
      await token.transfer(user, WALLET);
      await token.connect(user).approve(staking, ethers.MaxUint256);
    }
    await token.approve(staking, ethers.MaxUint256);
    return { token, staking, users };
  }

  it("keeps earned() on the model, pays no more than funded and stays solvent", async function () {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 40 }), async (steps) => {
        const { token, staking, users } = await loadFixture(fixture);
        const model = new StakingModel();
        const wallets = users.map(() => WALLET);
        let direct = 0n; // sent directly since the last notify

        /** Sends `tx`, advances the model to its block's time and returns that time. */
        const mined = async (tx: Promise<ContractTransactionResponse>): Promise<bigint> => {
          const receipt = await (await tx).wait();
          const block = await ethers.provider.getBlock(receipt!.blockNumber);
          const now = BigInt(block!.timestamp);
          model.advance(now);
          return now;
        };
        const nextTime = async () => BigInt(await time.latest()) + 1n;

        for (const step of steps) {
          if (step.kind === "wait") {
            await time.increase(step.seconds);
          } else if (step.kind === "donate") {
            await (await token.transfer(staking, step.amount)).wait();
            direct += step.amount;
          } else if (step.kind === "notify") {
            const at = await nextTime();
            await time.setNextBlockTimestamp(at);
            const received = step.amount + direct;
            const rate = model.notifiedRate(received, at);
            if (rate === undefined) {
              await expect(staking.notifyRewardAmount(step.amount)).to.be.revertedWithCustomError(staking, "StakingNothingToDistribute");
            } else {
              const now = await mined(staking.notifyRewardAmount(step.amount));
              model.notify(received, now);
              direct = 0n;
              expect(await staking.rewardRate()).to.equal(model.rate);
            }
          } else {
            const who = step.who;
            const signer = users[who]!;
            const account = model.accounts[who]!;
            if (step.kind === "stake") {
              if (step.amount > wallets[who]!) {
                await expect(staking.connect(signer).stake(step.amount)).to.be.revertedWithCustomError(token, "ERC20InsufficientBalance");
                continue;
              }
              await mined(staking.connect(signer).stake(step.amount));
              model.settle(who);
              account.balance += step.amount;
              model.total += step.amount;
              wallets[who]! -= step.amount;
            } else if (step.kind === "withdraw") {
              if (step.amount > account.balance) {
                await expect(staking.connect(signer).withdraw(step.amount)).to.be.revertedWithCustomError(
                  staking,
                  "StakingInsufficientBalance",
                );
                continue;
              }
              await mined(staking.connect(signer).withdraw(step.amount));
              model.settle(who);
              account.balance -= step.amount;
              model.total -= step.amount;
              wallets[who]! += step.amount;
            } else {
              if (step.kind === "exit" && account.balance === 0n) {
                await expect(staking.connect(signer).exit()).to.be.revertedWithCustomError(staking, "StakingZeroAmount");
                continue;
              }
              const before = await token.balanceOf(signer.address);
              await mined(step.kind === "exit" ? staking.connect(signer).exit() : staking.connect(signer).claim());
              model.settle(who);
              const received = (await token.balanceOf(signer.address)) - before;
              const reward = received - (step.kind === "exit" ? account.balance : 0n);
              expect(reward).to.be.closeTo(account.rewards, account.tolerance);
              model.paid += reward;
              wallets[who]! += received;
              if (step.kind === "exit") {
                model.total -= account.balance;
                account.balance = 0n;
              }
              account.rewards = 0n;
              account.tolerance = 1n;
            }
          }

          // Invariants, after every step.
          const now = BigInt(await time.latest());
          let owed = 0n;
          for (let i = 0; i < users.length; i++) {
            const earned = await staking.earned(users[i]!.address);
            expect(earned).to.be.closeTo(model.earned(i, now), model.accounts[i]!.tolerance, `earned of account ${i}`);
            expect(await staking.balanceOf(users[i]!.address)).to.equal(model.accounts[i]!.balance);
            owed += earned;
          }
          expect(await staking.totalStaked()).to.equal(model.total);
          expect(await staking.totalFunded()).to.equal(model.funded);
          expect(await staking.totalPaid()).to.equal(model.paid);
          expect(model.paid + owed).to.be.lessThanOrEqual(model.funded, "paid + claimable exceeds funded");
          expect(await token.balanceOf(staking)).to.be.greaterThanOrEqual(model.total + owed, "insolvent");
        }
      }),
      { numRuns: 200, seed, path: process.env.FC_PATH, endOnFailure: true },
    );
  });
});
