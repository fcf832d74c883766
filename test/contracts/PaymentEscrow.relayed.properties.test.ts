import { expect } from "chai";
import hre, { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { RELAYED_PAYMENT_TYPES, relayDomain } from "../../core/relay";
import { NO_CURRENCY } from "../../core/invoice/currency";

/**
 * Relayed payments, as random sequences of submissions (with replays, altered amounts, other relayers and
 * cancellations) over a few signed payments:
 *  1. no signed payment is ever counted twice: each invoice's paid amount is the sum of the distinct signed payments
 *     that went through, and each nonce pays at most once;
 *  2. the books balance: the escrow's TestUSD balance equals what it owes, and the payer lost exactly what was paid.
 * Replay a failure with FC_SEED=<seed> FC_PATH=<path> (both printed on failure). FC_RUNS overrides the run count.
 */
const UNDER_COVERAGE = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
const RUNS = Number(process.env.FC_RUNS ?? (UNDER_COVERAGE ? 5 : 40));

describe("PaymentEscrow relayed payments (properties)", function () {
  async function deployFixture() {
    const [admin, merchant, payer, r1, r2] = await ethers.getSigners();
    const escrow = await ethers.deployContract("PaymentEscrow", [admin, admin, 100, [], false]);
    const token = await ethers.deployContract("TestUSD");
    await token.mint(payer, 10n ** 12n);
    await token.connect(payer).approve(escrow, ethers.MaxUint256);
    const due = BigInt(await time.latest()) + 30n * 24n * 3600n;
    for (let i = 0; i < 3; i++) {
      await escrow.connect(merchant).createInvoice({
        payer: payer.address,
        token,
        amount: 1_000_000n,
        dueDate: due,
        disputeWindow: 0,
        arbiter: ethers.ZeroAddress,
        maxFeeBps: 500,
        referenceHash: ethers.ZeroHash,
        currency: NO_CURRENCY,
      });
    }
    return { escrow, token, payer, relayers: [r1, r2] };
  }

  it("never counts a signed payment twice and keeps the books balanced", async function () {
    const step = fc.record({
      payment: fc.nat({ max: 4 }), // which of 5 signed payments
      relayer: fc.nat({ max: 1 }),
      alter: fc.nat({ max: 5 }).map((x) => x === 0), // one time in six the relayer changes the amount
      cancel: fc.nat({ max: 9 }).map((x) => x === 0), // one time in ten the payer cancels the nonce instead
    });
    const signed = fc.array(fc.record({ id: fc.integer({ min: 1, max: 3 }), amount: fc.integer({ min: 1, max: 400_000 }) }), {
      minLength: 5,
      maxLength: 5,
    });
    const property = fc.asyncProperty(signed, fc.array(step, { minLength: 1, maxLength: 12 }), async (specs, steps) => {
      const { escrow, token, payer, relayers } = await loadFixture(deployFixture);
      const deadline = BigInt(await time.latest()) + 3600n;
      const domain = relayDomain(31337n, await escrow.getAddress());
      const payments = specs.map((s, i) => ({
        id: BigInt(s.id),
        amount: BigInt(s.amount),
        payer: payer.address,
        nonce: BigInt(i),
        deadline,
      }));
      const signatures = await Promise.all(payments.map((p) => payer.signTypedData(domain, RELAYED_PAYMENT_TYPES, p)));
      const done = new Set<number>();
      const paid = new Map<bigint, bigint>();
      const start = await token.balanceOf(payer);
      for (const s of steps) {
        const p = payments[s.payment]!;
        if (s.cancel) {
          const ok = await escrow
            .connect(payer)
            .cancelRelayNonce(p.nonce)
            .then(
              () => true,
              () => false,
            );
          expect(ok).to.equal(!done.has(s.payment));
          done.add(s.payment);
          continue;
        }
        const sent = s.alter ? { ...p, amount: p.amount + 1n } : p;
        const due = 1_000_000n - (paid.get(p.id) ?? 0n);
        const ok = await escrow
          .connect(relayers[s.relayer]!)
          .payRelayed(sent, signatures[s.payment]!, { kind: 0, v: 0, r: ethers.ZeroHash, s: ethers.ZeroHash })
          .then(
            () => true,
            () => false,
          );
        expect(ok).to.equal(!s.alter && !done.has(s.payment) && p.amount <= due);
        if (ok) {
          done.add(s.payment);
          paid.set(p.id, (paid.get(p.id) ?? 0n) + p.amount);
        }
      }
      let total = 0n;
      for (const id of [1n, 2n, 3n]) {
        expect((await escrow.getInvoice(id)).paid).to.equal(paid.get(id) ?? 0n);
        total += paid.get(id) ?? 0n;
      }
      expect(await token.balanceOf(escrow)).to.equal(await escrow.totalOwed(token));
      expect(await escrow.totalOwed(token)).to.equal(total);
      expect(start - (await token.balanceOf(payer))).to.equal(total);
    });
    const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
    const details = await fc.check(property, { numRuns: RUNS, seed, path: process.env.FC_PATH, endOnFailure: true });
    if (details.failed) {
      console.error(`      replay with FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath}`);
      throw new Error(fc.defaultReportMessage(details));
    }
  });
});
