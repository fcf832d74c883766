import { expect } from "chai";
import hre, { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ceilingFor, currencyToBytes3 } from "../../core/invoice/currency";
import { deployEscrow } from "../helpers/escrow";
import { DAY, WINDOW, invoiceTerms } from "../helpers/constants";

/*
 * Property of payPriced over random payments: a token of 6 or 18 decimals, a feed of 8 or 18 decimals, an answer from
 * 0.01 to 10,000 EUR per token, a price from 0.01 to 10,000 EUR, a price move of up to ±5% between the payer's quote
 * and the payment, and a ceiling of the quote plus 0 to 3%. For each payment:
 *  1. it goes through exactly when the converted amount at the moved answer is within the ceiling;
 *  2. the amount paid is the price rounded up: never less than the price, less than one token unit more;
 *  3. the invoice then holds that amount in that token, and the escrow's balance of each token equals its books.
 * Replay a failure with FC_SEED=<seed> FC_PATH=<path> (both printed on failure). FC_RUNS overrides the run count.
 */

const EUR = currencyToBytes3("EUR");
const UNDER_COVERAGE = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
const RUNS = Number(process.env.FC_RUNS ?? (UNDER_COVERAGE ? 5 : 40));

describe("PaymentEscrow priced payments: properties", function () {
  /** The escrow with a PriceFeeds registry, tokens of 6 and 18 decimals, and feeds of 8 and 18 decimals. */
  async function deployFixture() {
    const base = await deployEscrow();
    const tokens = [
      await ethers.deployContract("TestToken", ["Six", "SIX", 6]),
      await ethers.deployContract("TestToken", ["Eighteen", "EIGHTEEN", 18]),
    ];
    for (const token of tokens) await token.connect(base.payer).approve(base.escrow, ethers.MaxUint256);
    const feeds = await ethers.deployContract("PriceFeeds", [base.admin]);
    const priceFeeds = [await ethers.deployContract("TestPriceFeed", [8, 1n]), await ethers.deployContract("TestPriceFeed", [18, 1n])];
    await base.escrow.setPriceFeeds(feeds);
    return { ...base, tokens, feeds, priceFeeds };
  }

  it("pays the price rounded up, within the payer's ceiling, and keeps the books exact", async function () {
    const { escrow, merchant, payer, tokens, feeds, priceFeeds } = await loadFixture(deployFixture);
    const property = fc.asyncProperty(
      fc.record({
        token: fc.integer({ min: 0, max: 1 }),
        feed: fc.integer({ min: 0, max: 1 }),
        answer: fc.bigInt({ min: 1_000_000n, max: 1_000_000_000_000n }), // EUR per token at 8 decimals: 0.01 to 10,000
        price: fc.bigInt({ min: 1n, max: 1_000_000n }), // hundredths of EUR
        movePercent: fc.integer({ min: -5, max: 5 }),
        slippageBps: fc.integer({ min: 0, max: 300 }),
      }),
      async ({ token: t, feed: f, answer, price, movePercent, slippageBps }) => {
        const token = tokens[t]!;
        const feed = priceFeeds[f]!;
        const feedDecimals = f === 0 ? 8n : 18n;
        const tokenDecimals = t === 0 ? 6n : 18n;
        const scaled = (value: bigint) => (f === 0 ? value : value * 10n ** 10n);
        await feed.setAnswer(scaled(answer));
        await feeds.setFeed(token, EUR, feed, 3600, 1n, 10n ** 30n);
        const due = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 30n * BigInt(DAY);
        await escrow.connect(merchant).createInvoice(
          invoiceTerms({
            payer: payer.address,
            token: ethers.ZeroAddress,
            amount: price,
            dueDate: due,
            disputeWindow: WINDOW,
            currency: EUR,
          }),
        );
        const id = await escrow.invoiceCount();

        const quoted = (await feeds.quote(token, EUR, price)).tokenAmount;
        const ceiling = ceilingFor(quoted, slippageBps);
        const moved = scaled((answer * BigInt(100 + movePercent)) / 100n);
        await feed.setAnswer(moved);
        const scale = 10n ** (feedDecimals + tokenDecimals);
        const expected = (price * scale + moved * 100n - 1n) / (moved * 100n);
        await token.mint(payer, expected);
        const [roundId] = await feed.latestRoundData();

        const pay = escrow.connect(payer).payPriced(id, token, ceiling);
        if (expected > ceiling) {
          await expect(pay).to.be.revertedWithCustomError(escrow, "EscrowPriceAboveMax").withArgs(id, expected, ceiling);
          return;
        }
        await expect(pay)
          .to.emit(escrow, "InvoicePriced")
          .withArgs(id, payer.address, token.target, expected, moved, feedDecimals, roundId);
        expect(expected * moved * 100n >= price * scale, "never less than the price").to.equal(true);
        expect((expected - 1n) * moved * 100n < price * scale, "less than one unit more").to.equal(true);
        const invoice = await escrow.getInvoice(id);
        expect([invoice.token, invoice.amount, invoice.paid]).to.deep.equal([token.target, expected, expected]);
        for (const each of tokens) expect(await each.balanceOf(escrow)).to.equal(await escrow.totalOwed(each));
      },
    );
    const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
    const details = await fc.check(property, { numRuns: RUNS, seed, path: process.env.FC_PATH, endOnFailure: true });
    if (details.failed) {
      console.error(`      replay with FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath}`);
      throw new Error(fc.defaultReportMessage(details));
    }
  });
});
