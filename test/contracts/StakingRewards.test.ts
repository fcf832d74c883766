import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Interface } from "ethers";
import { signPermit } from "../../scripts/lib/permit";
import { DAY } from "../helpers/constants";

const DURATION = 7 * DAY;
const RATE_SCALE = 10n ** 9n;
const ACC_SCALE = 10n ** 36n;
const e18 = (n: number | string) => ethers.parseEther(String(n));

describe("StakingRewards", function () {
  /** Staking and rewards in the same token (SettleToken), as deployed. */
  async function sameTokenFixture() {
    const [admin, alice, bob, carol] = await ethers.getSigners();
    const token = await ethers.deployContract("SettleToken", [admin, e18(1e9), admin, e18(1e7)]);
    const staking = await ethers.deployContract("StakingRewards", [admin, token, token, DURATION]);
    for (const user of [alice, bob, carol]) {
      await token.transfer(user, e18(10_000));
      await token.connect(user).approve(staking, ethers.MaxUint256);
    }
    await token.approve(staking, ethers.MaxUint256);
    return { token, staking, admin, alice, bob, carol };
  }

  /** Staking SettleToken for a 6-decimal reward token. */
  async function sixDecimalRewardFixture() {
    const [admin, alice, bob] = await ethers.getSigners();
    const token = await ethers.deployContract("SettleToken", [admin, e18(1e9), admin, e18(1e7)]);
    const usdc = await ethers.deployContract("TestToken", ["USD Coin", "USDC", 6]);
    const staking = await ethers.deployContract("StakingRewards", [admin, token, usdc, DURATION]);
    await usdc.mint(admin, 1_000_000n * 10n ** 6n);
    await usdc.approve(staking, ethers.MaxUint256);
    for (const user of [alice, bob]) {
      await token.transfer(user, e18(1_000_000));
      await token.connect(user).approve(staking, ethers.MaxUint256);
    }
    return { token, usdc, staking, admin, alice, bob };
  }

  /** A quirky staking token (no decimals) and a quirky reward token (fee on transfer, seizable). */
  async function quirkyFixture() {
    const [admin, alice] = await ethers.getSigners();
    const stakeToken = await ethers.deployContract("StakingQuirkyToken", [1]);
    const rewardToken = await ethers.deployContract("StakingQuirkyToken", [0]);
    const staking = await ethers.deployContract("StakingRewards", [admin, stakeToken, rewardToken, DURATION]);
    await stakeToken.mint(alice, e18(1_000));
    await stakeToken.connect(alice).approve(staking, ethers.MaxUint256);
    await rewardToken.mint(admin, e18(1e9));
    await rewardToken.approve(staking, ethers.MaxUint256);
    return { stakeToken, rewardToken, staking, admin, alice };
  }

  describe("deployment", function () {
    it("records the tokens, the period length and the roles", async function () {
      const { token, staking, admin } = await loadFixture(sameTokenFixture);
      expect(await staking.stakingToken()).to.equal(await token.getAddress());
      expect(await staking.rewardsToken()).to.equal(await token.getAddress());
      expect(await staking.rewardsDuration()).to.equal(DURATION);
      expect(await staking.minimumPool()).to.equal(e18(1));
      for (const role of [await staking.DEFAULT_ADMIN_ROLE(), await staking.PAUSER_ROLE(), await staking.REWARDS_DISTRIBUTOR_ROLE()]) {
        expect(await staking.hasRole(role, admin)).to.equal(true);
      }
    });

    it("refuses zero addresses", async function () {
      const { token, admin } = await loadFixture(sameTokenFixture);
      const factory = await ethers.getContractFactory("StakingRewards");
      for (const args of [
        [ethers.ZeroAddress, token, token],
        [admin, ethers.ZeroAddress, token],
        [admin, token, ethers.ZeroAddress],
      ]) {
        await expect(factory.deploy(args[0], args[1], args[2], DURATION)).to.be.revertedWithCustomError(factory, "StakingZeroAddress");
      }
    });

    it("refuses a period of zero or longer than the maximum", async function () {
      const { token, admin } = await loadFixture(sameTokenFixture);
      const factory = await ethers.getContractFactory("StakingRewards");
      const max = 4n * 365n * BigInt(DAY);
      await expect(factory.deploy(admin, token, token, 0))
        .to.be.revertedWithCustomError(factory, "StakingInvalidDuration")
        .withArgs(0, max);
      await expect(factory.deploy(admin, token, token, max + 1n))
        .to.be.revertedWithCustomError(factory, "StakingInvalidDuration")
        .withArgs(max + 1n, max);
    });

    it("takes the minimum pool from the staking token's decimals, 18 when it has none", async function () {
      const [admin] = await ethers.getSigners();
      const usdc = await ethers.deployContract("TestToken", ["USD Coin", "USDC", 6]);
      const none = await ethers.deployContract("StakingQuirkyToken", [1]);
      const minimumOf = async (stakeToken: string) =>
        (await ethers.deployContract("StakingRewards", [admin, stakeToken, stakeToken, DURATION])).minimumPool();
      expect(await minimumOf(await usdc.getAddress())).to.equal(10n ** 6n);
      expect(await minimumOf(await none.getAddress())).to.equal(10n ** 18n);
    });

    // Issue 11.9: the lifetime funding cap followed the staking token's decimals only (10^decimals x 2^46), so a
    // 6-decimal staking token could fund only 70 whole 18-decimal reward tokens.
    describe("funding cap from the staking token's decimals alone (9)", function () {
      it("lets a 6-decimal staking token fund a realistic 18-decimal programme", async function () {
        const [admin, alice] = await ethers.getSigners();
        const usdc = await ethers.deployContract("TestToken", ["USD Coin", "USDC", 6]);
        const setl = await ethers.deployContract("TestToken", ["Settle", "SETL", 18]);
        const staking = await ethers.deployContract("StakingRewards", [admin, usdc, setl, DURATION]);
        expect(await staking.maxTotalStaked()).to.equal((10n ** 6n) << 52n);
        expect(await staking.maxTotalFunded()).to.equal(2n ** 98n);
        expect(await staking.maxTotalFunded()).to.be.greaterThanOrEqual(10n ** 10n * 10n ** 18n);
        await setl.mint(admin, e18(1e9));
        await setl.approve(staking, ethers.MaxUint256);
        await usdc.mint(alice, 10n ** 12n);
        await usdc.connect(alice).approve(staking, ethers.MaxUint256);
        await staking.connect(alice).stake(10n ** 12n);
        await staking.notifyRewardAmount(e18(1e9)); // 10^7 times the old cap of 70 SETL
        await time.increase(DURATION);
        const owed = await staking.earned(alice);
        expect(owed).to.be.closeTo(e18(1e9), e18(1));
        await expect(staking.connect(alice).claim()).to.changeTokenBalance(setl, alice, owed);
      });

      it("refuses a pair that could not pay a realistic programme, saying why", async function () {
        const [admin] = await ethers.getSigners();
        const whole = await ethers.deployContract("TestToken", ["Whole", "WHL", 0]);
        const setl = await ethers.deployContract("TestToken", ["Settle", "SETL", 18]);
        const factory = await ethers.getContractFactory("StakingRewards");
        await expect(factory.deploy(admin, whole, setl, DURATION))
          .to.be.revertedWithCustomError(factory, "StakingTokenScalesUnsupported")
          .withArgs(0, 18, 2n ** 52n, 2n ** 88n);
        const absurd = await ethers.deployContract("StakingQuirkyToken", [2]); // 255 decimals, read as 36
        await expect(factory.deploy(admin, absurd, absurd, DURATION))
          .to.be.revertedWithCustomError(factory, "StakingTokenScalesUnsupported")
          .withArgs(36, 36, 2n ** 104n - 1n, 2n ** 128n - 1n);
      });
    });
  });

  describe("stake", function () {
    it("moves the tokens in and records the stake", async function () {
      const { token, staking, alice } = await loadFixture(sameTokenFixture);
      const tx = await staking.connect(alice).stake(e18(100));
      await expect(tx).to.emit(staking, "Staked").withArgs(alice.address, e18(100), e18(100), e18(100));
      await expect(tx).to.changeTokenBalances(token, [alice, staking], [-e18(100), e18(100)]);
      expect(await staking.balanceOf(alice)).to.equal(e18(100));
      expect(await staking.totalStaked()).to.equal(e18(100));
    });

    it("refuses zero", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await expect(staking.connect(alice).stake(0)).to.be.revertedWithCustomError(staking, "StakingZeroAmount");
    });

    it("refuses a stake beyond what the pool can hold", async function () {
      const [admin, alice] = await ethers.getSigners();
      const big = await ethers.deployContract("TestToken", ["Big", "BIG", 18]);
      const staking = await ethers.deployContract("StakingRewards", [admin, big, big, DURATION]);
      const maxTotal = 2n ** 104n - 1n;
      await big.mint(alice, 2n ** 105n);
      await big.connect(alice).approve(staking, ethers.MaxUint256);
      await expect(staking.connect(alice).stake(maxTotal + 1n))
        .to.be.revertedWithCustomError(staking, "StakingAmountTooLarge")
        .withArgs(maxTotal + 1n, maxTotal);
      await staking.connect(alice).stake(maxTotal);
      expect(await staking.balanceOf(alice)).to.equal(maxTotal);
    });

    it("refuses a stake while paused", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.pause();
      await expect(staking.connect(alice).stake(1)).to.be.revertedWithCustomError(staking, "EnforcedPause");
    });

    it("fails without an allowance", async function () {
      const { token, staking } = await loadFixture(sameTokenFixture);
      await token.approve(staking, 0);
      await expect(staking.stake(1)).to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance");
    });
  });

  describe("stakeWithPermit", function () {
    it("stakes with one signature and no prior approval", async function () {
      const { token, staking, alice } = await loadFixture(sameTokenFixture);
      await token.connect(alice).approve(staking, 0);
      const p = await signPermit(token, alice, await staking.getAddress(), e18(5), BigInt(await time.latest()) + 600n);
      await expect(staking.connect(alice).stakeWithPermit(p.value, p.deadline, p.v, p.r, p.s))
        .to.emit(staking, "Staked")
        .withArgs(alice.address, e18(5), e18(5), e18(5));
    });

    it("still stakes when someone used the permit first", async function () {
      const { token, staking, alice, bob } = await loadFixture(sameTokenFixture);
      await token.connect(alice).approve(staking, 0);
      const p = await signPermit(token, alice, await staking.getAddress(), e18(5), BigInt(await time.latest()) + 600n);
      await token.connect(bob).permit(alice, staking, p.value, p.deadline, p.v, p.r, p.s);
      await expect(staking.connect(alice).stakeWithPermit(p.value, p.deadline, p.v, p.r, p.s)).to.emit(staking, "Staked");
    });

    it("refuses while paused", async function () {
      const { token, staking, alice } = await loadFixture(sameTokenFixture);
      const p = await signPermit(token, alice, await staking.getAddress(), e18(5), BigInt(await time.latest()) + 600n);
      await staking.pause();
      await expect(staking.connect(alice).stakeWithPermit(p.value, p.deadline, p.v, p.r, p.s)).to.be.revertedWithCustomError(
        staking,
        "EnforcedPause",
      );
    });
  });

  describe("withdraw", function () {
    it("returns the tokens and lowers the stake", async function () {
      const { token, staking, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(100));
      const tx = await staking.connect(alice).withdraw(e18(40));
      await expect(tx).to.emit(staking, "Withdrawn").withArgs(alice.address, e18(40), e18(60), e18(60));
      await expect(tx).to.changeTokenBalances(token, [alice, staking], [e18(40), -e18(40)]);
    });

    it("refuses zero and more than the stake", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(1));
      await expect(staking.connect(alice).withdraw(0)).to.be.revertedWithCustomError(staking, "StakingZeroAmount");
      await expect(staking.connect(alice).withdraw(e18(2)))
        .to.be.revertedWithCustomError(staking, "StakingInsufficientBalance")
        .withArgs(alice.address, e18(1), e18(2));
    });

    it("works while paused", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(1));
      await staking.pause();
      await expect(staking.connect(alice).withdraw(e18(1))).to.emit(staking, "Withdrawn");
    });
  });

  describe("rewards", function () {
    it("pays a lone staker the whole period's rewards", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(100));
      await staking.notifyRewardAmount(e18(700));
      await time.increase(DURATION + 10);
      const rate = (e18(700) * RATE_SCALE) / BigInt(DURATION);
      const acc = (rate * BigInt(DURATION) * 10n ** 27n) / e18(100);
      expect(await staking.rewardPerToken()).to.equal(acc);
      expect(await staking.earned(alice)).to.equal((e18(100) * acc) / ACC_SCALE);
      expect(e18(700) - (await staking.earned(alice))).to.be.lessThan(10n ** 9n);
    });

    it("splits rewards in proportion to stake and time", async function () {
      const { staking, alice, bob } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(100));
      await staking.notifyRewardAmount(e18(700));
      const start = await time.latest();
      await time.setNextBlockTimestamp(start + DAY);
      await staking.connect(bob).stake(e18(300));
      await time.increaseTo(start + DURATION);
      const aliceEarned = await staking.earned(alice);
      const bobEarned = await staking.earned(bob);
      // Day 1: Alice alone gets 100; days 2-7: 600 split 1:3.
      expect(aliceEarned).to.be.closeTo(e18(100) + e18(150), 10n ** 10n);
      expect(bobEarned).to.be.closeTo(e18(450), 10n ** 10n);
      expect(aliceEarned + bobEarned).to.be.lessThanOrEqual(e18(700));
    });

    it("does not count staked principal as rewards when the tokens are the same", async function () {
      const { token, staking, admin, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(1000));
      await token.transfer(staking, e18(10)); // only 10 SETL beyond principal
      await staking.revokeRole(await staking.REWARDS_DISTRIBUTOR_ROLE(), admin);
      await staking.grantRole(await staking.REWARDS_DISTRIBUTOR_ROLE(), alice);
      await token.connect(alice).approve(staking, ethers.MaxUint256);
      await staking.connect(alice).notifyRewardAmount(e18(7));
      await time.increase(DURATION);
      expect(await token.balanceOf(staking)).to.be.greaterThanOrEqual((await staking.totalStaked()) + (await staking.earned(alice)));
    });

    it("gives a 6-decimal reward a non-zero rate even for a small amount", async function () {
      const { usdc, staking, alice } = await loadFixture(sixDecimalRewardFixture);
      await staking.connect(alice).stake(e18(1_000_000));
      await staking.notifyRewardAmount(1_000_000n); // 1 USDC over a week: 1.65 units a second
      expect(await staking.rewardRate()).to.equal((1_000_000n * RATE_SCALE) / BigInt(DURATION));
      await time.increase(DURATION);
      const earned = await staking.earned(alice);
      expect(earned).to.be.closeTo(1_000_000n, 2n);
      await expect(staking.connect(alice).claim()).to.changeTokenBalance(usdc, alice, earned);
    });

    it("carries rewards funded while nobody stakes into the next period", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.notifyRewardAmount(e18(700));
      await time.increase(DURATION + 1);
      expect(await staking.carriedRewards()).to.be.closeTo(e18(700) * RATE_SCALE, RATE_SCALE);
      await staking.connect(alice).stake(e18(100));
      const tx = await staking.notifyRewardAmount(e18(700));
      await expect(tx).to.emit(staking, "RewardAdded");
      await time.increase(DURATION + 1);
      expect(await staking.earned(alice)).to.be.closeTo(e18(1400), 10n ** 9n);
    });

    it("carries the rewards of time when the pool is below the minimum", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(1) - 1n);
      await staking.notifyRewardAmount(e18(7));
      await time.increase(DAY);
      expect(await staking.earned(alice)).to.equal(0);
      await staking.connect(alice).stake(1n); // the pool reaches the minimum and starts earning
      expect(await staking.carriedRewards()).to.be.closeTo(e18(1) * RATE_SCALE, (e18(1) * RATE_SCALE) / 1000n);
    });

    it("rolls what is left of a running period into the new rate", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(100));
      await staking.notifyRewardAmount(e18(700));
      const start = await time.latest();
      await time.setNextBlockTimestamp(start + DURATION / 2);
      const rate = await staking.rewardRate();
      const leftover = rate * BigInt(DURATION / 2) + (await staking.carriedRewards());
      const tx = await staking.notifyRewardAmount(e18(700));
      const expectedRate = (e18(700) * RATE_SCALE + leftover) / BigInt(DURATION);
      await expect(tx)
        .to.emit(staking, "RewardAdded")
        .withArgs(e18(700), leftover, expectedRate, start + DURATION / 2, start + DURATION / 2 + DURATION);
      expect(await staking.periodFinish()).to.equal(start + DURATION / 2 + DURATION);
      expect(await staking.getRewardForDuration()).to.equal((expectedRate * BigInt(DURATION)) / RATE_SCALE);
    });

    it("counts what arrives, not what was asked, from a fee-on-transfer reward token", async function () {
      const { rewardToken, staking } = await loadFixture(quirkyFixture);
      await rewardToken.setFeeBps(100);
      const start = (await time.latest()) + 10;
      await time.setNextBlockTimestamp(start);
      await expect(staking.notifyRewardAmount(e18(100)))
        .to.emit(staking, "RewardAdded")
        .withArgs(e18(99), 0, (e18(99) * RATE_SCALE) / BigInt(DURATION), start, start + DURATION);
      expect(await staking.totalFunded()).to.equal(e18(99));
    });
  });

  describe("notifyRewardAmount", function () {
    // Issue 11.9: reward tokens sent to the contract directly were never paid to anyone.
    describe("reward tokens sent directly (9)", function () {
      it("adds them to the next period, and nothing owed to stakers", async function () {
        const { usdc, staking, alice } = await loadFixture(sixDecimalRewardFixture);
        await staking.connect(alice).stake(e18(100));
        await staking.notifyRewardAmount(1_000n * 10n ** 6n);
        await time.increase(DURATION / 2);
        await staking.connect(alice).claim();
        await usdc.transfer(staking, 50n * 10n ** 6n); // sent directly, not through notifyRewardAmount
        await time.increase(DURATION);
        const carried = await staking.carriedRewards();
        await expect(staking.notifyRewardAmount(0))
          .to.emit(staking, "RewardAdded")
          .withArgs(50n * 10n ** 6n, carried, anyValue, anyValue, anyValue);
        expect(await staking.totalFunded()).to.equal(1_050n * 10n ** 6n);
        await time.increase(DURATION);
        const paidBefore = await staking.totalPaid();
        await staking.connect(alice).claim();
        const paid = (await staking.totalPaid()) - paidBefore;
        expect(paidBefore + paid).to.be.closeTo(1_050n * 10n ** 6n, 10n);
        expect(await usdc.balanceOf(staking)).to.be.greaterThanOrEqual(1_050n * 10n ** 6n - paidBefore - paid);
      });

      it("never counts staked principal as sent directly when the tokens are the same", async function () {
        const { token, staking, alice } = await loadFixture(sameTokenFixture);
        await staking.connect(alice).stake(e18(100));
        await token.transfer(staking, e18(3));
        const start = (await time.latest()) + 10;
        await time.setNextBlockTimestamp(start);
        await expect(staking.notifyRewardAmount(e18(7)))
          .to.emit(staking, "RewardAdded")
          .withArgs(e18(10), 0, (e18(10) * RATE_SCALE) / BigInt(DURATION), start, start + DURATION);
      });
    });

    it("is for REWARDS_DISTRIBUTOR_ROLE only", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await expect(staking.connect(alice).notifyRewardAmount(1))
        .to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount")
        .withArgs(alice.address, await staking.REWARDS_DISTRIBUTOR_ROLE());
    });

    it("refuses an amount that rounds to a rate of zero", async function () {
      const { staking } = await loadFixture(sameTokenFixture);
      await expect(staking.notifyRewardAmount(0))
        .to.be.revertedWithCustomError(staking, "StakingNothingToDistribute")
        .withArgs(0, DURATION);
    });

    it("re-spreads carried rewards when called with zero", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.notifyRewardAmount(e18(7));
      await time.increase(DURATION + 1);
      await staking.connect(alice).stake(e18(10));
      await expect(staking.notifyRewardAmount(0)).to.emit(staking, "RewardAdded");
      expect(await staking.carriedRewards()).to.be.lessThan(BigInt(DURATION));
    });

    it("refuses funding beyond the cumulative cap", async function () {
      const [admin] = await ethers.getSigners();
      const big = await ethers.deployContract("TestToken", ["Big", "BIG", 18]);
      const staking = await ethers.deployContract("StakingRewards", [admin, big, big, DURATION]);
      const max = await staking.maxTotalFunded();
      expect(max).to.equal((2n ** 150n * 10n ** 18n) / (2n ** 104n - 1n));
      await big.mint(admin, max + 1n);
      await big.approve(staking, ethers.MaxUint256);
      await expect(staking.notifyRewardAmount(max + 1n))
        .to.be.revertedWithCustomError(staking, "StakingRewardTooLarge")
        .withArgs(max + 1n, max);
    });

    it("refuses a rate beyond the packed maximum", async function () {
      const [admin] = await ethers.getSigners();
      const big = await ethers.deployContract("TestToken", ["Big", "BIG", 18]);
      const staking = await ethers.deployContract("StakingRewards", [admin, big, big, 1]);
      await big.mint(admin, e18(1e8));
      await big.approve(staking, ethers.MaxUint256);
      await expect(staking.notifyRewardAmount(e18(1e8))).to.be.revertedWithCustomError(staking, "StakingRewardTooLarge");
    });

    it("refuses a period the contract cannot pay", async function () {
      const { rewardToken, staking, alice } = await loadFixture(quirkyFixture);
      await staking.connect(alice).stake(e18(10));
      await staking.notifyRewardAmount(e18(700));
      await rewardToken.seize(staking, e18(600));
      await expect(staking.notifyRewardAmount(e18(1))).to.be.revertedWithCustomError(staking, "StakingRewardNotFunded");
    });
  });

  describe("claim", function () {
    it("pays what was earned and resets it", async function () {
      const { token, staking, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(100));
      await staking.notifyRewardAmount(e18(700));
      await time.increase(DAY);
      const tx = await staking.connect(alice).claim();
      const receipt = await tx.wait();
      const paid = staking.interface.parseLog(receipt!.logs.find((l) => l.address === receipt!.to)!)!.args[1] as bigint;
      expect(paid).to.be.closeTo(e18(100), e18(1) / 100n);
      await expect(tx).to.emit(staking, "RewardPaid").withArgs(alice.address, paid);
      await expect(tx).to.changeTokenBalance(token, alice, paid);
      expect(await staking.earned(alice)).to.equal(0);
    });

    it("does nothing when nothing was earned", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await expect(staking.connect(alice).claim()).not.to.emit(staking, "RewardPaid");
    });

    it("works while paused", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(100));
      await staking.notifyRewardAmount(e18(700));
      await time.increase(DAY);
      await staking.pause();
      await expect(staking.connect(alice).claim()).to.emit(staking, "RewardPaid");
    });
  });

  describe("exit", function () {
    it("withdraws everything and pays the rewards", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await staking.connect(alice).stake(e18(100));
      await staking.notifyRewardAmount(e18(700));
      await time.increase(DAY);
      await staking.pause();
      const tx = await staking.connect(alice).exit();
      await expect(tx).to.emit(staking, "Withdrawn").withArgs(alice.address, e18(100), 0, 0);
      await expect(tx).to.emit(staking, "RewardPaid");
      expect(await staking.balanceOf(alice)).to.equal(0);
      expect(await staking.earned(alice)).to.equal(0);
    });

    it("refuses an account with no stake", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await expect(staking.connect(alice).exit()).to.be.revertedWithCustomError(staking, "StakingZeroAmount");
    });
  });

  describe("setRewardsDuration", function () {
    it("changes the length of the next periods between periods", async function () {
      const { staking } = await loadFixture(sameTokenFixture);
      await expect(staking.setRewardsDuration(DAY)).to.emit(staking, "RewardsDurationUpdated").withArgs(DAY);
      expect(await staking.rewardsDuration()).to.equal(DAY);
    });

    it("refuses while a period runs", async function () {
      const { staking } = await loadFixture(sameTokenFixture);
      await staking.notifyRewardAmount(e18(7));
      await expect(staking.setRewardsDuration(DAY))
        .to.be.revertedWithCustomError(staking, "StakingPeriodRunning")
        .withArgs(await staking.periodFinish());
    });

    it("refuses a zero length and non-admins", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await expect(staking.setRewardsDuration(0)).to.be.revertedWithCustomError(staking, "StakingInvalidDuration");
      await expect(staking.connect(alice).setRewardsDuration(DAY)).to.be.revertedWithCustomError(
        staking,
        "AccessControlUnauthorizedAccount",
      );
    });
  });

  describe("pause", function () {
    it("is for PAUSER_ROLE only, and unpausing restores staking", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      await expect(staking.connect(alice).pause()).to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount");
      await staking.pause();
      await expect(staking.connect(alice).unpause()).to.be.revertedWithCustomError(staking, "AccessControlUnauthorizedAccount");
      await staking.unpause();
      await expect(staking.connect(alice).stake(1)).to.emit(staking, "Staked");
    });
  });

  describe("recoverERC20", function () {
    it("sends back a token sent by mistake", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      const other = await ethers.deployContract("TestToken", ["Other", "OTH", 18]);
      await other.mint(staking, 50n);
      const tx = await staking.recoverERC20(other, 50n, alice);
      await expect(tx)
        .to.emit(staking, "Recovered")
        .withArgs(await other.getAddress(), 50n, alice.address);
      await expect(tx).to.changeTokenBalance(other, alice, 50n);
    });

    it("never touches the staking or the reward token", async function () {
      const { staking: sameStaking, token } = await loadFixture(sameTokenFixture);
      await expect(sameStaking.recoverERC20(token, 1, token))
        .to.be.revertedWithCustomError(sameStaking, "StakingTokenNotRecoverable")
        .withArgs(await token.getAddress());
      const { staking, usdc } = await loadFixture(sixDecimalRewardFixture);
      await expect(staking.recoverERC20(usdc, 1, usdc)).to.be.revertedWithCustomError(staking, "StakingTokenNotRecoverable");
    });

    it("refuses the zero address and non-admins", async function () {
      const { staking, alice } = await loadFixture(sameTokenFixture);
      const other = await ethers.deployContract("TestToken", ["Other", "OTH", 18]);
      await expect(staking.recoverERC20(other, 1, ethers.ZeroAddress)).to.be.revertedWithCustomError(staking, "StakingZeroAddress");
      await expect(staking.connect(alice).recoverERC20(other, 1, alice)).to.be.revertedWithCustomError(
        staking,
        "AccessControlUnauthorizedAccount",
      );
    });
  });
});

