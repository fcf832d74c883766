import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { currencyToBytes3 } from "../../core/invoice/currency";

const EUR = currencyToBytes3("EUR");
const USD = currencyToBytes3("USD");
const HOUR = 3600;
/** Sanity bounds wide enough for every answer below unless a test narrows them. */
const MIN = 1n;
const MAX = 10n ** 30n;

describe("PriceFeeds", function () {
  /** The registry (admin holds every role), a 6-decimal token, and feeds of 8 and 18 decimals at 0.92 EUR. */
  async function deployFixture() {
    const [admin, manager, stranger] = await ethers.getSigners();
    const feeds = await ethers.deployContract("PriceFeeds", [admin]);
    const token = await ethers.deployContract("TestToken", ["USD Coin", "USDC", 6]);
    const feed8 = await ethers.deployContract("TestPriceFeed", [8, 92_000_000n]);
    const feed18 = await ethers.deployContract("TestPriceFeed", [18, 92n * 10n ** 16n]);
    return { feeds, token, feed8, feed18, admin, manager, stranger };
  }

  /** The fixture with the 8-decimal feed registered for the token in EUR, answers kept for an hour. */
  async function registeredFixture() {
    const f = await deployFixture();
    await f.feeds.setFeed(f.token, EUR, f.feed8, HOUR, MIN, MAX);
    return f;
  }

  describe("setFeed", function () {
    it("records the feed with the decimals of feed and token, and announces it", async function () {
      const { feeds, token, feed8 } = await loadFixture(deployFixture);
      await expect(feeds.setFeed(token, EUR, feed8, HOUR, 5n, MAX))
        .to.emit(feeds, "FeedSet")
        .withArgs(token.target, EUR, feed8.target, HOUR, 5n, MAX, 8, 6);
      const feed = await feeds.feedOf(token, EUR);
      expect(feed.feed).to.equal(feed8.target);
      expect([feed.maxAge, feed.feedDecimals, feed.tokenDecimals, feed.minAnswer, feed.maxAnswer]).to.deep.equal([
        BigInt(HOUR),
        8n,
        6n,
        5n,
        MAX,
      ]);
    });

    it("takes 18 decimals for native ETH (address zero)", async function () {
      const { feeds, feed8 } = await loadFixture(deployFixture);
      await feeds.setFeed(ethers.ZeroAddress, USD, feed8, HOUR, MIN, MAX);
      expect((await feeds.feedOf(ethers.ZeroAddress, USD)).tokenDecimals).to.equal(18n);
    });

    it("replaces an earlier feed", async function () {
      const { feeds, token, feed18 } = await loadFixture(registeredFixture);
      await feeds.setFeed(token, EUR, feed18, 2 * HOUR, MIN, MAX);
      const feed = await feeds.feedOf(token, EUR);
      expect([feed.feed, feed.feedDecimals, feed.maxAge]).to.deep.equal([feed18.target, 18n, BigInt(2 * HOUR)]);
    });

    describe("refuses", function () {
      it("anyone without FEED_MANAGER_ROLE, and lets a granted manager in", async function () {
        const { feeds, token, feed8, manager } = await loadFixture(deployFixture);
        await expect(feeds.connect(manager).setFeed(token, EUR, feed8, HOUR, MIN, MAX))
          .to.be.revertedWithCustomError(feeds, "AccessControlUnauthorizedAccount")
          .withArgs(manager.address, await feeds.FEED_MANAGER_ROLE());
        await feeds.grantRole(await feeds.FEED_MANAGER_ROLE(), manager);
        await expect(feeds.connect(manager).setFeed(token, EUR, feed8, HOUR, MIN, MAX)).to.emit(feeds, "FeedSet");
      });

      it("a currency that is not three capital letters", async function () {
        const { feeds, token, feed8 } = await loadFixture(deployFixture);
        for (const bad of ["0x000000", "0x657572" /* eur */, "0x45555b" /* EU[ */, "0x405552" /* @UR */]) {
          await expect(feeds.setFeed(token, bad, feed8, HOUR, MIN, MAX))
            .to.be.revertedWithCustomError(feeds, "PriceFeedsInvalidCurrency")
            .withArgs(bad);
        }
      });

      it("a feed or a token without code", async function () {
        const { feeds, token, feed8, stranger } = await loadFixture(deployFixture);
        await expect(feeds.setFeed(token, EUR, stranger, HOUR, MIN, MAX))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsNoCode")
          .withArgs(stranger.address);
        await expect(feeds.setFeed(stranger, EUR, feed8, HOUR, MIN, MAX))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsNoCode")
          .withArgs(stranger.address);
      });

      it("a zero maximum age", async function () {
        const { feeds, token, feed8 } = await loadFixture(deployFixture);
        await expect(feeds.setFeed(token, EUR, feed8, 0, MIN, MAX)).to.be.revertedWithCustomError(feeds, "PriceFeedsZeroMaxAge");
      });

      it("bounds that are not 0 < min <= max < 2^128", async function () {
        const { feeds, token, feed8 } = await loadFixture(deployFixture);
        for (const [min, max] of [
          [0n, MAX],
          [10n, 9n],
          [1n, 2n ** 128n],
        ]) {
          await expect(feeds.setFeed(token, EUR, feed8, HOUR, min!, max!))
            .to.be.revertedWithCustomError(feeds, "PriceFeedsInvalidBounds")
            .withArgs(min, max);
        }
      });

      it("a feed or a token with more than 18 decimals", async function () {
        const { feeds, token, feed8 } = await loadFixture(deployFixture);
        await feed8.setDecimals(19);
        await expect(feeds.setFeed(token, EUR, feed8, HOUR, MIN, MAX))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsTooManyDecimals")
          .withArgs(feed8.target, 19);
        await feed8.setDecimals(8);
        const odd = await ethers.deployContract("TestToken", ["Odd", "ODD", 19]);
        await expect(feeds.setFeed(odd, EUR, feed8, HOUR, MIN, MAX))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsTooManyDecimals")
          .withArgs(odd.target, 19);
      });
    });
  });

  describe("removeFeed", function () {
    it("removes the feed, so the token no longer quotes in the currency", async function () {
      const { feeds, token } = await loadFixture(registeredFixture);
      await expect(feeds.removeFeed(token, EUR)).to.emit(feeds, "FeedRemoved").withArgs(token.target, EUR);
      expect((await feeds.feedOf(token, EUR)).feed).to.equal(ethers.ZeroAddress);
      await expect(feeds.quote(token, EUR, 100n))
        .to.be.revertedWithCustomError(feeds, "PriceFeedsNoFeed")
        .withArgs(token.target, EUR);
    });

    it("refuses a feed that is not registered", async function () {
      const { feeds, token } = await loadFixture(registeredFixture);
      await expect(feeds.removeFeed(token, USD)).to.be.revertedWithCustomError(feeds, "PriceFeedsNoFeed").withArgs(token.target, USD);
    });

    it("refuses anyone without FEED_MANAGER_ROLE", async function () {
      const { feeds, token, stranger } = await loadFixture(registeredFixture);
      await expect(feeds.connect(stranger).removeFeed(token, EUR))
        .to.be.revertedWithCustomError(feeds, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await feeds.FEED_MANAGER_ROLE());
    });
  });

  describe("quote", function () {
    it("converts hundredths of the currency into token units at the answer, rounding up", async function () {
      const { feeds, token, feed8 } = await loadFixture(registeredFixture);
      // 12.50 EUR at 0.92 EUR per token = 13.586956521... tokens: 13,586,956.52 units of 6 decimals, rounded up.
      const q = await feeds.quote(token, EUR, 1250n);
      const [roundId] = await feed8.latestRoundData();
      expect([q.tokenAmount, q.answer, q.feedDecimals, q.roundId]).to.deep.equal([13_586_957n, 92_000_000n, 8n, roundId]);
      // An exact conversion is not rounded: 9.20 EUR is 10 tokens.
      expect((await feeds.quote(token, EUR, 920n)).tokenAmount).to.equal(10_000_000n);
    });

    it("gives the same amount from a feed of 18 decimals as from one of 8", async function () {
      const { feeds, token, feed18 } = await loadFixture(registeredFixture);
      const from8 = await feeds.quote(token, EUR, 1250n);
      await feeds.setFeed(token, EUR, feed18, HOUR, MIN, MAX);
      const from18 = await feeds.quote(token, EUR, 1250n);
      expect(from18.tokenAmount).to.equal(from8.tokenAmount);
      expect([from18.answer, from18.feedDecimals]).to.deep.equal([92n * 10n ** 16n, 18n]);
    });

    it("quotes native ETH in wei", async function () {
      const { feeds, feed8 } = await loadFixture(deployFixture);
      await feed8.setAnswer(2_000n * 10n ** 8n); // 2,000 USD per ETH
      await feeds.setFeed(ethers.ZeroAddress, USD, feed8, HOUR, MIN, MAX);
      expect((await feeds.quote(ethers.ZeroAddress, USD, 5_000n)).tokenAmount).to.equal(ethers.parseEther("0.025"));
    });

    describe("refuses", function () {
      it("a token and currency without a feed", async function () {
        const { feeds, token } = await loadFixture(registeredFixture);
        await expect(feeds.quote(token, USD, 100n))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsNoFeed")
          .withArgs(token.target, USD);
      });

      it("an answer older than the maximum age, and takes one exactly that old", async function () {
        const { feeds, token, feed8 } = await loadFixture(registeredFixture);
        const updatedAt = BigInt(await time.latest());
        await feed8.setRound(5, 92_000_000n, updatedAt);
        await time.setNextBlockTimestamp(updatedAt + BigInt(HOUR));
        await ethers.provider.send("evm_mine", []);
        expect((await feeds.quote(token, EUR, 100n)).roundId).to.equal(5n);
        await time.setNextBlockTimestamp(updatedAt + BigInt(HOUR) + 1n);
        await ethers.provider.send("evm_mine", []);
        await expect(feeds.quote(token, EUR, 100n))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsStaleAnswer")
          .withArgs(feed8.target, updatedAt, HOUR, updatedAt + BigInt(HOUR) + 1n);
      });

      it("a zero or negative answer", async function () {
        const { feeds, token, feed8 } = await loadFixture(registeredFixture);
        for (const answer of [0n, -92_000_000n]) {
          await feed8.setAnswer(answer);
          await expect(feeds.quote(token, EUR, 100n))
            .to.be.revertedWithCustomError(feeds, "PriceFeedsAnswerNotPositive")
            .withArgs(feed8.target, answer);
        }
      });

      it("an answer outside the sanity bounds, and takes one on them", async function () {
        const { feeds, token, feed8 } = await loadFixture(deployFixture);
        const [min, max] = [50_000_000n, 150_000_000n];
        await feeds.setFeed(token, EUR, feed8, HOUR, min, max);
        for (const answer of [min - 1n, max + 1n]) {
          await feed8.setAnswer(answer);
          await expect(feeds.quote(token, EUR, 100n))
            .to.be.revertedWithCustomError(feeds, "PriceFeedsAnswerOutOfBounds")
            .withArgs(feed8.target, answer, min, max);
        }
        for (const answer of [min, max]) {
          await feed8.setAnswer(answer);
          expect((await feeds.quote(token, EUR, 100n)).answer).to.equal(answer);
        }
      });

      it("an incomplete round: never updated, or answered in an earlier round", async function () {
        const { feeds, token, feed8 } = await loadFixture(registeredFixture);
        await feed8.setRound(9, 92_000_000n, 0);
        await expect(feeds.quote(token, EUR, 100n))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsIncompleteRound")
          .withArgs(feed8.target, 9, 9);
        await feed8.setRound(9, 92_000_000n, await time.latest());
        await feed8.setAnsweredInRound(8);
        await expect(feeds.quote(token, EUR, 100n))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsIncompleteRound")
          .withArgs(feed8.target, 9, 8);
      });
    });
  });
});
