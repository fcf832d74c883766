import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { DAY } from "../helpers/constants";
import { deployEscrow, deployUsdc } from "../helpers/escrow";
import { NO_CURRENCY } from "../../core/invoice/currency";

/*
 * payMany: several invoices, of several merchants and tokens and ETH, paid in one transaction; all or nothing, each
 * invoice under the rules of a single payment, one pull per run of invoices in the same token.
 */

const usdc = (n: number) => ethers.parseUnits(String(n), 6);

describe("PaymentEscrow.payMany", function () {
  async function batchFixture() {
    const { escrow, admin, merchant, payer, arbiter, stranger, merchant2 } = await deployEscrow();
    const usd = await deployUsdc(escrow, [payer], usdc(1_000_000));
    const eur = await ethers.deployContract("TestToken", ["Euro Coin", "EURC", 6]);
    await eur.mint(payer, usdc(1_000_000));
    await eur.connect(payer).approve(escrow, ethers.MaxUint256);
    const dueDate = BigInt(await time.latest()) + BigInt(30 * DAY);
    /** Creates an invoice from `from` in `token` (ETH for the zero address) for `amount`, payer fixed unless `open`. */
    const create = async (from: typeof merchant, token: string, amount: bigint, open = false) => {
      await escrow.connect(from).createInvoice({
        payer: open ? ethers.ZeroAddress : payer.address,
        token,
        amount,
        dueDate,
        disputeWindow: DAY,
        arbiter: arbiter.address,
        maxFeeBps: 500,
        referenceHash: ethers.ZeroHash,
        currency: NO_CURRENCY,
      });
      return escrow.invoiceCount();
    };
    return { escrow, admin, merchant, merchant2, payer, stranger, usd, eur, create };
  }

  it("pays invoices of two merchants in two tokens and ETH in one transaction, one pull per token", async function () {
    const { escrow, merchant, merchant2, payer, usd, eur, create } = await loadFixture(batchFixture);
    const [a, b, c, d] = [
      await create(merchant, await usd.getAddress(), usdc(100)),
      await create(merchant2, await usd.getAddress(), usdc(50)),
      await create(merchant, await eur.getAddress(), usdc(70)),
      await create(merchant2, ethers.ZeroAddress, ethers.parseEther("1")),
    ];
    const tx = escrow.connect(payer).payMany([a, b, c, d], [usdc(100), usdc(30), usdc(70), ethers.parseEther("1")], {
      value: ethers.parseEther("1"),
    });
    await expect(tx)
      .to.emit(escrow, "InvoicePaid")
      .withArgs(a, payer.address, await usd.getAddress(), usdc(100), usdc(100));
    await expect(tx)
      .to.emit(escrow, "InvoicePaid")
      .withArgs(b, payer.address, await usd.getAddress(), usdc(30), usdc(30));
    await expect(tx).to.changeTokenBalances(usd, [payer, escrow], [-usdc(130), usdc(130)]);
    await expect(tx).to.changeTokenBalances(eur, [payer, escrow], [-usdc(70), usdc(70)]);
    const receipt = await (await tx).wait();
    const pulls = receipt!.logs.filter(
      (log) => log.address === usd.target && log.topics[0] === usd.interface.getEvent("Transfer").topicHash,
    );
    expect(pulls, "one transferFrom for the two USDC invoices").to.have.length(1);
    expect(await escrow.status(a)).to.equal(3n); // Paid
    expect(await escrow.status(b)).to.equal(2n); // PartiallyPaid: a named payer may pay in parts
    expect(await escrow.totalOwed(usd)).to.equal(usdc(130));
    expect(await escrow.totalOwed(ethers.ZeroAddress)).to.equal(ethers.parseEther("1"));
  });

  it("is all or nothing: one refused payment reverts the whole batch", async function () {
    const { escrow, merchant, payer, usd, create } = await loadFixture(batchFixture);
    const a = await create(merchant, await usd.getAddress(), usdc(100));
    const b = await create(merchant, await usd.getAddress(), usdc(100));
    await expect(escrow.connect(payer).payMany([a, b], [usdc(100), usdc(101)]))
      .to.be.revertedWithCustomError(escrow, "EscrowOverpayment")
      .withArgs(b, usdc(101), usdc(100));
    expect(await escrow.amountDue(a)).to.equal(usdc(100));
  });

  it("keeps each invoice's rules: an open invoice in full, the payer only, not paused", async function () {
    const { escrow, admin, merchant, payer, stranger, usd, create } = await loadFixture(batchFixture);
    const open = await create(merchant, await usd.getAddress(), usdc(100), true);
    await expect(escrow.connect(payer).payMany([open], [usdc(10)])).to.be.revertedWithCustomError(
      escrow,
      "EscrowOpenInvoiceNeedsFullPayment",
    );
    const fixed = await create(merchant, await usd.getAddress(), usdc(100));
    await expect(escrow.connect(stranger).payMany([fixed], [usdc(10)])).to.be.revertedWithCustomError(escrow, "EscrowNotPayer");
    await escrow.connect(admin).pause();
    await expect(escrow.connect(payer).payMany([fixed], [usdc(10)])).to.be.revertedWithCustomError(escrow, "EnforcedPause");
  });

  it("refuses lists of different lengths and an ETH value that is not the ETH invoices' total", async function () {
    const { escrow, merchant, payer, usd, create } = await loadFixture(batchFixture);
    const a = await create(merchant, await usd.getAddress(), usdc(100));
    const eth = await create(merchant, ethers.ZeroAddress, ethers.parseEther("1"));
    await expect(escrow.connect(payer).payMany([a], [usdc(1), usdc(2)]))
      .to.be.revertedWithCustomError(escrow, "EscrowBatchMismatch")
      .withArgs(1, 2, 0, 0);
    await expect(escrow.connect(payer).payMany([a, eth], [usdc(1), ethers.parseEther("1")], { value: ethers.parseEther("0.5") }))
      .to.be.revertedWithCustomError(escrow, "EscrowBatchMismatch")
      .withArgs(2, 2, ethers.parseEther("0.5"), ethers.parseEther("1"));
    await expect(escrow.connect(payer).payMany([a], [usdc(1)], { value: 1n })).to.be.revertedWithCustomError(escrow, "EscrowBatchMismatch");
  });

  it("pulls again when a token comes back after another, and checks what each pull delivered", async function () {
    const { escrow, merchant, payer, usd, eur, create } = await loadFixture(batchFixture);
    const ids = [
      await create(merchant, await usd.getAddress(), usdc(10)),
      await create(merchant, await eur.getAddress(), usdc(10)),
      await create(merchant, await usd.getAddress(), usdc(10)),
    ];
    await expect(escrow.connect(payer).payMany(ids, [usdc(10), usdc(10), usdc(10)])).to.changeTokenBalance(usd, escrow, usdc(20));
    const taxed = await ethers.deployContract("EscrowFeeOnTransferToken");
    await taxed.mint(payer, usdc(1000));
    await taxed.connect(payer).approve(escrow, ethers.MaxUint256);
    const t = await create(merchant, await taxed.getAddress(), usdc(10));
    await expect(escrow.connect(payer).payMany([t], [usdc(10)])).to.be.revertedWithCustomError(escrow, "EscrowTokenDeliveredLess");
  });

  it("pays nothing for an empty list", async function () {
    const { escrow, payer } = await loadFixture(batchFixture);
    await expect(escrow.connect(payer).payMany([], [])).not.to.be.reverted;
  });
});
