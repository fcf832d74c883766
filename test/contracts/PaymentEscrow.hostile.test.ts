import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import type { AddressLike, BaseContract } from "ethers";
import type { PaymentEscrow } from "../../typechain-types";
import { DAY, WINDOW, fee } from "../helpers/constants";
import { deployEscrow } from "../helpers/escrow";
import { NO_CURRENCY } from "../../core/invoice/currency";

/*
 * PaymentEscrow against hostile counterparts: tokens that re-enter, take a fee on transfer, return false, return
 * nothing, or block addresses; receivers that reject ETH, burn all the gas they get, or call back in. In every case
 * no one steals, the other party is not blocked, and the escrow still holds exactly what it owes (held + credits).
 */

const AMOUNT = ethers.parseEther("100");
const Mode = { Accept: 0, Reject: 1, BurnGas: 2, Reenter: 3 } as const;

describe("PaymentEscrow with hostile tokens and receivers", function () {
  async function hostileFixture() {
    const { escrow, admin, merchant, payer, arbiter, feeRecipient, stranger } = await deployEscrow();
    const reentrant = await ethers.deployContract("EscrowReentrantToken");
    const feeOnTransfer = await ethers.deployContract("EscrowFeeOnTransferToken");
    const falseToken = await ethers.deployContract("EscrowFalseToken");
    const noReturn = await ethers.deployContract("EscrowNoReturnToken");
    const blocklist = await ethers.deployContract("EscrowBlocklistToken");
    for (const token of [reentrant, feeOnTransfer, falseToken, noReturn, blocklist]) {
      await token.mint(payer, AMOUNT * 10n);
      await token.connect(payer).approve(escrow, ethers.MaxUint256);
    }
    const receiver = await ethers.deployContract("HostileReceiver");
    const dueDate = BigInt(await time.latest()) + BigInt(30 * DAY);
    /** Creates an invoice from `merchant` to `payer` in `token` (ETH if address(0)), with an arbiter. */
    const create = async (token: AddressLike, from = merchant.address, to: string = payer.address) => {
      const terms = {
        payer: to,
        token: await ethers.resolveAddress(token),
        amount: AMOUNT,
        dueDate,
        disputeWindow: WINDOW,
        arbiter: arbiter.address,
        maxFeeBps: 100,
        referenceHash: ethers.ZeroHash,
        currency: NO_CURRENCY,
      };
      const data = escrow.interface.encodeFunctionData("createInvoice", [terms]);
      if (from === (await receiver.getAddress())) await receiver.act(escrow, data);
      else await escrow.connect(await ethers.getSigner(from)).createInvoice(terms);
      return escrow.invoiceCount();
    };
    return {
      escrow,
      reentrant,
      feeOnTransfer,
      falseToken,
      noReturn,
      blocklist,
      receiver,
      admin,
      merchant,
      payer,
      arbiter,
      feeRecipient,
      stranger,
      dueDate,
      create,
    };
  }

  /** The escrow holds exactly what its invoices hold plus the credits of `accounts` plus accrued fees, in `token`, and
   * that is what its books say it owes. */
  async function expectExactBalance(escrow: PaymentEscrow, token: string, accounts: AddressLike[]) {
    let owed = 0n;
    for (let id = 1n; id <= (await escrow.invoiceCount()); id++) {
      if ((await escrow.getInvoice(id)).token === token) owed += await escrow.amountHeld(id);
    }
    for (const account of accounts) owed += await escrow.credits(account, token);
    owed += await escrow.feesAccrued(token);
    expect(await escrow.totalOwed(token)).to.equal(owed);
    const balance =
      token === ethers.ZeroAddress
        ? await ethers.provider.getBalance(escrow)
        : await (await ethers.getContractAt("IERC20", token)).balanceOf(escrow);
    expect(balance).to.equal(owed);
  }

  /** The revert data of a reentrant call blocked by the guard. */
  function reentrancyError(escrow: BaseContract) {
    return escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
  }

  describe("a token that re-enters the escrow from its transfers", function () {
    it("cannot pay twice from inside a payment", async function () {
      const { escrow, reentrant, payer, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(reentrant);
      await reentrant.setHook(escrow, escrow.interface.encodeFunctionData("pay", [id, 1n]));
      await escrow.connect(payer).pay(id, AMOUNT / 2n);
      expect(await reentrant.hookCalls()).to.equal(1);
      expect(await reentrant.lastCallSucceeded()).to.equal(false);
      expect(await reentrant.lastCallError()).to.equal(reentrancyError(escrow));
      expect((await escrow.getInvoice(id)).paid).to.equal(AMOUNT / 2n);
      await expectExactBalance(escrow, await reentrant.getAddress(), [feeRecipient]);
    });

    /** A call to each function that moves funds, all of which must refuse to be entered twice. */
    const guarded = (escrow: PaymentEscrow, id: bigint, token: string): [string, string][] => {
      const i = escrow.interface;
      const none = ethers.ZeroHash;
      return [
        ["pay", i.encodeFunctionData("pay", [id, 1n])],
        ["payWithPermit", i.encodeFunctionData("payWithPermit", [id, 1n, 0n, 27, none, none])],
        ["payNative", i.encodeFunctionData("payNative", [id])],
        ["payMany", i.encodeFunctionData("payMany", [[id], [1n]])],
        ["payPriced", i.encodeFunctionData("payPriced", [id, token, 1n])],
        [
          "payRelayed",
          i.encodeFunctionData("payRelayed", [
            { id, amount: 1n, payer: ethers.ZeroAddress, nonce: 0n, deadline: 0n },
            "0x",
            { kind: 0, v: 0, r: none, s: none },
          ]),
        ],
        ["release", i.encodeFunctionData("release", [id, 1n])],
        ["claim", i.encodeFunctionData("claim", [id])],
        ["refund", i.encodeFunctionData("refund", [id, 1n])],
        ["reclaim", i.encodeFunctionData("reclaim", [id])],
        ["resolve", i.encodeFunctionData("resolve", [id, 0n, 1n])],
        ["acceptSettlement", i.encodeFunctionData("acceptSettlement", [id, 0n])],
        ["withdraw", i.encodeFunctionData("withdraw", [token])],
        ["withdrawTo", i.encodeFunctionData("withdrawTo", [token, "0x000000000000000000000000000000000000dEaD"])],
        ["collectFees", i.encodeFunctionData("collectFees", [token])],
        ["sweep", i.encodeFunctionData("sweep", [token, "0x000000000000000000000000000000000000dEaD"])],
      ];
    };

    it("cannot enter any fund-moving function from inside a payout", async function () {
      const { escrow, reentrant, merchant, payer, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(reentrant);
      await escrow.connect(payer).pay(id, AMOUNT);
      const calls = guarded(escrow, id, await reentrant.getAddress());
      for (const [name, data] of calls) {
        await reentrant.setHook(escrow, data);
        await escrow.connect(payer).release(id, 1000n);
        expect(await reentrant.lastCallError(), name).to.equal(reentrancyError(escrow));
      }
      await escrow.connect(merchant).refund(id, 1000n);
      expect(await reentrant.hookCalls()).to.equal(calls.length + 1);
      expect(await reentrant.lastCallError()).to.equal(reentrancyError(escrow));
      const invoice = await escrow.getInvoice(id);
      expect([invoice.released, invoice.refunded]).to.deep.equal([1000n * BigInt(calls.length), 1000n]);
      expect(await reentrant.balanceOf(merchant)).to.equal(BigInt(calls.length) * (1000n - fee(1000n)));
      await expectExactBalance(escrow, await reentrant.getAddress(), [feeRecipient, merchant, payer]);
    });
  });

  describe("a fee-on-transfer token", function () {
    it("is refused because it delivers less than was paid", async function () {
      const { escrow, feeOnTransfer, payer, create } = await loadFixture(hostileFixture);
      const id = await create(feeOnTransfer);
      await expect(escrow.connect(payer).pay(id, AMOUNT))
        .to.be.revertedWithCustomError(escrow, "EscrowTokenDeliveredLess")
        .withArgs(id, AMOUNT, AMOUNT - AMOUNT / 100n);
      expect((await escrow.getInvoice(id)).paid).to.equal(0);
      expect(await feeOnTransfer.balanceOf(escrow)).to.equal(0);
    });
  });

  describe("a token that returns false", function () {
    it("cannot pay an invoice while its transfers fail", async function () {
      const { escrow, falseToken, payer, create } = await loadFixture(hostileFixture);
      const id = await create(falseToken);
      await falseToken.setFailing(true);
      await expect(escrow.connect(payer).pay(id, AMOUNT))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation")
        .withArgs(await falseToken.getAddress());
    });

    it("does not block a release: the merchant is credited and withdraws once the token works again", async function () {
      const { escrow, falseToken, merchant, payer, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(falseToken);
      await escrow.connect(payer).pay(id, AMOUNT);
      await falseToken.setFailing(true);
      const net = AMOUNT - fee(AMOUNT);
      await expect(escrow.connect(payer).release(id, AMOUNT))
        .to.emit(escrow, "PayoutCredited")
        .withArgs(id, merchant.address, await falseToken.getAddress(), net);
      expect(await escrow.status(id)).to.equal(5); // Released
      await expectExactBalance(escrow, await falseToken.getAddress(), [feeRecipient, merchant]);
      await expect(escrow.connect(merchant).withdraw(falseToken)).to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation");
      expect(await escrow.credits(merchant, falseToken)).to.equal(net);
      await falseToken.setFailing(false);
      await expect(escrow.connect(merchant).withdraw(falseToken)).to.changeTokenBalance(falseToken, merchant, net);
      await expectExactBalance(escrow, await falseToken.getAddress(), [feeRecipient, merchant]);
    });
  });

  // Issue 11.3: a token whose transfer hook burns gas made the other party's release cost everything it sent.
  describe("a hook token that burns the other party's gas", function () {
    /** Invoice 1 in the reentrant token, paid; its transfers now call a receiver that burns all the gas it gets. */
    async function burningFixture() {
      const f = await hostileFixture();
      const id = await f.create(f.reentrant);
      await f.escrow.connect(f.payer).pay(id, AMOUNT);
      await f.receiver.setMode(Mode.BurnGas, ethers.ZeroAddress, "0x");
      await f.reentrant.setHook(f.receiver, "0x");
      return { ...f, id };
    }

    it("costs the payer's release at most the payout stipend, and credits the merchant", async function () {
      const { escrow, reentrant, merchant, payer, feeRecipient, id } = await loadFixture(burningFixture);
      const stipend = await escrow.TOKEN_PAYOUT_GAS();
      const tx = await escrow.connect(payer).release(id, AMOUNT, { gasLimit: 10_000_000 });
      const receipt = (await tx.wait())!;
      expect(receipt.gasUsed).to.be.lessThan(stipend + 100_000n);
      const net = AMOUNT - fee(AMOUNT);
      await expect(tx)
        .to.emit(escrow, "PayoutCredited")
        .withArgs(id, merchant.address, await reentrant.getAddress(), net);
      expect(await escrow.credits(merchant, reentrant)).to.equal(net);
      await expectExactBalance(escrow, await reentrant.getAddress(), [feeRecipient, merchant, payer]);
    });

    it("lets the merchant withdraw the credit with its own gas once it wants to", async function () {
      const { escrow, reentrant, merchant, payer, id } = await loadFixture(burningFixture);
      await escrow.connect(payer).release(id, AMOUNT, { gasLimit: 10_000_000 });
      await reentrant.setHook(ethers.ZeroAddress, "0x");
      await expect(escrow.connect(merchant).withdraw(reentrant)).to.changeTokenBalance(reentrant, merchant, AMOUNT - fee(AMOUNT));
    });
  });

  // Issue 11.11: during a push the paid-out amount is neither held nor credited. The views then already read the
  // state after the payout, and the receiver's balance already holds the amount: nothing is missing for a reader.
  describe("a token whose hook reads the views in the middle of a payout", function () {
    it("sees the state after the payout: not held, not credited, not owed, and in the receiver's balance", async function () {
      const { escrow, merchant, payer, create } = await loadFixture(hostileFixture);
      const probe = await ethers.deployContract("EscrowViewProbeToken");
      await probe.mint(payer, AMOUNT);
      await probe.connect(payer).approve(escrow, AMOUNT);
      const id = await create(probe);
      await escrow.connect(payer).pay(id, AMOUNT);
      await probe.watch(escrow, id);
      await escrow.connect(payer).release(id, AMOUNT / 4n);
      const net = AMOUNT / 4n - fee(AMOUNT / 4n);
      const seen = await probe.seen();
      expect(seen.held).to.equal(AMOUNT - AMOUNT / 4n);
      expect(seen.credit).to.equal(0);
      expect(seen.owed).to.equal(AMOUNT - net); // still held plus the fee, which stays
      expect(seen.receiverBalance).to.equal(net);
      expect(seen.escrowBalance).to.equal(seen.owed); // the books balance inside the payout
      expect(await escrow.totalOwed(probe)).to.equal(seen.owed);
      expect(await probe.balanceOf(merchant)).to.equal(net);
    });
  });

  describe("a caller who sends too little gas for the payout", function () {
    /** Invoice 1 in the reentrant token (no hook set: a plain ERC-20), paid in full. */
    async function paidPlainFixture() {
      const f = await hostileFixture();
      const id = await f.create(f.reentrant);
      await f.escrow.connect(f.payer).pay(id, AMOUNT);
      return { ...f, id };
    }

    it("cannot starve the push into a credit: the call reverts instead", async function () {
      const { escrow, reentrant, merchant, payer, id } = await loadFixture(paidPlainFixture);
      // Enough for everything the escrow does, not for the payout's whole allowance and a credit after it.
      await expect(escrow.connect(payer).release(id, AMOUNT, { gasLimit: 150_000 }))
        .to.be.revertedWithCustomError(escrow, "EscrowPayoutGasTooLow")
        .withArgs(anyValue, (await escrow.TOKEN_PAYOUT_GAS()) + 40_000n);
      await expect(escrow.connect(payer).release(id, AMOUNT)).to.changeTokenBalance(reentrant, merchant, AMOUNT - fee(AMOUNT));
      expect(await escrow.credits(merchant, reentrant)).to.equal(0);
    });

    it("cannot starve an ETH push into a credit either", async function () {
      const { escrow, merchant, payer, create } = await loadFixture(hostileFixture);
      const id = await create(ethers.ZeroAddress);
      await escrow.connect(payer).payNative(id, { value: AMOUNT });
      await expect(escrow.connect(payer).release(id, AMOUNT, { gasLimit: 100_000 }))
        .to.be.revertedWithCustomError(escrow, "EscrowPayoutGasTooLow")
        .withArgs(anyValue, (await escrow.NATIVE_PAYOUT_GAS()) + 40_000n);
      await expect(escrow.connect(payer).release(id, AMOUNT)).to.changeEtherBalance(merchant, AMOUNT - fee(AMOUNT));
    });
  });

  describe("a token that returns nothing (USDT style)", function () {
    it("pays, releases, refunds and collects fees normally", async function () {
      const { escrow, noReturn, merchant, payer, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(noReturn);
      await escrow.connect(payer).pay(id, AMOUNT);
      await escrow.connect(payer).release(id, AMOUNT / 2n);
      await escrow.connect(merchant).refund(id, AMOUNT / 2n);
      await escrow.connect(feeRecipient).collectFees(noReturn);
      expect(await noReturn.balanceOf(merchant)).to.equal(AMOUNT / 2n - fee(AMOUNT / 2n));
      expect(await noReturn.balanceOf(payer)).to.equal(AMOUNT * 10n - AMOUNT / 2n);
      expect(await noReturn.balanceOf(feeRecipient)).to.equal(fee(AMOUNT / 2n));
      expect(await noReturn.balanceOf(escrow)).to.equal(0);
    });
  });

  describe("a token that blocks an address", function () {
    it("does not block a refund to a blocked payer, who withdraws elsewhere", async function () {
      const { escrow, blocklist, merchant, payer, stranger, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(blocklist);
      await escrow.connect(payer).pay(id, AMOUNT);
      await blocklist.setBlocked(payer, true);
      await expect(escrow.connect(merchant).refund(id, AMOUNT))
        .to.emit(escrow, "PayoutCredited")
        .withArgs(id, payer.address, await blocklist.getAddress(), AMOUNT);
      await expect(escrow.connect(payer).withdraw(blocklist))
        .to.be.revertedWithCustomError(blocklist, "EscrowBlocklistTokenBlocked")
        .withArgs(payer.address);
      await expect(escrow.connect(payer).withdrawTo(blocklist, stranger)).to.changeTokenBalance(blocklist, stranger, AMOUNT);
      await expectExactBalance(escrow, await blocklist.getAddress(), [feeRecipient, payer]);
    });

    it("does not block the arbiter's split when the merchant is blocked", async function () {
      const { escrow, blocklist, merchant, payer, arbiter, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(blocklist);
      await escrow.connect(payer).pay(id, AMOUNT);
      await escrow.connect(payer).dispute(id);
      await blocklist.setBlocked(merchant, true);
      const tx = await escrow.connect(arbiter).resolve(id, AMOUNT / 2n, AMOUNT / 2n);
      await expect(tx).to.changeTokenBalance(blocklist, payer, AMOUNT / 2n);
      await expect(tx)
        .to.emit(escrow, "PayoutCredited")
        .withArgs(id, merchant.address, await blocklist.getAddress(), AMOUNT / 2n - fee(AMOUNT / 2n));
      await expectExactBalance(escrow, await blocklist.getAddress(), [feeRecipient, merchant, payer]);
    });
  });

  describe("a receiver that rejects ETH", function () {
    async function rejectingMerchantFixture() {
      const f = await hostileFixture();
      await f.receiver.setMode(Mode.Reject, ethers.ZeroAddress, "0x");
      const id = await f.create(ethers.ZeroAddress, await f.receiver.getAddress());
      await f.escrow.connect(f.payer).payNative(id, { value: AMOUNT });
      return { ...f, id };
    }

    it("as merchant does not block the payer's release, and withdraws its credit elsewhere", async function () {
      const { escrow, receiver, payer, stranger, feeRecipient, id } = await loadFixture(rejectingMerchantFixture);
      const net = AMOUNT - fee(AMOUNT);
      await expect(escrow.connect(payer).release(id, AMOUNT))
        .to.emit(escrow, "PayoutCredited")
        .withArgs(id, await receiver.getAddress(), ethers.ZeroAddress, net);
      await expectExactBalance(escrow, ethers.ZeroAddress, [feeRecipient, receiver]);
      const withdraw = escrow.interface.encodeFunctionData("withdraw", [ethers.ZeroAddress]);
      await expect(receiver.act(escrow, withdraw))
        .to.be.revertedWithCustomError(escrow, "EscrowNativeTransferFailed")
        .withArgs(await receiver.getAddress(), net);
      const withdrawTo = escrow.interface.encodeFunctionData("withdrawTo", [ethers.ZeroAddress, stranger.address]);
      await expect(receiver.act(escrow, withdrawTo)).to.changeEtherBalance(stranger, net);
      await expectExactBalance(escrow, ethers.ZeroAddress, [feeRecipient, receiver]);
    });

    it("as payer does not block the merchant's refund or the payer's reclaim", async function () {
      const { escrow, receiver, merchant, feeRecipient, dueDate, create } = await loadFixture(hostileFixture);
      await receiver.setMode(Mode.Reject, ethers.ZeroAddress, "0x");
      const id = await create(ethers.ZeroAddress, merchant.address, await receiver.getAddress());
      await receiver.act(escrow, escrow.interface.encodeFunctionData("payNative", [id]), { value: AMOUNT / 2n });
      await expect(escrow.connect(merchant).refund(id, AMOUNT / 4n))
        .to.emit(escrow, "PayoutCredited")
        .withArgs(id, await receiver.getAddress(), ethers.ZeroAddress, AMOUNT / 4n);
      await time.increaseTo(dueDate + 1n);
      await receiver.act(escrow, escrow.interface.encodeFunctionData("reclaim", [id]));
      expect(await escrow.credits(receiver, ethers.ZeroAddress)).to.equal(AMOUNT / 2n);
      await expectExactBalance(escrow, ethers.ZeroAddress, [feeRecipient, receiver]);
    });
  });

  describe("a receiver that burns all the gas it gets", function () {
    it("as merchant gets only limited gas and a credit; the release goes through", async function () {
      const { escrow, receiver, payer, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(ethers.ZeroAddress, await receiver.getAddress());
      await escrow.connect(payer).payNative(id, { value: AMOUNT });
      await receiver.setMode(Mode.BurnGas, ethers.ZeroAddress, "0x");
      const tx = await escrow.connect(payer).release(id, AMOUNT, { gasLimit: 1_000_000 });
      const receipt = await tx.wait();
      expect(receipt!.gasUsed).to.be.lessThan(200_000n); // the receiver got 50,000 gas, not the 1,000,000 sent
      await expect(tx)
        .to.emit(escrow, "PayoutCredited")
        .withArgs(id, await receiver.getAddress(), ethers.ZeroAddress, AMOUNT - fee(AMOUNT));
      await expectExactBalance(escrow, ethers.ZeroAddress, [feeRecipient, receiver]);
    });

    it("as payer does not block the arbiter's split", async function () {
      const { escrow, receiver, merchant, arbiter, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(ethers.ZeroAddress, merchant.address, await receiver.getAddress());
      await receiver.act(escrow, escrow.interface.encodeFunctionData("payNative", [id]), { value: AMOUNT });
      await receiver.act(escrow, escrow.interface.encodeFunctionData("dispute", [id]));
      await receiver.setMode(Mode.BurnGas, ethers.ZeroAddress, "0x");
      const tx = await escrow.connect(arbiter).resolve(id, AMOUNT / 2n, AMOUNT / 2n);
      await expect(tx).to.changeEtherBalance(merchant, AMOUNT / 2n - fee(AMOUNT / 2n));
      expect(await escrow.credits(receiver, ethers.ZeroAddress)).to.equal(AMOUNT / 2n);
      await expectExactBalance(escrow, ethers.ZeroAddress, [feeRecipient, receiver]);
    });
  });

  describe("a receiver that calls back into the escrow", function () {
    it("cannot withdraw its credit twice", async function () {
      const { escrow, receiver, payer, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(ethers.ZeroAddress, await receiver.getAddress());
      await escrow.connect(payer).payNative(id, { value: AMOUNT });
      await receiver.setMode(Mode.Reject, ethers.ZeroAddress, "0x");
      await escrow.connect(payer).release(id, AMOUNT);
      const withdraw = escrow.interface.encodeFunctionData("withdraw", [ethers.ZeroAddress]);
      await receiver.setMode(Mode.Reenter, escrow, withdraw);
      const net = AMOUNT - fee(AMOUNT);
      await expect(receiver.act(escrow, withdraw)).to.changeEtherBalances([escrow, receiver], [-net, net]);
      expect(await receiver.lastCallSucceeded()).to.equal(false);
      expect(await receiver.lastCallError()).to.equal(reentrancyError(escrow));
      expect(await escrow.credits(receiver, ethers.ZeroAddress)).to.equal(0);
      await expectExactBalance(escrow, ethers.ZeroAddress, [feeRecipient, receiver]);
    });

    it("cannot claim from inside a release payout", async function () {
      const { escrow, receiver, payer, feeRecipient, create } = await loadFixture(hostileFixture);
      const id = await create(ethers.ZeroAddress, await receiver.getAddress());
      await escrow.connect(payer).payNative(id, { value: AMOUNT });
      await receiver.setMode(Mode.Reenter, escrow, escrow.interface.encodeFunctionData("claim", [id]));
      await escrow.connect(payer).release(id, AMOUNT / 2n);
      const held = await escrow.amountHeld(id);
      expect(held).to.equal(AMOUNT / 2n);
      expect((await escrow.getInvoice(id)).released).to.equal(AMOUNT / 2n);
      await expectExactBalance(escrow, ethers.ZeroAddress, [feeRecipient, receiver]);
    });
  });
});