describe("StakingRewards against a reentrant token", function () {
  async function reentrantFixture() {
    const [admin, alice] = await ethers.getSigners();
    const token = await ethers.deployContract("StakingReentrantToken");
    const staking = await ethers.deployContract("StakingRewards", [admin, token, token, DURATION]);
    await token.mint(admin, e18(1_000_000));
    await token.approve(staking, ethers.MaxUint256);
    await token.mint(alice, e18(1_000));
    await token.connect(alice).approve(staking, ethers.MaxUint256);
    await staking.connect(alice).stake(e18(100));
    await staking.notifyRewardAmount(e18(700));
    await time.increase(DAY);
    return { token, staking, admin, alice };
  }

  // Each attack re-enters the very function that moved the token.
  const attacks: [string, unknown[]][] = [
    ["stake", [1n]],
    ["stakeWithPermit", [1n, 0, 0, ethers.ZeroHash, ethers.ZeroHash]],
    ["withdraw", [1n]],
    ["claim", []],
    ["exit", []],
    ["notifyRewardAmount", [e18(1)]],
  ];
  for (const [name, args] of attacks) {
    it(`stops a token re-entering ${name}`, async function () {
      const { token, staking, alice } = await loadFixture(reentrantFixture);
      await token.setHook(staking, (staking.interface as Interface).encodeFunctionData(name, args));
      const caller = name === "notifyRewardAmount" ? staking : staking.connect(alice);
      await expect(caller.getFunction(name)(...args)).to.be.revertedWithCustomError(staking, "ReentrancyGuardReentrantCall");
    });
  }
});
