import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { NO_CURRENCY, currencyToBytes3 } from "../../core/invoice/currency";
import { deployEscrow, deployUsdc } from "../helpers/escrow";
import { DAY, WINDOW, fee, invoiceTerms } from "../helpers/constants";

const EUR = currencyToBytes3("EUR");
const HOUR = 3600;
/** 12.50 EUR, in hundredths. */
const PRICE = 1250n;
/** PRICE at 0.92 EUR per USDC: 13.586956... USDC, rounded up to the unit of 6 decimals. */
const PRICE_IN_USDC = 13_586_957n;
const STATUS = { Open: 1, Paid: 3, Released: 5, Refunded: 6, Resolved: 7, Cancelled: 8, Expired: 9 };

describe("PaymentEscrow priced in a currency", function () {
  /**
   * The escrow with a PriceFeeds registry: USDC/EUR from an 8-decimal feed at 0.92, SETL (18 decimals)/EUR from an
   * 18-decimal feed at 0.50, ETH/EUR from an 8-decimal feed at 2,000; funded, approving payer and stranger.
   */
  async function deployFixture() {
    const base = await deployEscrow();
    const { escrow, admin, payer, stranger } = base;
    const usdc = await deployUsdc(escrow, [payer, stranger], 1_000_000n * 10n ** 6n);
    const setl = await ethers.deployContract("TestToken", ["Settle", "SETL", 18]);
    await setl.mint(payer, ethers.parseEther("1000"));
    await setl.connect(payer).approve(escrow, ethers.MaxUint256);
    const feeds = await ethers.deployContract("PriceFeeds", [admin]);
    const usdcFeed = await ethers.deployContract("TestPriceFeed", [8, 92_000_000n]);
    const setlFeed = await ethers.deployContract("TestPriceFeed", [18, ethers.parseEther("0.5")]);
    const ethFeed = await ethers.deployContract("TestPriceFeed", [8, 2_000n * 10n ** 8n]);
    const bounds = [1n, 10n ** 30n] as const;
    await feeds.setFeed(usdc, EUR, usdcFeed, HOUR, ...bounds);
    await feeds.setFeed(setl, EUR, setlFeed, HOUR, ...bounds);
    await feeds.setFeed(ethers.ZeroAddress, EUR, ethFeed, HOUR, ...bounds);
    await escrow.setPriceFeeds(feeds);
    const due = BigInt(await time.latest()) + 30n * BigInt(DAY);
    /** Creates an invoice of `price` hundredths of EUR for `token` (address zero: any token) and returns its id. */
    const createPriced = async (options: { token?: string; payer?: string; price?: bigint; arbiter?: string } = {}) => {
      await escrow.connect(base.merchant).createInvoice(
        invoiceTerms({
          payer: options.payer ?? payer.address,
          token: options.token ?? ethers.ZeroAddress,
          amount: options.price ?? PRICE,
          dueDate: due,
          disputeWindow: WINDOW,
          arbiter: options.arbiter ?? base.arbiter.address,
          currency: EUR,
        }),
      );
      return escrow.invoiceCount();
    };
    return { ...base, usdc, setl, feeds, usdcFeed, setlFeed, ethFeed, due, createPriced };
  }

  describe("createInvoice with a currency", function () {
    it("records the currency and the price, and stores nothing due until the payment converts it", async function () {
      const { escrow, merchant, payer, arbiter, usdc, due } = await loadFixture(deployFixture);
      const tx = escrow.connect(merchant).createInvoice(
        invoiceTerms({
          payer: payer.address,
          token: usdc.target as string,
          amount: PRICE,
          dueDate: due,
          arbiter: arbiter.address,
          currency: EUR,
        }),
      );
      await expect(tx).to.emit(escrow, "InvoiceCreated");
      await expect(tx).to.emit(escrow, "InvoiceCurrencySet").withArgs(1n, EUR, PRICE);
      expect(await escrow.invoiceCurrency(1n)).to.deep.equal([EUR, PRICE]);
      const invoice = await escrow.getInvoice(1n);
      expect([invoice.token, invoice.amount, invoice.status]).to.deep.equal([usdc.target, 0n, BigInt(STATUS.Open)]);
      expect(await escrow.amountDue(1n)).to.equal(0n);
    });

    it("reads as an ordinary invoice's currency: none", async function () {
      const { escrow, merchant, payer, usdc, due } = await loadFixture(deployFixture);
      await escrow
        .connect(merchant)
        .createInvoice(invoiceTerms({ payer: payer.address, token: usdc.target as string, amount: 5n, dueDate: due }));
      expect(await escrow.invoiceCurrency(1n)).to.deep.equal([NO_CURRENCY, 0n]);
    });

    it("expires unpaid after its due date and can be cancelled before", async function () {
      const { escrow, merchant, createPriced, due } = await loadFixture(deployFixture);
      const cancelled = await createPriced();
      await expect(escrow.connect(merchant).cancel(cancelled)).to.emit(escrow, "InvoiceCancelled");
      const expiring = await createPriced();
      await time.increaseTo(due + 1n);
      expect(await escrow.status(expiring)).to.equal(STATUS.Expired);
    });
  });

  describe("payPriced", function () {
    it("converts the price at the feed's answer, fixes token and amount, and pays in full", async function () {
      const { escrow, payer, usdc, usdcFeed, createPriced } = await loadFixture(deployFixture);
      const id = await createPriced({ token: usdc.target as string });
      const [roundId] = await usdcFeed.latestRoundData();
      const tx = escrow.connect(payer).payPriced(id, usdc, PRICE_IN_USDC);
      await expect(tx).to.emit(escrow, "InvoicePriced").withArgs(id, payer.address, usdc.target, PRICE_IN_USDC, 92_000_000n, 8, roundId);
      await expect(tx).to.emit(escrow, "InvoicePaid").withArgs(id, payer.address, usdc.target, PRICE_IN_USDC, PRICE_IN_USDC);
      await expect(tx).to.changeTokenBalances(usdc, [payer, escrow], [-PRICE_IN_USDC, PRICE_IN_USDC]);
      const invoice = await escrow.getInvoice(id);
      expect([invoice.token, invoice.amount, invoice.paid, invoice.status]).to.deep.equal([
        usdc.target,
        PRICE_IN_USDC,
        PRICE_IN_USDC,
        BigInt(STATUS.Paid),
      ]);
      expect(await escrow.invoiceCurrency(id)).to.deep.equal([EUR, PRICE]);
    });

    it("takes any token the registry prices in the currency when the invoice names none (18-decimal feed)", async function () {
      const { escrow, payer, setl, createPriced } = await loadFixture(deployFixture);
      const id = await createPriced();
      const amount = ethers.parseEther("25"); // 12.50 EUR at 0.50 EUR per SETL
      await expect(escrow.connect(payer).payPriced(id, setl, amount))
        .to.emit(escrow, "InvoicePriced")
        .withArgs(id, payer.address, setl.target, amount, ethers.parseEther("0.5"), 18, 1n);
      expect((await escrow.getInvoice(id)).token).to.equal(setl.target);
    });

    it("binds an invoice open to anyone to whoever pays it", async function () {
      const { escrow, stranger, usdc, createPriced } = await loadFixture(deployFixture);
      const id = await createPriced({ payer: ethers.ZeroAddress });
      await escrow.connect(stranger).payPriced(id, usdc, PRICE_IN_USDC);
      expect((await escrow.getInvoice(id)).payer).to.equal(stranger.address);
    });

    describe("when the price moves between quote and payment", function () {
      it("refuses a conversion above the payer's ceiling", async function () {
        const { escrow, payer, usdc, usdcFeed, feeds, createPriced } = await loadFixture(deployFixture);
        const id = await createPriced();
        const quoted = (await feeds.quote(usdc, EUR, PRICE)).tokenAmount;
        await usdcFeed.setAnswer(90_000_000n); // the token fell: 12.50 EUR now takes 13,888,889 units
        await expect(escrow.connect(payer).payPriced(id, usdc, quoted))
          .to.be.revertedWithCustomError(escrow, "EscrowPriceAboveMax")
          .withArgs(id, 13_888_889n, quoted);
      });

      it("charges the lower amount when the token rose, whatever the ceiling", async function () {
        const { escrow, payer, usdc, usdcFeed, feeds, createPriced } = await loadFixture(deployFixture);
        const id = await createPriced();
        const quoted = (await feeds.quote(usdc, EUR, PRICE)).tokenAmount;
        await usdcFeed.setAnswer(100_000_000n); // 1 USDC = 1.00 EUR
        await expect(escrow.connect(payer).payPriced(id, usdc, quoted)).to.changeTokenBalance(usdc, payer, -12_500_000n);
        expect((await escrow.getInvoice(id)).amount).to.equal(12_500_000n);
      });
    });

    describe("in ETH", function () {
      it("keeps the converted price of the value sent and returns the rest", async function () {
        const { escrow, payer, createPriced } = await loadFixture(deployFixture);
        const id = await createPriced();
        const price = ethers.parseEther("0.00625"); // 12.50 EUR at 2,000 EUR per ETH
        const ceiling = ethers.parseEther("0.01");
        const tx = escrow.connect(payer).payPriced(id, ethers.ZeroAddress, ceiling, { value: ceiling });
        await expect(tx).to.changeEtherBalances([payer, escrow], [-price, price]);
        await expect(tx).to.emit(escrow, "InvoicePaid").withArgs(id, payer.address, ethers.ZeroAddress, price, price);
        expect(await escrow.totalOwed(ethers.ZeroAddress)).to.equal(price);
        await expect(escrow.connect(payer).release(id, price)).to.changeEtherBalance(escrow, fee(price) - price);
      });

      it("refuses a value other than the ceiling, and any value with a token", async function () {
        const { escrow, payer, usdc, createPriced } = await loadFixture(deployFixture);
        const id = await createPriced();
        await expect(escrow.connect(payer).payPriced(id, ethers.ZeroAddress, 10n ** 16n, { value: 1n }))
          .to.be.revertedWithCustomError(escrow, "EscrowPricedValueMismatch")
          .withArgs(id, 1n, 10n ** 16n);
        await expect(escrow.connect(payer).payPriced(id, usdc, PRICE_IN_USDC, { value: 1n }))
          .to.be.revertedWithCustomError(escrow, "EscrowPricedValueMismatch")
          .withArgs(id, 1n, 0n);
      });
    });

    describe("refuses", function () {
      it("an invoice priced in its token, or none at all", async function () {
        const { escrow, merchant, payer, usdc, due } = await loadFixture(deployFixture);
        await escrow
          .connect(merchant)
          .createInvoice(invoiceTerms({ payer: payer.address, token: usdc.target as string, amount: 5n, dueDate: due }));
        for (const id of [1n, 99n]) {
          await expect(escrow.connect(payer).payPriced(id, usdc, 5n))
            .to.be.revertedWithCustomError(escrow, "EscrowInvoiceNotPricedInCurrency")
            .withArgs(id);
        }
      });

      it("a second payment: the invoice is paid in full once", async function () {
        const { escrow, payer, usdc, createPriced } = await loadFixture(deployFixture);
        const id = await createPriced();
        await escrow.connect(payer).payPriced(id, usdc, PRICE_IN_USDC);
        await expect(escrow.connect(payer).payPriced(id, usdc, PRICE_IN_USDC))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, STATUS.Paid);
      });

      it("a token other than the invoice's", async function () {
        const { escrow, payer, usdc, setl, createPriced } = await loadFixture(deployFixture);
        const id = await createPriced({ token: usdc.target as string });
        await expect(escrow.connect(payer).payPriced(id, setl, ethers.MaxUint256))
          .to.be.revertedWithCustomError(escrow, "EscrowTokenNotAccepted")
          .withArgs(id, setl.target, usdc.target);
      });

      it("a token off the allowlist while it is on, for an invoice in any token", async function () {
        const { escrow, payer, setl, createPriced } = await loadFixture(deployFixture);
        const id = await createPriced();
        await escrow.setAllowlistEnabled(true);
        await expect(escrow.connect(payer).payPriced(id, setl, ethers.MaxUint256))
          .to.be.revertedWithCustomError(escrow, "EscrowTokenNotAllowed")
          .withArgs(setl.target);
      });

      it("a token without a feed in the currency", async function () {
        const { escrow, feeds, payer, usdc, createPriced } = await loadFixture(deployFixture);
        const id = await createPriced();
        await feeds.removeFeed(usdc, EUR);
        await expect(escrow.connect(payer).payPriced(id, usdc, ethers.MaxUint256))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsNoFeed")
          .withArgs(usdc.target, EUR);
      });

      it("a stale, zero or negative answer", async function () {
        const { escrow, feeds, payer, usdc, usdcFeed, createPriced } = await loadFixture(deployFixture);
        const id = await createPriced();
        await time.increase(HOUR + 1);
        await expect(escrow.connect(payer).payPriced(id, usdc, ethers.MaxUint256)).to.be.revertedWithCustomError(
          feeds,
          "PriceFeedsStaleAnswer",
        );
        for (const answer of [0n, -1n]) {
          await usdcFeed.setAnswer(answer);
          await expect(escrow.connect(payer).payPriced(id, usdc, ethers.MaxUint256))
            .to.be.revertedWithCustomError(feeds, "PriceFeedsAnswerNotPositive")
            .withArgs(usdcFeed.target, answer);
        }
      });

      it("an answer outside the feed's sanity bounds", async function () {
        const { escrow, feeds, payer, usdc, usdcFeed, createPriced } = await loadFixture(deployFixture);
        await feeds.setFeed(usdc, EUR, usdcFeed, HOUR, 50_000_000n, 150_000_000n);
        const id = await createPriced();
        await usdcFeed.setAnswer(1_000_000n); // a feed gone wrong: 1 USDC = 0.01 EUR
        await expect(escrow.connect(payer).payPriced(id, usdc, ethers.MaxUint256))
          .to.be.revertedWithCustomError(feeds, "PriceFeedsAnswerOutOfBounds")
          .withArgs(usdcFeed.target, 1_000_000n, 50_000_000n, 150_000_000n);
      });

      it("a conversion the escrow cannot store (above 2^96 - 1)", async function () {
        const { escrow, feeds, payer, setl, setlFeed, createPriced } = await loadFixture(deployFixture);
        await setlFeed.setAnswer(1n); // 1 SETL = 10^-18 EUR
        const id = await createPriced({ price: 10n ** 12n });
        const amount = (await feeds.quote(setl, EUR, 10n ** 12n)).tokenAmount;
        await expect(escrow.connect(payer).payPriced(id, setl, ethers.MaxUint256))
          .to.be.revertedWithCustomError(escrow, "EscrowAmountTooLarge")
          .withArgs(amount, 2n ** 96n - 1n);
      });

      it("any payment before a registry is set", async function () {
        const { escrow, merchant, payer, usdc, due } = await loadFixture(deployFixture);
        const bare = await ethers.deployContract("PaymentEscrow", [merchant, merchant, 100, [], false]);
        await bare.connect(payer).createInvoice(invoiceTerms({ token: usdc.target as string, amount: PRICE, dueDate: due, currency: EUR }));
        expect(await bare.priceFeeds()).to.equal(ethers.ZeroAddress);
        await expect(bare.connect(merchant).payPriced(1n, usdc, ethers.MaxUint256)).to.be.revertedWithCustomError(
          escrow,
          "EscrowNoPriceFeeds",
        );
      });

      it("a payer other than the invoice's, after its due date, once cancelled, and while paused", async function () {
        const { escrow, admin, merchant, payer, stranger, usdc, usdcFeed, createPriced, due } = await loadFixture(deployFixture);
        const id = await createPriced();
        await expect(escrow.connect(stranger).payPriced(id, usdc, ethers.MaxUint256))
          .to.be.revertedWithCustomError(escrow, "EscrowNotPayer")
          .withArgs(id, stranger.address, payer.address);
        await escrow.connect(admin).pause();
        await expect(escrow.connect(payer).payPriced(id, usdc, ethers.MaxUint256)).to.be.revertedWithCustomError(escrow, "EnforcedPause");
        await escrow.connect(admin).unpause();
        const cancelled = await createPriced();
        await escrow.connect(merchant).cancel(cancelled);
        await expect(escrow.connect(payer).payPriced(cancelled, usdc, ethers.MaxUint256))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(cancelled, STATUS.Cancelled);
        await time.increaseTo(due + 1n);
        await usdcFeed.setAnswer(92_000_000n); // a fresh answer: the due date, not the feed, refuses
        await expect(escrow.connect(payer).payPriced(id, usdc, ethers.MaxUint256))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, STATUS.Expired);
      });
    });
  });

  describe("the ordinary payments", function () {
    it("refuse an invoice priced in a currency until payPriced converts it, then take nothing more", async function () {
      const { escrow, payer, usdc, createPriced } = await loadFixture(deployFixture);
      const id = await createPriced({ token: usdc.target as string });
      await expect(escrow.connect(payer).pay(id, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowInvoicePricedInCurrency")
        .withArgs(id, EUR);
      const any = await createPriced();
      await expect(escrow.connect(payer).payNative(any, { value: 1n }))
        .to.be.revertedWithCustomError(escrow, "EscrowInvoicePricedInCurrency")
        .withArgs(any, EUR);
      await expect(escrow.connect(payer).payMany([id], [PRICE])).to.be.revertedWithCustomError(escrow, "EscrowInvoicePricedInCurrency");
      await escrow.connect(payer).payPriced(id, usdc, PRICE_IN_USDC);
      await expect(escrow.connect(payer).pay(id, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
        .withArgs(id, STATUS.Paid);
    });
  });

  describe("after the payment, every action uses the token and amount it fixed", function () {
    it("release and claim, with the fee in that token", async function () {
      const { escrow, merchant, payer, feeRecipient, usdc, createPriced } = await loadFixture(deployFixture);
      const id = await createPriced();
      await escrow.connect(payer).payPriced(id, usdc, PRICE_IN_USDC);
      const part = 5_000_000n;
      await expect(escrow.connect(payer).release(id, part))
        .to.emit(escrow, "InvoiceReleased")
        .withArgs(id, payer.address, merchant.address, usdc.target, part, fee(part), PRICE_IN_USDC - part);
      await time.increase(WINDOW);
      const rest = PRICE_IN_USDC - part;
      await expect(escrow.connect(merchant).claim(id)).to.changeTokenBalance(usdc, merchant, rest - (fee(PRICE_IN_USDC) - fee(part)));
      expect(await escrow.feesAccrued(usdc)).to.equal(fee(PRICE_IN_USDC));
      await expect(escrow.connect(feeRecipient).collectFees(usdc)).to.changeTokenBalance(usdc, feeRecipient, fee(PRICE_IN_USDC));
      expect(await escrow.status(id)).to.equal(STATUS.Released);
    });

    it("refund", async function () {
      const { escrow, merchant, payer, setl, createPriced } = await loadFixture(deployFixture);
      const id = await createPriced();
      const amount = ethers.parseEther("25");
      await escrow.connect(payer).payPriced(id, setl, amount);
      await expect(escrow.connect(merchant).refund(id, amount)).to.changeTokenBalances(setl, [escrow, payer], [-amount, amount]);
      expect(await escrow.status(id)).to.equal(STATUS.Refunded);
    });

    it("dispute and resolve", async function () {
      const { escrow, merchant, payer, arbiter, usdc, createPriced } = await loadFixture(deployFixture);
      const id = await createPriced();
      await escrow.connect(payer).payPriced(id, usdc, PRICE_IN_USDC);
      await escrow.connect(payer).dispute(id);
      const toMerchant = 6_000_000n;
      await expect(escrow.connect(arbiter).resolve(id, toMerchant, PRICE_IN_USDC - toMerchant))
        .to.emit(escrow, "InvoiceResolved")
        .withArgs(
          id,
          arbiter.address,
          merchant.address,
          payer.address,
          usdc.target,
          toMerchant,
          fee(toMerchant),
          PRICE_IN_USDC - toMerchant,
        );
      expect(await escrow.status(id)).to.equal(STATUS.Resolved);
      expect(await escrow.totalOwed(usdc)).to.equal(fee(toMerchant));
    });
  });

  describe("setPriceFeeds", function () {
    it("sets the registry (TOKEN_MANAGER_ROLE) and announces it", async function () {
      const { escrow, admin } = await loadFixture(deployFixture);
      const other = await ethers.deployContract("PriceFeeds", [admin]);
      await expect(escrow.setPriceFeeds(other)).to.emit(escrow, "PriceFeedsSet").withArgs(other.target);
      expect(await escrow.priceFeeds()).to.equal(other.target);
    });

    it("refuses anyone without TOKEN_MANAGER_ROLE", async function () {
      const { escrow, feeds, stranger } = await loadFixture(deployFixture);
      await expect(escrow.connect(stranger).setPriceFeeds(feeds))
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, await escrow.TOKEN_MANAGER_ROLE());
    });

    it("refuses an address without code", async function () {
      const { escrow, stranger } = await loadFixture(deployFixture);
      await expect(escrow.setPriceFeeds(stranger))
        .to.be.revertedWithCustomError(escrow, "EscrowPriceFeedsHasNoCode")
        .withArgs(stranger.address);
    });
  });
});
