import { expect } from "chai";
import { ethers } from "hardhat";
import type { AddressLike, BigNumberish } from "ethers";
import { loadFixture, setBalance, setCode, setStorageAt, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { signPermit } from "../../scripts/lib/permit";
import { SOLIDITY_STATUS_VALUE } from "../../core/invoice/status";
import { DAY, DISPUTE_TIMEOUT, FEE_BPS, WINDOW, fee } from "../helpers/constants";
import { deployEscrow, deployUsdc } from "../helpers/escrow";
import { NO_CURRENCY } from "../../core/invoice/currency";

const REF = ethers.id("invoice INV-0001: 3 hours of consulting");
const usdc = (n: number | string) => ethers.parseUnits(String(n), 6);
const AMOUNT = usdc(1_000);

const Status = SOLIDITY_STATUS_VALUE;

/** createInvoice's terms struct from the fields in their old positional order; the fee cap defaults to the maximum. */
const terms = (
  payer: AddressLike,
  token: AddressLike,
  amount: BigNumberish,
  dueDate: BigNumberish,
  disputeWindow: BigNumberish,
  arbiter: AddressLike,
  referenceHash: string,
  maxFeeBps: BigNumberish = 500,
) => ({ payer, token, amount, dueDate, disputeWindow, arbiter, maxFeeBps, referenceHash, currency: NO_CURRENCY });

describe("PaymentEscrow", function () {
  /** The escrow as deployed (1% fee), a 6-decimal permit token, and funded, approving payers. */
  async function deployFixture() {
    const { escrow, admin, merchant, payer, arbiter, feeRecipient, stranger, merchant2 } = await deployEscrow();
    const token = await deployUsdc(escrow, [payer, stranger, merchant2], usdc(1_000_000));
    const dueDate = BigInt(await time.latest()) + BigInt(30 * DAY);
    /** Creates an invoice from `merchant` (defaults: fixed payer, the token, AMOUNT, arbiter) and returns its id. */
    const create = async (
      options: {
        payer?: string;
        token?: string;
        amount?: bigint;
        due?: bigint;
        window?: number;
        arbiter?: string;
        maxFeeBps?: number;
      } = {},
    ) => {
      await escrow
        .connect(merchant)
        .createInvoice(
          terms(
            options.payer ?? payer.address,
            options.token ?? (await token.getAddress()),
            options.amount ?? AMOUNT,
            options.due ?? dueDate,
            options.window ?? WINDOW,
            options.arbiter ?? arbiter.address,
            REF,
            options.maxFeeBps ?? 500,
          ),
        );
      return escrow.invoiceCount();
    };
    return { escrow, token, admin, merchant, payer, arbiter, feeRecipient, stranger, merchant2, dueDate, create };
  }

  /** Invoice 1 fully paid by its payer: funds held, dispute window open. */
  async function paidFixture() {
    const f = await deployFixture();
    const id = await f.create();
    await f.escrow.connect(f.payer).pay(id, AMOUNT);
    return { ...f, id, paidAt: BigInt(await time.latest()) };
  }

  /** Invoice 1 paid and disputed by its payer. */
  async function disputedFixture() {
    const f = await paidFixture();
    await f.escrow.connect(f.payer).dispute(f.id);
    return { ...f, disputedAt: BigInt(await time.latest()) };
  }

  /** Invoice 1 in native ETH, fully paid. */
  async function paidNativeFixture() {
    const f = await deployFixture();
    const id = await f.create({ token: ethers.ZeroAddress, amount: ethers.parseEther("2") });
    await f.escrow.connect(f.payer).payNative(id, { value: ethers.parseEther("2") });
    return { ...f, id };
  }

  describe("deployment", function () {
    it("grants the admin every role and records the fee settings", async function () {
      const { escrow, admin, feeRecipient } = await loadFixture(deployFixture);
      for (const role of [await escrow.DEFAULT_ADMIN_ROLE(), await escrow.PAUSER_ROLE(), await escrow.FEE_MANAGER_ROLE()]) {
        expect(await escrow.hasRole(role, admin)).to.equal(true);
      }
      expect(await escrow.feeBps()).to.equal(FEE_BPS);
      expect(await escrow.feeRecipient()).to.equal(feeRecipient.address);
      expect(await escrow.invoiceCount()).to.equal(0);
      expect(await escrow.MAX_FEE_BPS()).to.equal(500);
      expect(await escrow.DISPUTE_TIMEOUT()).to.equal(DISPUTE_TIMEOUT);
    });

    it("announces the initial fee settings", async function () {
      const { admin, feeRecipient } = await loadFixture(deployFixture);
      const escrow = await ethers.deployContract("PaymentEscrow", [admin, feeRecipient, 250, [], false]);
      const tx = escrow.deploymentTransaction();
      await expect(tx).to.emit(escrow, "FeeRecipientUpdated").withArgs(ethers.ZeroAddress, feeRecipient.address);
      await expect(tx).to.emit(escrow, "FeeBpsUpdated").withArgs(0, 250);
    });

    it("refuses a zero admin, a zero fee recipient and a fee above the cap", async function () {
      const { admin, feeRecipient } = await loadFixture(deployFixture);
      const factory = await ethers.getContractFactory("PaymentEscrow");
      await expect(factory.deploy(ethers.ZeroAddress, feeRecipient, 100, [], false)).to.be.revertedWithCustomError(
        factory,
        "EscrowZeroAddress",
      );
      await expect(factory.deploy(admin, ethers.ZeroAddress, 100, [], false)).to.be.revertedWithCustomError(
        factory,
        "EscrowZeroFeeRecipient",
      );
      await expect(factory.deploy(admin, feeRecipient, 501, [], false))
        .to.be.revertedWithCustomError(factory, "EscrowFeeTooHigh")
        .withArgs(501, 500);
    });
  });

  describe("createInvoice", function () {
    it("numbers invoices from 1 and stores every field", async function () {
      const { escrow, token, merchant, payer, arbiter, dueDate, create } = await loadFixture(deployFixture);
      expect(await create()).to.equal(1);
      expect(await create()).to.equal(2);
      const invoice = await escrow.getInvoice(1);
      expect(invoice.merchant).to.equal(merchant.address);
      expect(invoice.payer).to.equal(payer.address);
      expect(invoice.token).to.equal(await token.getAddress());
      expect(invoice.arbiter).to.equal(arbiter.address);
      expect(invoice.amount).to.equal(AMOUNT);
      expect([invoice.paid, invoice.released, invoice.refunded]).to.deep.equal([0n, 0n, 0n]);
      expect(invoice.referenceHash).to.equal(REF);
      expect(invoice.dueDate).to.equal(dueDate);
      expect([invoice.paidAt, invoice.disputedAt]).to.deep.equal([0n, 0n]);
      expect(invoice.disputeWindow).to.equal(WINDOW);
      expect(invoice.feeBps).to.equal(FEE_BPS);
      expect(invoice.status).to.equal(Status.Open);
    });

    it("emits InvoiceCreated with every field", async function () {
      const { escrow, token, merchant, payer, arbiter, dueDate } = await loadFixture(deployFixture);
      const tx = escrow.connect(merchant).createInvoice(terms(payer, token, AMOUNT, dueDate, WINDOW, arbiter, REF));
      await expect(tx)
        .to.emit(escrow, "InvoiceCreated")
        .withArgs(1, merchant.address, payer.address, await token.getAddress(), AMOUNT, dueDate, WINDOW, arbiter.address, REF, FEE_BPS);
    });

    it("accepts an open payer, native ETH, no arbiter, no reference and no dispute window", async function () {
      const { escrow, merchant, dueDate } = await loadFixture(deployFixture);
      const zero = ethers.ZeroAddress;
      await escrow.connect(merchant).createInvoice(terms(zero, zero, 1n, dueDate, 0, zero, ethers.ZeroHash));
      const invoice = await escrow.getInvoice(1);
      expect([invoice.payer, invoice.token, invoice.arbiter]).to.deep.equal([zero, zero, zero]);
      expect(invoice.referenceHash).to.equal(ethers.ZeroHash);
      expect(invoice.disputeWindow).to.equal(0);
    });

    it("keeps an arbiter's identity across invoices", async function () {
      const { escrow, arbiter, merchant2, stranger, payer, dueDate, create } = await loadFixture(deployFixture);
      await create();
      await escrow.connect(merchant2).createInvoice(terms(payer, ethers.ZeroAddress, 1n, dueDate, 0, stranger, REF));
      await create();
      expect((await escrow.getInvoice(1)).arbiter).to.equal(arbiter.address);
      expect((await escrow.getInvoice(2)).arbiter).to.equal(stranger.address);
      expect((await escrow.getInvoice(3)).arbiter).to.equal(arbiter.address);
    });

    it("accepts the largest amount and the longest window", async function () {
      const { escrow, create } = await loadFixture(deployFixture);
      const max = 2n ** 96n - 1n;
      const id = await create({ amount: max, window: 90 * DAY });
      expect((await escrow.getInvoice(id)).amount).to.equal(max);
    });

    describe("refuses", function () {
      it("a zero amount", async function () {
        const { escrow, create } = await loadFixture(deployFixture);
        await expect(create({ amount: 0n })).to.be.revertedWithCustomError(escrow, "EscrowZeroAmount");
      });

      it("an amount above uint96", async function () {
        const { escrow, create } = await loadFixture(deployFixture);
        await expect(create({ amount: 2n ** 96n }))
          .to.be.revertedWithCustomError(escrow, "EscrowAmountTooLarge")
          .withArgs(2n ** 96n, 2n ** 96n - 1n);
      });

      it("a due date that is not in the future", async function () {
        const { escrow, create } = await loadFixture(deployFixture);
        const next = BigInt(await time.latest()) + 1n;
        await time.setNextBlockTimestamp(next);
        await expect(create({ due: next }))
          .to.be.revertedWithCustomError(escrow, "EscrowDueDateInPast")
          .withArgs(next, next);
      });

      it("a due date beyond uint40", async function () {
        const { escrow, create } = await loadFixture(deployFixture);
        await expect(create({ due: 2n ** 40n }))
          .to.be.revertedWithCustomError(escrow, "SafeCastOverflowedUintDowncast")
          .withArgs(40, 2n ** 40n);
      });

      it("a dispute window longer than 90 days", async function () {
        const { escrow, create } = await loadFixture(deployFixture);
        await expect(create({ window: 90 * DAY + 1 }))
          .to.be.revertedWithCustomError(escrow, "EscrowDisputeWindowTooLong")
          .withArgs(90 * DAY + 1, 90 * DAY);
      });

      it("the merchant as payer", async function () {
        const { escrow, merchant, create } = await loadFixture(deployFixture);
        await expect(create({ payer: merchant.address }))
          .to.be.revertedWithCustomError(escrow, "EscrowPayerIsMerchant")
          .withArgs(merchant.address);
      });

      it("the merchant as arbiter", async function () {
        const { escrow, merchant, create } = await loadFixture(deployFixture);
        await expect(create({ arbiter: merchant.address }))
          .to.be.revertedWithCustomError(escrow, "EscrowArbiterIsMerchant")
          .withArgs(merchant.address);
      });

      it("the payer as arbiter", async function () {
        const { escrow, payer, create } = await loadFixture(deployFixture);
        await expect(create({ arbiter: payer.address }))
          .to.be.revertedWithCustomError(escrow, "EscrowArbiterIsPayer")
          .withArgs(payer.address);
      });

      it("new invoices while paused", async function () {
        const { escrow, admin, create } = await loadFixture(deployFixture);
        await escrow.connect(admin).pause();
        await expect(create()).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      });
    });
  });

  describe("pay", function () {
    it("takes partial payments that add up to the amount", async function () {
      const { escrow, token, payer, create } = await loadFixture(deployFixture);
      const id = await create();
      const tx = await escrow.connect(payer).pay(id, usdc(300));
      await expect(tx).to.changeTokenBalances(token, [payer, escrow], [-usdc(300), usdc(300)]);
      await expect(tx)
        .to.emit(escrow, "InvoicePaid")
        .withArgs(id, payer.address, await token.getAddress(), usdc(300), usdc(300));
      expect(await escrow.status(id)).to.equal(Status.PartiallyPaid);
      expect(await escrow.amountDue(id)).to.equal(usdc(700));

      await expect(escrow.connect(payer).pay(id, usdc(700)))
        .to.emit(escrow, "InvoicePaid")
        .withArgs(id, payer.address, await token.getAddress(), usdc(700), AMOUNT);
      const invoice = await escrow.getInvoice(id);
      expect(invoice.status).to.equal(Status.Paid);
      expect(invoice.paid).to.equal(AMOUNT);
      expect(invoice.paidAt).to.equal(await time.latest());
      expect(await escrow.amountDue(id)).to.equal(0);
      expect(await escrow.amountHeld(id)).to.equal(AMOUNT);
    });

    it("binds an open invoice to whoever pays it in full", async function () {
      const { escrow, payer, stranger, create } = await loadFixture(deployFixture);
      const id = await create({ payer: ethers.ZeroAddress });
      await escrow.connect(stranger).pay(id, AMOUNT);
      expect((await escrow.getInvoice(id)).payer).to.equal(stranger.address);
      expect(await escrow.status(id)).to.equal(Status.Paid);
      await expect(escrow.connect(payer).pay(id, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
        .withArgs(id, Status.Paid);
    });

    // Issue 11.1: an open invoice could be taken over by a stranger paying 1 wei ahead of the customer.
    it("open invoice takeover: a stranger cannot bind an open invoice with a part payment", async function () {
      const { escrow, token, payer, stranger, create } = await loadFixture(deployFixture);
      const id = await create({ payer: ethers.ZeroAddress });
      await expect(escrow.connect(stranger).pay(id, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowOpenInvoiceNeedsFullPayment")
        .withArgs(id, 1n, AMOUNT);
      expect((await escrow.getInvoice(id)).payer).to.equal(ethers.ZeroAddress);
      await expect(escrow.connect(payer).pay(id, AMOUNT)).to.changeTokenBalances(token, [payer, escrow], [-AMOUNT, AMOUNT]);
      expect((await escrow.getInvoice(id)).payer).to.equal(payer.address);
    });

    describe("refuses", function () {
      it("an invoice that does not exist", async function () {
        const { escrow, payer } = await loadFixture(deployFixture);
        await expect(escrow.connect(payer).pay(7, 1n)).to.be.revertedWithCustomError(escrow, "EscrowInvoiceNotFound").withArgs(7);
      });

      it("anyone but the fixed payer", async function () {
        const { escrow, payer, stranger, create } = await loadFixture(deployFixture);
        const id = await create();
        await expect(escrow.connect(stranger).pay(id, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowNotPayer")
          .withArgs(id, stranger.address, payer.address);
      });

      it("the merchant or the arbiter as first payer of an open invoice", async function () {
        const { escrow, token, merchant, arbiter, create } = await loadFixture(deployFixture);
        const id = await create({ payer: ethers.ZeroAddress });
        for (const who of [merchant, arbiter]) {
          await token.mint(who, AMOUNT);
          await token.connect(who).approve(escrow, AMOUNT);
        }
        await expect(escrow.connect(merchant).pay(id, AMOUNT))
          .to.be.revertedWithCustomError(escrow, "EscrowPayerIsMerchant")
          .withArgs(merchant.address);
        await expect(escrow.connect(arbiter).pay(id, AMOUNT))
          .to.be.revertedWithCustomError(escrow, "EscrowArbiterIsPayer")
          .withArgs(arbiter.address);
      });

      it("a zero amount", async function () {
        const { escrow, payer, create } = await loadFixture(deployFixture);
        const id = await create();
        await expect(escrow.connect(payer).pay(id, 0)).to.be.revertedWithCustomError(escrow, "EscrowZeroAmount");
      });

      it("more than is due", async function () {
        const { escrow, payer, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(payer).pay(id, usdc(400));
        await expect(escrow.connect(payer).pay(id, usdc(601)))
          .to.be.revertedWithCustomError(escrow, "EscrowOverpayment")
          .withArgs(id, usdc(601), usdc(600));
      });

      it("a native ETH invoice", async function () {
        const { escrow, payer, create } = await loadFixture(deployFixture);
        const id = await create({ token: ethers.ZeroAddress });
        await expect(escrow.connect(payer).pay(id, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowWrongPaymentKind")
          .withArgs(id, ethers.ZeroAddress);
      });

      it("money after the due date", async function () {
        const { escrow, payer, dueDate, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(payer).pay(id, usdc(1));
        await time.increaseTo(dueDate);
        await expect(escrow.connect(payer).pay(id, usdc(1)))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Expired);
      });

      it("a fully paid invoice", async function () {
        const { escrow, payer, id } = await loadFixture(paidFixture);
        await expect(escrow.connect(payer).pay(id, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Paid);
      });

      it("a cancelled invoice", async function () {
        const { escrow, merchant, payer, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(merchant).cancel(id);
        await expect(escrow.connect(payer).pay(id, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Cancelled);
      });

      it("payments while paused", async function () {
        const { escrow, admin, payer, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(admin).pause();
        await expect(escrow.connect(payer).pay(id, 1n)).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      });
    });
  });

  describe("payWithPermit", function () {
    it("pays with one signature instead of an approval", async function () {
      const { escrow, token, stranger, create } = await loadFixture(deployFixture);
      const id = await create({ payer: stranger.address });
      await token.connect(stranger).approve(escrow, 0);
      const permit = await signPermit(token, stranger, await escrow.getAddress(), AMOUNT, BigInt(await time.latest()) + 3600n);
      const tx = await escrow.connect(stranger).payWithPermit(id, AMOUNT, permit.deadline, permit.v, permit.r, permit.s);
      await expect(tx).to.changeTokenBalances(token, [stranger, escrow], [-AMOUNT, AMOUNT]);
      expect(await escrow.status(id)).to.equal(Status.Paid);
    });

    it("still pays when someone else submitted the permit first", async function () {
      const { escrow, token, stranger, payer, create } = await loadFixture(deployFixture);
      const id = await create({ payer: stranger.address });
      await token.connect(stranger).approve(escrow, 0);
      const permit = await signPermit(token, stranger, await escrow.getAddress(), AMOUNT, BigInt(await time.latest()) + 3600n);
      await token.connect(payer).permit(stranger, escrow, AMOUNT, permit.deadline, permit.v, permit.r, permit.s);
      await escrow.connect(stranger).payWithPermit(id, AMOUNT, permit.deadline, permit.v, permit.r, permit.s);
      expect(await escrow.status(id)).to.equal(Status.Paid);
    });

    it("fails on the allowance when the permit is invalid and nothing was approved", async function () {
      const { escrow, token, stranger, create } = await loadFixture(deployFixture);
      const id = await create({ payer: stranger.address });
      await token.connect(stranger).approve(escrow, 0);
      const permit = await signPermit(token, stranger, await escrow.getAddress(), 1n, BigInt(await time.latest()) + 3600n);
      await expect(escrow.connect(stranger).payWithPermit(id, AMOUNT, permit.deadline, permit.v, permit.r, permit.s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await escrow.getAddress(), 0, AMOUNT);
    });

    it("refuses a native ETH invoice", async function () {
      const { escrow, payer, create } = await loadFixture(deployFixture);
      const id = await create({ token: ethers.ZeroAddress });
      await expect(escrow.connect(payer).payWithPermit(id, 1n, 0, 27, ethers.ZeroHash, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "EscrowWrongPaymentKind")
        .withArgs(id, ethers.ZeroAddress);
    });

    it("refuses payments while paused", async function () {
      const { escrow, admin, payer, create } = await loadFixture(deployFixture);
      const id = await create();
      await escrow.connect(admin).pause();
      await expect(escrow.connect(payer).payWithPermit(id, 1n, 0, 27, ethers.ZeroHash, ethers.ZeroHash)).to.be.revertedWithCustomError(
        escrow,
        "EnforcedPause",
      );
    });
  });

  describe("payNative", function () {
    it("takes ETH in parts up to the amount", async function () {
      const { escrow, payer, create } = await loadFixture(deployFixture);
      const id = await create({ token: ethers.ZeroAddress, amount: ethers.parseEther("1") });
      const tx = await escrow.connect(payer).payNative(id, { value: ethers.parseEther("0.4") });
      await expect(tx).to.changeEtherBalances([payer, escrow], [-ethers.parseEther("0.4"), ethers.parseEther("0.4")]);
      await expect(tx)
        .to.emit(escrow, "InvoicePaid")
        .withArgs(id, payer.address, ethers.ZeroAddress, ethers.parseEther("0.4"), ethers.parseEther("0.4"));
      await escrow.connect(payer).payNative(id, { value: ethers.parseEther("0.6") });
      expect(await escrow.status(id)).to.equal(Status.Paid);
    });

    it("refuses an ERC-20 invoice", async function () {
      const { escrow, token, payer, create } = await loadFixture(deployFixture);
      const id = await create();
      await expect(escrow.connect(payer).payNative(id, { value: 1n }))
        .to.be.revertedWithCustomError(escrow, "EscrowWrongPaymentKind")
        .withArgs(id, await token.getAddress());
    });

    it("refuses zero and more than is due", async function () {
      const { escrow, payer, create } = await loadFixture(deployFixture);
      const id = await create({ token: ethers.ZeroAddress, amount: 10n });
      await expect(escrow.connect(payer).payNative(id)).to.be.revertedWithCustomError(escrow, "EscrowZeroAmount");
      await expect(escrow.connect(payer).payNative(id, { value: 11n }))
        .to.be.revertedWithCustomError(escrow, "EscrowOverpayment")
        .withArgs(id, 11n, 10n);
    });

    it("refuses payments while paused", async function () {
      const { escrow, admin, payer, create } = await loadFixture(deployFixture);
      const id = await create({ token: ethers.ZeroAddress });
      await escrow.connect(admin).pause();
      await expect(escrow.connect(payer).payNative(id, { value: 1n })).to.be.revertedWithCustomError(escrow, "EnforcedPause");
    });
  });

  describe("release", function () {
    it("pays the merchant in milestones and credits the fee", async function () {
      const { escrow, token, payer, merchant, id } = await loadFixture(paidFixture);
      const part = usdc(250);
      const tx = await escrow.connect(payer).release(id, part);
      await expect(tx).to.changeTokenBalances(token, [escrow, merchant], [-(part - fee(part)), part - fee(part)]);
      await expect(tx)
        .to.emit(escrow, "InvoiceReleased")
        .withArgs(id, payer.address, merchant.address, await token.getAddress(), part, fee(part), AMOUNT - part);
      expect(await escrow.feesAccrued(token)).to.equal(fee(part));
      expect(await escrow.status(id)).to.equal(Status.Paid);

      await escrow.connect(payer).release(id, AMOUNT - part);
      const invoice = await escrow.getInvoice(id);
      expect(invoice.released).to.equal(AMOUNT);
      expect(invoice.status).to.equal(Status.Released);
      expect(await escrow.feesAccrued(token)).to.equal(fee(part) + fee(AMOUNT - part));
      expect(await token.balanceOf(escrow)).to.equal(fee(part) + fee(AMOUNT - part));
    });

    it("releases what a partly paid invoice holds", async function () {
      const { escrow, payer, create } = await loadFixture(deployFixture);
      const id = await create();
      await escrow.connect(payer).pay(id, usdc(100));
      await escrow.connect(payer).release(id, usdc(100));
      expect(await escrow.status(id)).to.equal(Status.PartiallyPaid);
      expect(await escrow.amountDue(id)).to.equal(usdc(900));
    });

    it("pays ETH to the merchant", async function () {
      const { escrow, payer, merchant, id } = await loadFixture(paidNativeFixture);
      const gross = ethers.parseEther("2");
      await expect(escrow.connect(payer).release(id, gross)).to.changeEtherBalances(
        [escrow, merchant],
        [-(gross - fee(gross)), gross - fee(gross)],
      );
    });

    it("takes no fee when the invoice was created at a zero rate", async function () {
      const { escrow, token, admin, payer, merchant, create } = await loadFixture(deployFixture);
      await escrow.connect(admin).setFeeBps(0);
      const id = await create();
      await escrow.connect(payer).pay(id, AMOUNT);
      await expect(escrow.connect(payer).release(id, AMOUNT)).to.changeTokenBalance(token, merchant, AMOUNT);
      expect(await escrow.feesAccrued(token)).to.equal(0);
    });

    it("works while paused", async function () {
      const { escrow, admin, payer, id } = await loadFixture(paidFixture);
      await escrow.connect(admin).pause();
      await escrow.connect(payer).release(id, AMOUNT);
      expect(await escrow.status(id)).to.equal(Status.Released);
    });

    describe("refuses", function () {
      it("anyone but the payer", async function () {
        const { escrow, merchant, payer, id } = await loadFixture(paidFixture);
        await expect(escrow.connect(merchant).release(id, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowNotPayer")
          .withArgs(id, merchant.address, payer.address);
      });

      it("a zero amount", async function () {
        const { escrow, payer, id } = await loadFixture(paidFixture);
        await expect(escrow.connect(payer).release(id, 0)).to.be.revertedWithCustomError(escrow, "EscrowZeroAmount");
      });

      it("more than is held", async function () {
        const { escrow, payer, id } = await loadFixture(paidFixture);
        await escrow.connect(payer).release(id, usdc(10));
        await expect(escrow.connect(payer).release(id, AMOUNT))
          .to.be.revertedWithCustomError(escrow, "EscrowAmountExceedsHeld")
          .withArgs(id, AMOUNT, AMOUNT - usdc(10));
      });

      it("an invoice with nothing held", async function () {
        const { escrow, payer, create } = await loadFixture(deployFixture);
        const id = await create();
        await expect(escrow.connect(payer).release(id, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Open);
      });

      it("an expired invoice", async function () {
        const { escrow, payer, dueDate, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(payer).pay(id, usdc(1));
        await time.increaseTo(dueDate + 1n);
        await expect(escrow.connect(payer).release(id, usdc(1)))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Expired);
      });

      it("a disputed invoice", async function () {
        const { escrow, payer, id } = await loadFixture(disputedFixture);
        await expect(escrow.connect(payer).release(id, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Disputed);
      });

      it("an invoice that does not exist", async function () {
        const { escrow, payer } = await loadFixture(deployFixture);
        await expect(escrow.connect(payer).release(3, 1n)).to.be.revertedWithCustomError(escrow, "EscrowInvoiceNotFound").withArgs(3);
      });
    });
  });

  describe("claim", function () {
    it("pays the merchant everything held, less the fee, once the window has passed", async function () {
      const { escrow, token, merchant, payer, id, paidAt } = await loadFixture(paidFixture);
      await escrow.connect(payer).release(id, usdc(100));
      await time.increaseTo(paidAt + BigInt(WINDOW));
      const held = AMOUNT - usdc(100);
      const tx = await escrow.connect(merchant).claim(id);
      await expect(tx).to.changeTokenBalances(token, [escrow, merchant], [-(held - fee(held)), held - fee(held)]);
      await expect(tx)
        .to.emit(escrow, "InvoiceClaimed")
        .withArgs(id, merchant.address, payer.address, await token.getAddress(), held, fee(held));
      expect(await escrow.status(id)).to.equal(Status.Released);
      expect(await escrow.feesAccrued(token)).to.equal(fee(usdc(100)) + fee(held));
    });

    it("works at once when the invoice has no dispute window, and while paused", async function () {
      const { escrow, admin, merchant, payer, create } = await loadFixture(deployFixture);
      const id = await create({ window: 0 });
      await escrow.connect(payer).pay(id, AMOUNT);
      await escrow.connect(admin).pause();
      await escrow.connect(merchant).claim(id);
      expect(await escrow.status(id)).to.equal(Status.Released);
    });

    describe("refuses", function () {
      it("while the dispute window is open", async function () {
        const { escrow, merchant, id, paidAt } = await loadFixture(paidFixture);
        await time.setNextBlockTimestamp(paidAt + BigInt(WINDOW) - 1n);
        await expect(escrow.connect(merchant).claim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowDisputeWindowOpen")
          .withArgs(id, paidAt + BigInt(WINDOW));
      });

      it("anyone but the merchant", async function () {
        const { escrow, merchant, payer, id } = await loadFixture(paidFixture);
        await expect(escrow.connect(payer).claim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowNotMerchant")
          .withArgs(id, payer.address, merchant.address);
      });

      it("an invoice not fully paid", async function () {
        const { escrow, merchant, payer, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(payer).pay(id, 1n);
        await expect(escrow.connect(merchant).claim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.PartiallyPaid);
      });

      it("an invoice already released", async function () {
        const { escrow, merchant, payer, id } = await loadFixture(paidFixture);
        await escrow.connect(payer).release(id, AMOUNT);
        await expect(escrow.connect(merchant).claim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Released);
      });

      it("a disputed invoice", async function () {
        const { escrow, merchant, id } = await loadFixture(disputedFixture);
        await time.increase(WINDOW);
        await expect(escrow.connect(merchant).claim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Disputed);
      });
    });
  });

  describe("refund", function () {
    it("returns part of a paid invoice to the payer without a fee", async function () {
      const { escrow, token, merchant, payer, id } = await loadFixture(paidFixture);
      const tx = await escrow.connect(merchant).refund(id, usdc(200));
      await expect(tx).to.changeTokenBalances(token, [escrow, payer], [-usdc(200), usdc(200)]);
      await expect(tx)
        .to.emit(escrow, "InvoiceRefunded")
        .withArgs(id, merchant.address, payer.address, await token.getAddress(), usdc(200), AMOUNT - usdc(200));
      expect(await escrow.feesAccrued(token)).to.equal(0);
      expect(await escrow.status(id)).to.equal(Status.Paid);
    });

    it("ends a paid invoice as Refunded when everything goes back", async function () {
      const { escrow, merchant, id } = await loadFixture(paidFixture);
      await escrow.connect(merchant).refund(id, AMOUNT);
      expect(await escrow.status(id)).to.equal(Status.Refunded);
    });

    it("ends a paid invoice as Released when part went to the merchant", async function () {
      const { escrow, merchant, payer, id } = await loadFixture(paidFixture);
      await escrow.connect(payer).release(id, usdc(1));
      await escrow.connect(merchant).refund(id, AMOUNT - usdc(1));
      expect(await escrow.status(id)).to.equal(Status.Released);
    });

    it("closes a partly paid invoice when everything held goes back", async function () {
      const { escrow, merchant, payer, create } = await loadFixture(deployFixture);
      const id = await create();
      await escrow.connect(payer).pay(id, usdc(300));
      await escrow.connect(merchant).refund(id, usdc(100));
      expect(await escrow.status(id)).to.equal(Status.PartiallyPaid);
      await escrow.connect(merchant).refund(id, usdc(200));
      expect(await escrow.status(id)).to.equal(Status.Refunded);
      await expect(escrow.connect(payer).pay(id, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
        .withArgs(id, Status.Refunded);
    });

    it("works on an expired invoice and while paused", async function () {
      const { escrow, admin, merchant, payer, dueDate, create } = await loadFixture(deployFixture);
      const id = await create();
      await escrow.connect(payer).pay(id, usdc(300));
      await time.increaseTo(dueDate + 1n);
      await escrow.connect(admin).pause();
      await escrow.connect(merchant).refund(id, usdc(100));
      expect(await escrow.status(id)).to.equal(Status.Expired);
    });

    describe("refuses", function () {
      it("anyone but the merchant", async function () {
        const { escrow, merchant, payer, id } = await loadFixture(paidFixture);
        await expect(escrow.connect(payer).refund(id, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowNotMerchant")
          .withArgs(id, payer.address, merchant.address);
      });

      it("a zero amount and more than is held", async function () {
        const { escrow, merchant, id } = await loadFixture(paidFixture);
        await expect(escrow.connect(merchant).refund(id, 0)).to.be.revertedWithCustomError(escrow, "EscrowZeroAmount");
        await expect(escrow.connect(merchant).refund(id, AMOUNT + 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowAmountExceedsHeld")
          .withArgs(id, AMOUNT + 1n, AMOUNT);
      });

      it("a disputed invoice", async function () {
        const { escrow, merchant, id } = await loadFixture(disputedFixture);
        await expect(escrow.connect(merchant).refund(id, 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Disputed);
      });
    });
  });

  describe("reclaim", function () {
    describe("after the due date", function () {
      it("gives the payer back what an expired invoice holds", async function () {
        const { escrow, token, merchant, payer, dueDate, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(payer).pay(id, usdc(300));
        await escrow.connect(payer).release(id, usdc(100));
        await time.increaseTo(dueDate + 1n);
        const tx = await escrow.connect(payer).reclaim(id);
        await expect(tx).to.changeTokenBalances(token, [escrow, payer], [-usdc(200), usdc(200)]);
        await expect(tx)
          .to.emit(escrow, "InvoiceReclaimed")
          .withArgs(id, payer.address, merchant.address, await token.getAddress(), usdc(200), false);
        const invoice = await escrow.getInvoice(id);
        expect(invoice.refunded).to.equal(usdc(200));
        expect(invoice.status).to.equal(Status.Refunded);
      });

      it("refuses before the due date", async function () {
        const { escrow, payer, dueDate, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(payer).pay(id, usdc(300));
        await time.setNextBlockTimestamp(dueDate);
        await expect(escrow.connect(payer).reclaim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.PartiallyPaid);
      });

      it("refuses a fully paid invoice", async function () {
        const { escrow, payer, dueDate, id } = await loadFixture(paidFixture);
        await time.increaseTo(dueDate + 1n);
        await expect(escrow.connect(payer).reclaim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Paid);
      });

      it("refuses when nothing is held", async function () {
        const { escrow, payer, dueDate, create } = await loadFixture(deployFixture);
        const id = await create();
        await time.increaseTo(dueDate + 1n);
        await expect(escrow.connect(payer).reclaim(id)).to.be.revertedWithCustomError(escrow, "EscrowNothingToReclaim").withArgs(id);
      });

      it("refuses anyone but the payer", async function () {
        const { escrow, payer, stranger, dueDate, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(payer).pay(id, usdc(300));
        await time.increaseTo(dueDate + 1n);
        await expect(escrow.connect(stranger).reclaim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowNotPayer")
          .withArgs(id, stranger.address, payer.address);
      });

      it("refuses a cancelled invoice", async function () {
        const { escrow, merchant, payer, dueDate, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(merchant).cancel(id);
        await time.increaseTo(dueDate + 1n);
        await expect(escrow.connect(payer).reclaim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Cancelled);
      });
    });

    describe("after an unanswered dispute", function () {
      it("gives the payer everything back once the timeout has passed", async function () {
        const { escrow, token, merchant, payer, id, disputedAt } = await loadFixture(disputedFixture);
        await time.increaseTo(disputedAt + BigInt(DISPUTE_TIMEOUT));
        const tx = await escrow.connect(payer).reclaim(id);
        await expect(tx).to.changeTokenBalances(token, [escrow, payer], [-AMOUNT, AMOUNT]);
        await expect(tx)
          .to.emit(escrow, "InvoiceReclaimed")
          .withArgs(id, payer.address, merchant.address, await token.getAddress(), AMOUNT, true);
        expect(await escrow.status(id)).to.equal(Status.Refunded);
      });

      it("refuses before the timeout", async function () {
        const { escrow, payer, id, disputedAt } = await loadFixture(disputedFixture);
        const timeoutAt = disputedAt + BigInt(DISPUTE_TIMEOUT);
        await time.setNextBlockTimestamp(timeoutAt - 1n);
        await expect(escrow.connect(payer).reclaim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowDisputeNotTimedOut")
          .withArgs(id, timeoutAt);
      });

      it("refuses anyone but the payer", async function () {
        const { escrow, payer, merchant, id } = await loadFixture(disputedFixture);
        await time.increase(DISPUTE_TIMEOUT);
        await expect(escrow.connect(merchant).reclaim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowNotPayer")
          .withArgs(id, merchant.address, payer.address);
      });
    });

    it("refuses an invoice that does not exist", async function () {
      const { escrow, payer } = await loadFixture(deployFixture);
      await expect(escrow.connect(payer).reclaim(9)).to.be.revertedWithCustomError(escrow, "EscrowInvoiceNotFound").withArgs(9);
    });
  });

  describe("cancel", function () {
    it("cancels an invoice nothing was paid into", async function () {
      const { escrow, merchant, create } = await loadFixture(deployFixture);
      const id = await create();
      await expect(escrow.connect(merchant).cancel(id)).to.emit(escrow, "InvoiceCancelled").withArgs(id, merchant.address);
      expect(await escrow.status(id)).to.equal(Status.Cancelled);
      expect(await escrow.amountDue(id)).to.equal(0);
    });

    it("cancels an unpaid invoice after its due date", async function () {
      const { escrow, merchant, dueDate, create } = await loadFixture(deployFixture);
      const id = await create();
      await time.increaseTo(dueDate + 1n);
      await escrow.connect(merchant).cancel(id);
      expect(await escrow.status(id)).to.equal(Status.Cancelled);
    });

    it("refuses anyone but the merchant", async function () {
      const { escrow, merchant, payer, create } = await loadFixture(deployFixture);
      const id = await create();
      await expect(escrow.connect(payer).cancel(id))
        .to.be.revertedWithCustomError(escrow, "EscrowNotMerchant")
        .withArgs(id, payer.address, merchant.address);
    });

    it("refuses once something was paid", async function () {
      const { escrow, merchant, payer, create } = await loadFixture(deployFixture);
      const id = await create();
      await escrow.connect(payer).pay(id, 1n);
      await expect(escrow.connect(merchant).cancel(id))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
        .withArgs(id, Status.PartiallyPaid);
    });

    it("refuses a cancelled invoice", async function () {
      const { escrow, merchant, create } = await loadFixture(deployFixture);
      const id = await create();
      await escrow.connect(merchant).cancel(id);
      await expect(escrow.connect(merchant).cancel(id))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
        .withArgs(id, Status.Cancelled);
    });
  });

  describe("dispute", function () {
    it("freezes the funds and names the timeout", async function () {
      const { escrow, merchant, payer, arbiter, id } = await loadFixture(paidFixture);
      const at = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(at);
      await expect(escrow.connect(payer).dispute(id))
        .to.emit(escrow, "InvoiceDisputed")
        .withArgs(id, payer.address, merchant.address, arbiter.address, AMOUNT, at + BigInt(DISPUTE_TIMEOUT));
      const invoice = await escrow.getInvoice(id);
      expect(invoice.status).to.equal(Status.Disputed);
      expect(invoice.disputedAt).to.equal(at);
      expect(await escrow.amountHeld(id)).to.equal(AMOUNT);
    });

    it("accepts a dispute in the last second of the window", async function () {
      const { escrow, payer, id, paidAt } = await loadFixture(paidFixture);
      await time.setNextBlockTimestamp(paidAt + BigInt(WINDOW) - 1n);
      await escrow.connect(payer).dispute(id);
      expect(await escrow.status(id)).to.equal(Status.Disputed);
    });

    describe("refuses", function () {
      it("once the window has closed", async function () {
        const { escrow, payer, id, paidAt } = await loadFixture(paidFixture);
        await time.setNextBlockTimestamp(paidAt + BigInt(WINDOW));
        await expect(escrow.connect(payer).dispute(id))
          .to.be.revertedWithCustomError(escrow, "EscrowDisputeWindowClosed")
          .withArgs(id, paidAt + BigInt(WINDOW));
      });

      it("an invoice without arbiter", async function () {
        const { escrow, payer, create } = await loadFixture(deployFixture);
        const id = await create({ arbiter: ethers.ZeroAddress });
        await escrow.connect(payer).pay(id, AMOUNT);
        await expect(escrow.connect(payer).dispute(id)).to.be.revertedWithCustomError(escrow, "EscrowNoArbiter").withArgs(id);
      });

      it("anyone but the payer", async function () {
        const { escrow, merchant, payer, id } = await loadFixture(paidFixture);
        await expect(escrow.connect(merchant).dispute(id))
          .to.be.revertedWithCustomError(escrow, "EscrowNotPayer")
          .withArgs(id, merchant.address, payer.address);
      });

      it("an invoice not fully paid", async function () {
        const { escrow, payer, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(payer).pay(id, 1n);
        await expect(escrow.connect(payer).dispute(id))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.PartiallyPaid);
      });

      it("an invoice already disputed", async function () {
        const { escrow, payer, id } = await loadFixture(disputedFixture);
        await expect(escrow.connect(payer).dispute(id))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Disputed);
      });
    });
  });

  describe("resolve", function () {
    it("splits what is held, with the fee on the merchant's part only", async function () {
      const { escrow, token, merchant, payer, arbiter, id } = await loadFixture(disputedFixture);
      const toMerchant = usdc(600);
      const toPayer = usdc(400);
      const tx = await escrow.connect(arbiter).resolve(id, toMerchant, toPayer);
      await expect(tx).to.changeTokenBalances(
        token,
        [escrow, merchant, payer],
        [-(AMOUNT - fee(toMerchant)), toMerchant - fee(toMerchant), toPayer],
      );
      await expect(tx)
        .to.emit(escrow, "InvoiceResolved")
        .withArgs(id, arbiter.address, merchant.address, payer.address, await token.getAddress(), toMerchant, fee(toMerchant), toPayer);
      expect(await escrow.feesAccrued(token)).to.equal(fee(toMerchant));
      const invoice = await escrow.getInvoice(id);
      expect([invoice.released, invoice.refunded, invoice.status]).to.deep.equal([toMerchant, toPayer, BigInt(Status.Resolved)]);
    });

    it("may give everything to one side", async function () {
      const { escrow, token, payer, arbiter, id } = await loadFixture(disputedFixture);
      await expect(escrow.connect(arbiter).resolve(id, 0, AMOUNT)).to.changeTokenBalance(token, payer, AMOUNT);
    });

    it("refuses anyone but the arbiter", async function () {
      const { escrow, payer, arbiter, id } = await loadFixture(disputedFixture);
      await expect(escrow.connect(payer).resolve(id, 0, AMOUNT))
        .to.be.revertedWithCustomError(escrow, "EscrowNotArbiter")
        .withArgs(id, payer.address, arbiter.address);
    });

    it("refuses a split that does not add up to what is held", async function () {
      const { escrow, arbiter, id } = await loadFixture(disputedFixture);
      await expect(escrow.connect(arbiter).resolve(id, usdc(600), usdc(399)))
        .to.be.revertedWithCustomError(escrow, "EscrowSplitMismatch")
        .withArgs(id, usdc(600), usdc(399), AMOUNT);
      await expect(escrow.connect(arbiter).resolve(id, AMOUNT + 1n, 0))
        .to.be.revertedWithCustomError(escrow, "EscrowSplitMismatch")
        .withArgs(id, AMOUNT + 1n, 0, AMOUNT);
      await expect(escrow.connect(arbiter).resolve(id, ethers.MaxUint256, 1n))
        .to.be.revertedWithCustomError(escrow, "EscrowSplitMismatch")
        .withArgs(id, ethers.MaxUint256, 1n, AMOUNT);
    });

    it("refuses an invoice that is not disputed", async function () {
      const { escrow, arbiter, id } = await loadFixture(paidFixture);
      await expect(escrow.connect(arbiter).resolve(id, AMOUNT, 0))
        .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
        .withArgs(id, Status.Paid);
    });
  });

  describe("settlement", function () {
    it("ends the dispute when the payer accepts the merchant's proposal", async function () {
      const { escrow, token, merchant, payer, id } = await loadFixture(disputedFixture);
      await expect(escrow.connect(merchant).proposeSettlement(id, usdc(700)))
        .to.emit(escrow, "SettlementProposed")
        .withArgs(id, merchant.address, usdc(700), usdc(300));
      expect(await escrow.settlementOf(id)).to.deep.equal([merchant.address, usdc(700)]);
      const tx = await escrow.connect(payer).acceptSettlement(id, usdc(700));
      await expect(tx).to.changeTokenBalances(token, [merchant, payer], [usdc(700) - fee(usdc(700)), usdc(300)]);
      await expect(tx)
        .to.emit(escrow, "InvoiceSettled")
        .withArgs(
          id,
          merchant.address,
          payer.address,
          merchant.address,
          payer.address,
          await token.getAddress(),
          usdc(700),
          fee(usdc(700)),
          usdc(300),
        );
      expect(await escrow.status(id)).to.equal(Status.Resolved);
      expect(await escrow.feesAccrued(token)).to.equal(fee(usdc(700)));
    });

    it("ends the dispute when the merchant accepts the payer's proposal, even while paused", async function () {
      const { escrow, admin, merchant, payer, id } = await loadFixture(disputedFixture);
      await escrow.connect(payer).proposeSettlement(id, 0);
      expect(await escrow.settlementOf(id)).to.deep.equal([payer.address, 0n]);
      await escrow.connect(admin).pause();
      await expect(escrow.connect(merchant).acceptSettlement(id, 0))
        .to.emit(escrow, "InvoiceSettled")
        .withArgs(id, payer.address, merchant.address, merchant.address, payer.address, anyValue, 0, 0, AMOUNT);
    });

    it("replaces a proposal with a counter-proposal", async function () {
      const { escrow, merchant, payer, id } = await loadFixture(disputedFixture);
      await escrow.connect(merchant).proposeSettlement(id, usdc(900));
      await escrow.connect(payer).proposeSettlement(id, usdc(500));
      await expect(escrow.connect(payer).acceptSettlement(id, usdc(900)))
        .to.be.revertedWithCustomError(escrow, "EscrowNoSettlementProposal")
        .withArgs(id);
      await escrow.connect(merchant).acceptSettlement(id, usdc(500));
      expect((await escrow.getInvoice(id)).released).to.equal(usdc(500));
    });

    it("has no proposal before one is made", async function () {
      const { escrow, id } = await loadFixture(disputedFixture);
      expect(await escrow.settlementOf(id)).to.deep.equal([ethers.ZeroAddress, 0n]);
    });

    describe("refuses", function () {
      it("to accept a proposal that changed", async function () {
        const { escrow, merchant, payer, id } = await loadFixture(disputedFixture);
        await escrow.connect(merchant).proposeSettlement(id, usdc(800));
        await expect(escrow.connect(payer).acceptSettlement(id, usdc(700)))
          .to.be.revertedWithCustomError(escrow, "EscrowSettlementMismatch")
          .withArgs(id, usdc(800), usdc(700));
      });

      it("to accept when nothing was proposed", async function () {
        const { escrow, payer, id } = await loadFixture(disputedFixture);
        await expect(escrow.connect(payer).acceptSettlement(id, 0))
          .to.be.revertedWithCustomError(escrow, "EscrowNoSettlementProposal")
          .withArgs(id);
      });

      it("anyone but the merchant and the payer", async function () {
        const { escrow, arbiter, stranger, id } = await loadFixture(disputedFixture);
        await expect(escrow.connect(arbiter).proposeSettlement(id, 0))
          .to.be.revertedWithCustomError(escrow, "EscrowNotParty")
          .withArgs(id, arbiter.address);
        await expect(escrow.connect(stranger).acceptSettlement(id, 0))
          .to.be.revertedWithCustomError(escrow, "EscrowNotParty")
          .withArgs(id, stranger.address);
      });

      it("a proposal above what is held", async function () {
        const { escrow, merchant, id } = await loadFixture(disputedFixture);
        await expect(escrow.connect(merchant).proposeSettlement(id, AMOUNT + 1n))
          .to.be.revertedWithCustomError(escrow, "EscrowAmountExceedsHeld")
          .withArgs(id, AMOUNT + 1n, AMOUNT);
      });

      it("an invoice that is not disputed", async function () {
        const { escrow, merchant, payer, id } = await loadFixture(paidFixture);
        await expect(escrow.connect(merchant).proposeSettlement(id, 0))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Paid);
        await expect(escrow.connect(payer).acceptSettlement(id, 0))
          .to.be.revertedWithCustomError(escrow, "EscrowInvalidStatus")
          .withArgs(id, Status.Paid);
      });
    });
  });

  describe("collectFees", function () {
    it("pays the fee recipient every fee accrued in the token", async function () {
      const { escrow, token, payer, feeRecipient, id } = await loadFixture(paidFixture);
      await escrow.connect(payer).release(id, AMOUNT);
      const tx = await escrow.connect(feeRecipient).collectFees(token);
      await expect(tx).to.changeTokenBalances(token, [escrow, feeRecipient], [-fee(AMOUNT), fee(AMOUNT)]);
      await expect(tx)
        .to.emit(escrow, "FeesCollected")
        .withArgs(feeRecipient.address, await token.getAddress(), fee(AMOUNT));
      expect(await escrow.feesAccrued(token)).to.equal(0);
      expect(await escrow.totalOwed(token)).to.equal(0);
    });

    it("collects ETH fees even while paused", async function () {
      const { escrow, admin, payer, feeRecipient, id } = await loadFixture(paidNativeFixture);
      const gross = ethers.parseEther("2");
      await escrow.connect(payer).release(id, gross);
      await escrow.connect(admin).pause();
      const tx = await escrow.connect(feeRecipient).collectFees(ethers.ZeroAddress);
      await expect(tx).to.changeEtherBalances([escrow, feeRecipient], [-fee(gross), fee(gross)]);
      await expect(tx).to.emit(escrow, "FeesCollected").withArgs(feeRecipient.address, ethers.ZeroAddress, fee(gross));
    });

    it("refuses anyone but the fee recipient, and a token with no fees", async function () {
      const { escrow, token, payer, feeRecipient, stranger, id } = await loadFixture(paidFixture);
      await escrow.connect(payer).release(id, AMOUNT);
      await expect(escrow.connect(stranger).collectFees(token))
        .to.be.revertedWithCustomError(escrow, "EscrowNotFeeRecipient")
        .withArgs(stranger.address, feeRecipient.address);
      await expect(escrow.connect(feeRecipient).collectFees(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(escrow, "EscrowNoFeesAccrued")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("withdraw", function () {
    /** Invoice 1 in ETH, released to a merchant whose address rejected the push: the merchant holds an ETH credit. */
    async function creditedNativeFixture() {
      const f = await paidNativeFixture();
      await setCode(f.merchant.address, "0x5f5ffd"); // PUSH0 PUSH0 REVERT: refuses the pushed ETH
      await f.escrow.connect(f.payer).release(f.id, ethers.parseEther("2"));
      await setCode(f.merchant.address, "0x");
      const credit = await f.escrow.credits(f.merchant, ethers.ZeroAddress);
      return { ...f, credit };
    }

    it("pays ETH credits, to another address if asked, even while paused", async function () {
      const { escrow, admin, merchant, stranger, credit } = await loadFixture(creditedNativeFixture);
      expect(credit).to.equal(ethers.parseEther("2") - fee(ethers.parseEther("2")));
      await escrow.connect(admin).pause();
      const tx = await escrow.connect(merchant).withdrawTo(ethers.ZeroAddress, stranger);
      await expect(tx).to.changeEtherBalances([escrow, stranger], [-credit, credit]);
      await expect(tx).to.emit(escrow, "Withdrawn").withArgs(merchant.address, ethers.ZeroAddress, stranger.address, credit);
      expect(await escrow.credits(merchant, ethers.ZeroAddress)).to.equal(0);
    });

    it("keeps the credit when the ETH destination refuses it", async function () {
      const { escrow, merchant, credit } = await loadFixture(creditedNativeFixture);
      const token = await ethers.deployContract("TestToken", ["No receive", "NR", 18]); // a contract without receive()
      await expect(escrow.connect(merchant).withdrawTo(ethers.ZeroAddress, token))
        .to.be.revertedWithCustomError(escrow, "EscrowNativeTransferFailed")
        .withArgs(await token.getAddress(), credit);
      expect(await escrow.credits(merchant, ethers.ZeroAddress)).to.equal(credit);
    });

    it("refuses when there is no credit", async function () {
      const { escrow, token, stranger } = await loadFixture(deployFixture);
      await expect(escrow.connect(stranger).withdraw(token))
        .to.be.revertedWithCustomError(escrow, "EscrowNothingToWithdraw")
        .withArgs(stranger.address, await token.getAddress());
    });

    it("refuses the zero address as destination", async function () {
      const { escrow, token, feeRecipient } = await loadFixture(deployFixture);
      await expect(escrow.connect(feeRecipient).withdrawTo(token, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        escrow,
        "EscrowZeroAddress",
      );
    });
  });

  describe("fee settings", function () {
    it("applies a new rate to invoices created afterwards only", async function () {
      const { escrow, token, admin, payer, create } = await loadFixture(deployFixture);
      const before = await create();
      await expect(escrow.connect(admin).setFeeBps(500)).to.emit(escrow, "FeeBpsUpdated").withArgs(FEE_BPS, 500);
      const after = await create();
      expect((await escrow.getInvoice(before)).feeBps).to.equal(FEE_BPS);
      expect((await escrow.getInvoice(after)).feeBps).to.equal(500);
      for (const id of [before, after]) {
        await escrow.connect(payer).pay(id, AMOUNT);
        await escrow.connect(payer).release(id, AMOUNT);
      }
      expect(await escrow.feesAccrued(token)).to.equal(fee(AMOUNT) + fee(AMOUNT, 500n));
    });

    it("lets only the recipient current at collection take the accrued fees", async function () {
      const { escrow, token, admin, payer, feeRecipient, stranger, id } = await loadFixture(paidFixture);
      await escrow.connect(payer).release(id, usdc(100));
      await expect(escrow.connect(admin).setFeeRecipient(stranger))
        .to.emit(escrow, "FeeRecipientUpdated")
        .withArgs(feeRecipient.address, stranger.address);
      await escrow.connect(payer).release(id, usdc(900));
      await expect(escrow.connect(feeRecipient).collectFees(token)).to.be.revertedWithCustomError(escrow, "EscrowNotFeeRecipient");
      await expect(escrow.connect(stranger).collectFees(token)).to.changeTokenBalance(token, stranger, fee(AMOUNT));
      expect(await escrow.feeRecipient()).to.equal(stranger.address);
    });

    it("refuses a rate above 5% and a zero recipient", async function () {
      const { escrow, admin } = await loadFixture(deployFixture);
      await expect(escrow.connect(admin).setFeeBps(501)).to.be.revertedWithCustomError(escrow, "EscrowFeeTooHigh").withArgs(501, 500);
      await expect(escrow.connect(admin).setFeeRecipient(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        escrow,
        "EscrowZeroFeeRecipient",
      );
    });

    it("is for the fee manager only", async function () {
      const { escrow, stranger } = await loadFixture(deployFixture);
      const role = await escrow.FEE_MANAGER_ROLE();
      await expect(escrow.connect(stranger).setFeeBps(1))
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, role);
      await expect(escrow.connect(stranger).setFeeRecipient(stranger))
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, role);
    });
  });

  describe("pause", function () {
    it("stops new invoices and payments until unpaused", async function () {
      const { escrow, admin, payer, create } = await loadFixture(deployFixture);
      const id = await create();
      await expect(escrow.connect(admin).pause()).to.emit(escrow, "Paused").withArgs(admin.address);
      await expect(escrow.connect(payer).pay(id, 1n)).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await expect(escrow.connect(admin).unpause()).to.emit(escrow, "Unpaused").withArgs(admin.address);
      await escrow.connect(payer).pay(id, 1n);
      expect(await create()).to.equal(2);
    });

    it("lets cancel, dispute and resolve work while paused", async function () {
      const { escrow, admin, merchant, payer, arbiter, id, create } = await loadFixture(paidFixture);
      const unpaid = await create();
      await escrow.connect(admin).pause();
      await escrow.connect(merchant).cancel(unpaid);
      await escrow.connect(payer).dispute(id);
      await escrow.connect(arbiter).resolve(id, AMOUNT, 0);
      expect(await escrow.status(id)).to.equal(Status.Resolved);
    });

    it("is for the pauser only", async function () {
      const { escrow, stranger } = await loadFixture(deployFixture);
      const role = await escrow.PAUSER_ROLE();
      await expect(escrow.connect(stranger).pause())
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, role);
      await expect(escrow.connect(stranger).unpause())
        .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, role);
    });
  });

  describe("views", function () {
    it("report an unknown invoice as None with nothing due or held", async function () {
      const { escrow } = await loadFixture(deployFixture);
      expect(await escrow.status(42)).to.equal(Status.None);
      expect(await escrow.amountDue(42)).to.equal(0);
      expect(await escrow.amountHeld(42)).to.equal(0);
      await expect(escrow.getInvoice(42)).to.be.revertedWithCustomError(escrow, "EscrowInvoiceNotFound").withArgs(42);
    });

    it("read an unpaid invoice past its due date as Expired", async function () {
      const { escrow, dueDate, create } = await loadFixture(deployFixture);
      const id = await create();
      await time.increaseTo(dueDate);
      expect(await escrow.status(id)).to.equal(Status.Open);
      await time.increase(1);
      expect(await escrow.status(id)).to.equal(Status.Expired);
      expect(await escrow.amountDue(id)).to.equal(0);
    });

    it("support the AccessControl interface", async function () {
      const { escrow } = await loadFixture(deployFixture);
      expect(await escrow.supportsInterface("0x7965db0b")).to.equal(true);
    });
  });

  // The findings of the outside review (issue 11), one regression test or group per problem; the open-invoice
  // takeover (1) is under pay, the hook token that burns gas (3) in PaymentEscrow.hostile.test.ts.
  describe("review findings", function () {
    describe("arbiter registry filling (2)", function () {
      /** The deployment with the arbiter registry's counter set to its last free index by a storage write. */
      async function fullRegistryFixture() {
        const f = await deployFixture();
        await f.create(); // registers `arbiter` at index 1
        // Slot 1 packs Pausable's flag, the fee rate, the allowlist switch, the fee recipient, the invoice count and,
        // in its top three bytes, the registry's counter.
        const slot = 1n;
        const word = BigInt(await ethers.provider.getStorage(f.escrow, slot));
        const mask = 0xffffffn << 232n;
        const full = (word & ~mask) | (0xfffffen << 232n);
        await setStorageAt(await f.escrow.getAddress(), slot, ethers.toBeHex(full, 32));
        expect(await f.escrow.invoiceCount()).to.equal(1);
        return f;
      }

      it("cannot stop anyone from creating invoices with new arbiters", async function () {
        const { escrow, merchant2, payer, stranger, dueDate, create } = await loadFixture(fullRegistryFixture);
        const [, , , , , , , third] = await ethers.getSigners();
        await escrow.connect(merchant2).createInvoice(terms(payer, ethers.ZeroAddress, 1n, dueDate, 0, stranger, REF)); // the last index
        const id = await create({ arbiter: third!.address }); // registry full: stored with the invoice
        const again = await create({ arbiter: third!.address });
        expect((await escrow.getInvoice(2)).arbiter).to.equal(stranger.address);
        expect((await escrow.getInvoice(id)).arbiter).to.equal(third!.address);
        expect((await escrow.getInvoice(again)).arbiter).to.equal(third!.address);
        expect((await escrow.getInvoice(1)).arbiter).to.not.equal(ethers.ZeroAddress);
      });

      it("lets an arbiter stored with its invoice resolve it, and nobody else", async function () {
        const { escrow, token, merchant, payer, stranger, create } = await loadFixture(fullRegistryFixture);
        const [, , , , , , , , fourth] = await ethers.getSigners();
        await create({ arbiter: stranger.address }); // the last index
        const id = await create({ arbiter: fourth!.address });
        await escrow.connect(payer).pay(id, AMOUNT);
        await expect(escrow.connect(payer).dispute(id))
          .to.emit(escrow, "InvoiceDisputed")
          .withArgs(id, payer.address, merchant.address, fourth!.address, AMOUNT, anyValue);
        await expect(escrow.connect(stranger).resolve(id, AMOUNT, 0))
          .to.be.revertedWithCustomError(escrow, "EscrowNotArbiter")
          .withArgs(id, stranger.address, fourth!.address);
        await expect(escrow.connect(fourth!).resolve(id, AMOUNT, 0)).to.changeTokenBalance(token, merchant, AMOUNT - fee(AMOUNT));
      });

      it("refuses an arbiter stored with an open invoice as its payer", async function () {
        const { escrow, token, stranger, create } = await loadFixture(fullRegistryFixture);
        const [, , , , , , , third] = await ethers.getSigners();
        await create({ arbiter: stranger.address });
        const id = await create({ payer: ethers.ZeroAddress, arbiter: third!.address });
        await token.mint(third!, AMOUNT);
        await token.connect(third!).approve(escrow, AMOUNT);
        await expect(escrow.connect(third!).pay(id, AMOUNT))
          .to.be.revertedWithCustomError(escrow, "EscrowArbiterIsPayer")
          .withArgs(third!.address);
      });
    });

    describe("fee dodging by chunking (4)", function () {
      it("charges ten releases of 99 units the fee of one release of 990", async function () {
        const { escrow, token, payer, id } = await loadFixture(paidFixture);
        let fees = 0n;
        for (let k = 0; k < 10; k++) {
          const receipt = (await (await escrow.connect(payer).release(id, 99n)).wait())!;
          const event = receipt.logs.map((l) => escrow.interface.parseLog(l)).find((e) => e?.name === "InvoiceReleased")!;
          fees += event.args.fee as bigint;
        }
        expect(fee(99n)).to.equal(0n); // what each chunk paid before
        expect(fees).to.equal(fee(990n)).and.to.equal(9n);
        expect(await escrow.feesAccrued(token)).to.equal(9n);
      });

      it("charges a release, a split and a claim together the fee of their total", async function () {
        const { escrow, token, payer, arbiter, id } = await loadFixture(paidFixture);
        await escrow.connect(payer).release(id, 150n);
        await escrow.connect(payer).dispute(id);
        const held = await escrow.amountHeld(id);
        await escrow.connect(arbiter).resolve(id, 349n, held - 349n);
        expect(await escrow.feesAccrued(token)).to.equal(fee(150n + 349n));
      });
    });

    describe("stuck surplus (5)", function () {
      /** Invoice 1 paid and held; 5 tokens minted to the escrow and 1 ETH forced into it: nobody's. */
      async function surplusFixture() {
        const f = await paidFixture();
        await f.token.mint(f.escrow, usdc(5));
        await setBalance(await f.escrow.getAddress(), ethers.parseEther("1"));
        return f;
      }

      it("lets the sweeper take exactly the surplus of a token, never what is held", async function () {
        const { escrow, token, admin, stranger, id } = await loadFixture(surplusFixture);
        expect(await escrow.totalOwed(token)).to.equal(AMOUNT);
        expect(await escrow.surplus(token)).to.equal(usdc(5));
        const tx = await escrow.connect(admin).sweep(token, stranger);
        await expect(tx).to.changeTokenBalances(token, [escrow, stranger], [-usdc(5), usdc(5)]);
        await expect(tx)
          .to.emit(escrow, "Swept")
          .withArgs(admin.address, await token.getAddress(), stranger.address, usdc(5));
        expect(await escrow.amountHeld(id)).to.equal(AMOUNT);
        expect(await token.balanceOf(escrow)).to.equal(AMOUNT);
        await expect(escrow.connect(admin).sweep(token, stranger))
          .to.be.revertedWithCustomError(escrow, "EscrowNothingToSweep")
          .withArgs(await token.getAddress());
      });

      it("sweeps ETH forced into the escrow, even while paused", async function () {
        const { escrow, admin, stranger } = await loadFixture(surplusFixture);
        await escrow.connect(admin).pause();
        await expect(escrow.connect(admin).sweep(ethers.ZeroAddress, stranger)).to.changeEtherBalances(
          [escrow, stranger],
          [-ethers.parseEther("1"), ethers.parseEther("1")],
        );
      });

      it("refuses anyone without SWEEPER_ROLE and the zero address", async function () {
        const { escrow, token, admin, stranger } = await loadFixture(surplusFixture);
        await expect(escrow.connect(stranger).sweep(token, stranger))
          .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, await escrow.SWEEPER_ROLE());
        await expect(escrow.connect(admin).sweep(token, ethers.ZeroAddress)).to.be.revertedWithCustomError(escrow, "EscrowZeroAddress");
      });

      it("reads no surplus while the escrow holds just what it owes", async function () {
        const { escrow, token, id, payer } = await loadFixture(paidFixture);
        expect(await escrow.surplus(ethers.ZeroAddress)).to.equal(0);
        expect(await escrow.surplus(token)).to.equal(0);
        await escrow.connect(payer).release(id, AMOUNT);
        expect(await escrow.surplus(token)).to.equal(0);
      });
    });

    describe("token allowlist (6)", function () {
      /** The escrow as deployed on a public chain: allowlist on, the test token allowed. */
      async function allowlistFixture() {
        const f = await deployFixture();
        const escrow = await ethers.deployContract("PaymentEscrow", [f.admin, f.feeRecipient, FEE_BPS, [f.token], true]);
        const other = await ethers.deployContract("TestToken", ["Rebasing", "REB", 18]);
        return { ...f, escrow, other };
      }

      it("allows the listed tokens and ETH, and refuses others while it is on", async function () {
        const { escrow, token, other, merchant, payer, dueDate } = await loadFixture(allowlistFixture);
        const make = (asset: AddressLike) =>
          escrow.connect(merchant).createInvoice(terms(payer, asset, AMOUNT, dueDate, WINDOW, ethers.ZeroAddress, REF));
        expect(await escrow.allowlistEnabled()).to.equal(true);
        expect([
          await escrow.isTokenAllowed(token),
          await escrow.isTokenAllowed(other),
          await escrow.isTokenAllowed(ethers.ZeroAddress),
        ]).to.deep.equal([true, false, true]);
        await expect(make(token)).to.emit(escrow, "InvoiceCreated");
        await expect(make(ethers.ZeroAddress)).to.emit(escrow, "InvoiceCreated");
        await expect(make(other))
          .to.be.revertedWithCustomError(escrow, "EscrowTokenNotAllowed")
          .withArgs(await other.getAddress());
      });

      it("is managed by TOKEN_MANAGER_ROLE; removing a token leaves its invoices working", async function () {
        const { escrow, token, other, admin, merchant, payer, stranger, dueDate } = await loadFixture(allowlistFixture);
        const role = await escrow.TOKEN_MANAGER_ROLE();
        await expect(escrow.connect(stranger).setTokenAllowed(other, true))
          .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, role);
        await expect(escrow.connect(stranger).setAllowlistEnabled(false)).to.be.revertedWithCustomError(
          escrow,
          "AccessControlUnauthorizedAccount",
        );
        await expect(escrow.connect(admin).setTokenAllowed(other, true))
          .to.emit(escrow, "TokenAllowed")
          .withArgs(await other.getAddress(), true);
        await escrow.connect(merchant).createInvoice(terms(payer, token, AMOUNT, dueDate, WINDOW, ethers.ZeroAddress, REF));
        await expect(escrow.connect(admin).setTokenAllowed(token, false))
          .to.emit(escrow, "TokenAllowed")
          .withArgs(await token.getAddress(), false);
        await token.connect(payer).approve(escrow, AMOUNT);
        await escrow.connect(payer).pay(1, AMOUNT);
        await escrow.connect(payer).release(1, AMOUNT);
        expect(await escrow.status(1)).to.equal(Status.Released);
        await expect(escrow.connect(admin).setAllowlistEnabled(false)).to.emit(escrow, "AllowlistEnabled").withArgs(false);
        await expect(escrow.connect(merchant).createInvoice(terms(payer, token, AMOUNT, dueDate, WINDOW, ethers.ZeroAddress, REF))).to.emit(
          escrow,
          "InvoiceCreated",
        );
      });

      it("refuses a token address with no code, on and off the allowlist", async function () {
        const { escrow, admin, merchant, payer, stranger, dueDate } = await loadFixture(allowlistFixture);
        await expect(escrow.connect(admin).setTokenAllowed(stranger, true))
          .to.be.revertedWithCustomError(escrow, "EscrowTokenHasNoCode")
          .withArgs(stranger.address);
        await escrow.connect(admin).setAllowlistEnabled(false);
        await expect(escrow.connect(merchant).createInvoice(terms(payer, stranger, AMOUNT, dueDate, WINDOW, ethers.ZeroAddress, REF)))
          .to.be.revertedWithCustomError(escrow, "EscrowTokenHasNoCode")
          .withArgs(stranger.address);
        await expect(escrow.connect(admin).setTokenAllowed(stranger, false)).to.emit(escrow, "TokenAllowed");
      });

      it("refuses a deployment that lists an address with no code", async function () {
        const { admin, feeRecipient, stranger } = await loadFixture(deployFixture);
        const factory = await ethers.getContractFactory("PaymentEscrow");
        await expect(factory.deploy(admin, feeRecipient, 100, [stranger], true))
          .to.be.revertedWithCustomError(factory, "EscrowTokenHasNoCode")
          .withArgs(stranger.address);
      });
    });

    describe("status after reclaiming an expired invoice (7)", function () {
      it("reads Refunded, as the diagram says, not Expired", async function () {
        const { escrow, payer, dueDate, create } = await loadFixture(deployFixture);
        const id = await create();
        await escrow.connect(payer).pay(id, usdc(300));
        await time.increaseTo(dueDate + 1n);
        expect(await escrow.status(id)).to.equal(Status.Expired);
        await escrow.connect(payer).reclaim(id);
        expect(await escrow.status(id)).to.equal(Status.Refunded);
        expect(await escrow.amountDue(id)).to.equal(0);
      });
    });

    describe("arbiter racing the payer's reclaim (8)", function () {
      /** The dispute's timeout, with the next block set to `offset` seconds from it. */
      async function atTimeout(offset: bigint) {
        const f = await loadFixture(disputedFixture);
        const timeoutAt = f.disputedAt + BigInt(DISPUTE_TIMEOUT);
        await time.setNextBlockTimestamp(timeoutAt + offset);
        return { ...f, timeoutAt };
      }

      it("lets the arbiter resolve in the last second before the timeout", async function () {
        const { escrow, arbiter, id } = await atTimeout(-1n);
        await expect(escrow.connect(arbiter).resolve(id, AMOUNT, 0)).to.emit(escrow, "InvoiceResolved");
      });

      it("refuses the payer's reclaim in the last second before the timeout", async function () {
        const { escrow, payer, id, timeoutAt } = await atTimeout(-1n);
        await expect(escrow.connect(payer).reclaim(id))
          .to.be.revertedWithCustomError(escrow, "EscrowDisputeNotTimedOut")
          .withArgs(id, timeoutAt);
      });

      it("refuses the arbiter from the timeout on", async function () {
        const { escrow, arbiter, id, timeoutAt } = await atTimeout(0n);
        await expect(escrow.connect(arbiter).resolve(id, AMOUNT, 0))
          .to.be.revertedWithCustomError(escrow, "EscrowDisputeTimedOut")
          .withArgs(id, timeoutAt);
      });

      it("lets the payer reclaim from the timeout on", async function () {
        const { escrow, token, payer, id } = await atTimeout(0n);
        await expect(escrow.connect(payer).reclaim(id)).to.changeTokenBalance(token, payer, AMOUNT);
      });

      it("still lets both sides settle after the timeout", async function () {
        const { escrow, merchant, payer, id } = await loadFixture(disputedFixture);
        await time.increase(DISPUTE_TIMEOUT);
        await escrow.connect(payer).proposeSettlement(id, usdc(400));
        await expect(escrow.connect(merchant).acceptSettlement(id, usdc(400))).to.emit(escrow, "InvoiceSettled");
      });
    });

    describe("merchant cannot cap the fee (10)", function () {
      it("refuses an invoice whose current fee is above the merchant's cap, and accepts one at the cap", async function () {
        const { escrow, create } = await loadFixture(deployFixture);
        await expect(create({ maxFeeBps: Number(FEE_BPS) - 1 }))
          .to.be.revertedWithCustomError(escrow, "EscrowFeeAboveMerchantMax")
          .withArgs(FEE_BPS, FEE_BPS - 1n);
        const id = await create({ maxFeeBps: Number(FEE_BPS) });
        expect((await escrow.getInvoice(id)).feeBps).to.equal(FEE_BPS);
      });

      it("protects the merchant against a fee raised just before creation", async function () {
        const { escrow, admin, create } = await loadFixture(deployFixture);
        await escrow.connect(admin).setFeeBps(500);
        await expect(create({ maxFeeBps: 100 }))
          .to.be.revertedWithCustomError(escrow, "EscrowFeeAboveMerchantMax")
          .withArgs(500, 100);
      });
    });
  });
});
