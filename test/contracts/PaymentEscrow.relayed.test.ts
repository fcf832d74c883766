import { expect } from "chai";
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { PaymentEscrow, TestUSD } from "../../typechain-types";
import { PERMIT_TYPES } from "../../core/permit";
import { RECEIVE_WITH_AUTHORIZATION_TYPES, RELAYED_PAYMENT_TYPES, type RelayedPayment, TOKEN_PULL, relayDomain } from "../../core/relay";
import { NO_CURRENCY } from "../../core/invoice/currency";

const DAY = 24 * 3600;
const usdc = (n: number | string) => ethers.parseUnits(String(n), 6);
const AMOUNT = usdc(250);
const REF = ethers.id("relayed invoice");
const PULL = TOKEN_PULL;
const NO_SIG = { v: 0, r: ethers.ZeroHash, s: ethers.ZeroHash };

/** The payer's EIP-712 signature of `payment` for `escrow` (chainId overridable to model another chain). */
async function signPayment(escrow: PaymentEscrow, signer: Signer, payment: RelayedPayment, chainId = 31337n) {
  return signer.signTypedData(relayDomain(chainId, await escrow.getAddress()), RELAYED_PAYMENT_TYPES, payment);
}

/** The payer's EIP-3009 receiveWithAuthorization to the escrow, bound to the payment by its digest. */
async function signReceive(token: TestUSD, escrow: PaymentEscrow, signer: Signer, payment: RelayedPayment, nonce: string) {
  const domain = { name: "USD Coin (test)", version: "2", chainId: 31337n, verifyingContract: await token.getAddress() };
  const message = {
    from: payment.payer,
    to: await escrow.getAddress(),
    value: payment.amount,
    validAfter: 0n,
    validBefore: payment.deadline,
    nonce,
  };
  const sig = ethers.Signature.from(await signer.signTypedData(domain, RECEIVE_WITH_AUTHORIZATION_TYPES, message));
  return { v: sig.v, r: sig.r, s: sig.s };
}

/** The payer's EIP-2612 permit for the escrow of the payment's amount until its deadline. */
async function signPermitFor(token: TestUSD, escrow: PaymentEscrow, signer: Signer, payment: RelayedPayment) {
  const domain = { name: "USD Coin (test)", version: "2", chainId: 31337n, verifyingContract: await token.getAddress() };
  const message = {
    owner: payment.payer,
    spender: await escrow.getAddress(),
    value: payment.amount,
    nonce: await token.nonces(payment.payer),
    deadline: payment.deadline,
  };
  const sig = ethers.Signature.from(await signer.signTypedData(domain, PERMIT_TYPES, message));
  return { v: sig.v, r: sig.r, s: sig.s };
}

describe("PaymentEscrow relayed payments", function () {
  /** The escrow, TestUSD, a funded payer with no ETH needs, and two invoices to the payer plus one open invoice. */
  async function deployFixture() {
    const [admin, merchant, payer, relayer, stranger, arbiter] = await ethers.getSigners();
    const escrow = await ethers.deployContract("PaymentEscrow", [admin, admin, 100, [], false]);
    const token = await ethers.deployContract("TestUSD");
    await token.mint(payer, usdc(10_000));
    const due = BigInt(await time.latest()) + BigInt(30 * DAY);
    const create = async (who: string, tokenAddress = token.target as string) => {
      await escrow.connect(merchant).createInvoice({
        payer: who,
        token: tokenAddress,
        amount: AMOUNT,
        dueDate: due,
        disputeWindow: 7 * DAY,
        arbiter: arbiter.address,
        maxFeeBps: 500,
        referenceHash: REF,
        currency: NO_CURRENCY,
      });
      return escrow.invoiceCount();
    };
    const id = await create(payer.address);
    const other = await create(payer.address);
    const open = await create(ethers.ZeroAddress);
    const native = await create(payer.address, ethers.ZeroAddress);
    const deadline = BigInt(await time.latest()) + 3600n;
    const payment: RelayedPayment = { id, amount: AMOUNT, payer: payer.address, nonce: 7n, deadline };
    return { escrow, token, admin, merchant, payer, relayer, stranger, arbiter, id, other, open, native, payment };
  }

  describe("with an EIP-3009 authorisation", function () {
    it("pulls the tokens and records the payment as the payer's", async function () {
      const { escrow, token, payer, relayer, payment } = await loadFixture(deployFixture);
      const signature = await signPayment(escrow, payer, payment);
      const digest = await escrow.relayedPaymentDigest(payment);
      const auth = await signReceive(token, escrow, payer, payment, digest);
      const tx = escrow.connect(relayer).payRelayed(payment, signature, { kind: PULL.ReceiveWithAuthorization, ...auth });
      await expect(tx).to.emit(escrow, "InvoicePaid").withArgs(payment.id, payer.address, token.target, AMOUNT, AMOUNT);
      await expect(tx)
        .to.emit(escrow, "RelayedPaymentSubmitted")
        .withArgs(payment.id, payer.address, relayer.address, payment.nonce, PULL.ReceiveWithAuthorization);
      await expect(tx).to.changeTokenBalances(token, [payer, escrow], [-AMOUNT, AMOUNT]);
      expect(await escrow.relayNonceUsed(payer, payment.nonce)).to.equal(true);
      expect(await token.authorizationState(payer, digest)).to.equal(true);
    });

    it("refuses a replay of the same signed payment", async function () {
      const { escrow, token, payer, relayer, payment } = await loadFixture(deployFixture);
      const part = { ...payment, amount: usdc(100) };
      const signature = await signPayment(escrow, payer, part);
      const auth = await signReceive(token, escrow, payer, part, await escrow.relayedPaymentDigest(part));
      await escrow.connect(relayer).payRelayed(part, signature, { kind: PULL.ReceiveWithAuthorization, ...auth });
      await expect(escrow.connect(relayer).payRelayed(part, signature, { kind: PULL.ReceiveWithAuthorization, ...auth }))
        .to.be.revertedWithCustomError(escrow, "EscrowRelayNonceUsed")
        .withArgs(payer.address, payment.nonce);
      expect(await escrow.amountDue(payment.id)).to.equal(AMOUNT - usdc(100));
    });

    it("cannot be spent by anyone but the escrow (a front-runner cannot redirect it)", async function () {
      const { escrow, token, payer, stranger, payment } = await loadFixture(deployFixture);
      const digest = await escrow.relayedPaymentDigest(payment);
      const auth = await signReceive(token, escrow, payer, payment, digest);
      await expect(
        token.connect(stranger).receiveWithAuthorization(payer, escrow, AMOUNT, 0, payment.deadline, digest, auth.v, auth.r, auth.s),
      )
        .to.be.revertedWithCustomError(token, "TestUSDCallerNotPayee")
        .withArgs(stranger.address, await escrow.getAddress());
      await expect(
        token.connect(stranger).transferWithAuthorization(payer, escrow, AMOUNT, 0, payment.deadline, digest, auth.v, auth.r, auth.s),
      ).to.be.revertedWithCustomError(token, "TestUSDInvalidSigner");
    });

    it("refuses a token authorisation bound to another payment", async function () {
      const { escrow, token, payer, relayer, payment } = await loadFixture(deployFixture);
      const signature = await signPayment(escrow, payer, payment);
      const wrongNonce = await escrow.relayedPaymentDigest({ ...payment, nonce: 8n });
      const auth = await signReceive(token, escrow, payer, payment, wrongNonce);
      await expect(
        escrow.connect(relayer).payRelayed(payment, signature, { kind: PULL.ReceiveWithAuthorization, ...auth }),
      ).to.be.revertedWithCustomError(token, "TestUSDInvalidSigner");
    });
  });

  describe("with an EIP-2612 permit", function () {
    it("pulls the tokens with the permit", async function () {
      const { escrow, token, payer, relayer, payment } = await loadFixture(deployFixture);
      const signature = await signPayment(escrow, payer, payment);
      const permit = await signPermitFor(token, escrow, payer, payment);
      const tx = escrow.connect(relayer).payRelayed(payment, signature, { kind: PULL.Permit, ...permit });
      await expect(tx).to.changeTokenBalances(token, [payer, escrow], [-AMOUNT, AMOUNT]);
    });

    it("goes through when a front-runner submitted the permit first", async function () {
      const { escrow, token, payer, relayer, stranger, payment } = await loadFixture(deployFixture);
      const signature = await signPayment(escrow, payer, payment);
      const permit = await signPermitFor(token, escrow, payer, payment);
      await token.connect(stranger).permit(payer, escrow, AMOUNT, payment.deadline, permit.v, permit.r, permit.s);
      const tx = escrow.connect(relayer).payRelayed(payment, signature, { kind: PULL.Permit, ...permit });
      await expect(tx).to.changeTokenBalances(token, [payer, escrow], [-AMOUNT, AMOUNT]);
    });
  });

  describe("with an existing allowance", function () {
    it("pulls the tokens from the payer, not from the relayer", async function () {
      const { escrow, token, payer, relayer, payment } = await loadFixture(deployFixture);
      await token.connect(payer).approve(escrow, AMOUNT);
      const signature = await signPayment(escrow, payer, payment);
      const tx = escrow.connect(relayer).payRelayed(payment, signature, { kind: PULL.Allowance, ...NO_SIG });
      await expect(tx).to.changeTokenBalances(token, [payer, escrow, relayer], [-AMOUNT, AMOUNT, 0]);
    });

    it("binds an open invoice to the signer, paid in full", async function () {
      const { escrow, token, payer, relayer, open, payment } = await loadFixture(deployFixture);
      await token.connect(payer).approve(escrow, AMOUNT);
      const p = { ...payment, id: open };
      await escrow.connect(relayer).payRelayed(p, await signPayment(escrow, payer, p), { kind: PULL.Allowance, ...NO_SIG });
      expect((await escrow.getInvoice(open)).payer).to.equal(payer.address);
    });

    it("refuses a part payment of an open invoice", async function () {
      const { escrow, token, payer, relayer, open, payment } = await loadFixture(deployFixture);
      await token.connect(payer).approve(escrow, AMOUNT);
      const p = { ...payment, id: open, amount: usdc(1) };
      await expect(escrow.connect(relayer).payRelayed(p, await signPayment(escrow, payer, p), { kind: PULL.Allowance, ...NO_SIG }))
        .to.be.revertedWithCustomError(escrow, "EscrowOpenInvoiceNeedsFullPayment")
        .withArgs(open, usdc(1), AMOUNT);
    });
  });

  describe("refusals", function () {
    /** A payment signed as `payment`, submitted with fields changed by `change`. */
    async function submitAltered(change: (p: RelayedPayment, f: Awaited<ReturnType<typeof deployFixture>>) => RelayedPayment) {
      const f = await loadFixture(deployFixture);
      await f.token.connect(f.payer).approve(f.escrow, ethers.MaxUint256);
      const signature = await signPayment(f.escrow, f.payer, f.payment);
      const altered = change(f.payment, f);
      // The digest first: the transaction's rejection must not wait unhandled behind another call.
      const digest = await f.escrow.relayedPaymentDigest(altered);
      const tx = f.escrow.connect(f.relayer).payRelayed(altered, signature, { kind: PULL.Allowance, ...NO_SIG });
      return { ...f, tx, altered, digest };
    }

    it("refuses the signature for another invoice", async function () {
      const { escrow, tx, payer, digest } = await submitAltered((p, f) => ({ ...p, id: f.other }));
      await expect(tx).to.be.revertedWithCustomError(escrow, "EscrowRelayInvalidSignature").withArgs(payer.address, digest);
    });

    it("refuses the signature for another amount", async function () {
      const { escrow, tx, payer, digest } = await submitAltered((p) => ({ ...p, amount: p.amount - 1n }));
      await expect(tx).to.be.revertedWithCustomError(escrow, "EscrowRelayInvalidSignature").withArgs(payer.address, digest);
    });

    it("refuses the signature for another payer", async function () {
      const { escrow, tx, stranger, digest } = await submitAltered((p, f) => ({ ...p, payer: f.stranger.address }));
      await expect(tx).to.be.revertedWithCustomError(escrow, "EscrowRelayInvalidSignature").withArgs(stranger.address, digest);
    });

    it("refuses a signature made for another chain", async function () {
      const { escrow, token, payer, relayer, payment } = await loadFixture(deployFixture);
      await token.connect(payer).approve(escrow, AMOUNT);
      const signature = await signPayment(escrow, payer, payment, 1n);
      await expect(escrow.connect(relayer).payRelayed(payment, signature, { kind: PULL.Allowance, ...NO_SIG }))
        .to.be.revertedWithCustomError(escrow, "EscrowRelayInvalidSignature")
        .withArgs(payer.address, await escrow.relayedPaymentDigest(payment));
    });

    it("refuses a payment at or after its deadline", async function () {
      const { escrow, token, payer, relayer, payment } = await loadFixture(deployFixture);
      await token.connect(payer).approve(escrow, AMOUNT);
      const signature = await signPayment(escrow, payer, payment);
      await time.setNextBlockTimestamp(payment.deadline);
      await expect(escrow.connect(relayer).payRelayed(payment, signature, { kind: PULL.Allowance, ...NO_SIG }))
        .to.be.revertedWithCustomError(escrow, "EscrowRelayExpired")
        .withArgs(payment.deadline, payment.deadline);
    });

    it("refuses a nonce the payer cancelled", async function () {
      const { escrow, token, payer, relayer, payment } = await loadFixture(deployFixture);
      await token.connect(payer).approve(escrow, AMOUNT);
      const signature = await signPayment(escrow, payer, payment);
      await expect(escrow.connect(payer).cancelRelayNonce(payment.nonce))
        .to.emit(escrow, "RelayNonceCancelled")
        .withArgs(payer.address, payment.nonce);
      await expect(escrow.connect(payer).cancelRelayNonce(payment.nonce))
        .to.be.revertedWithCustomError(escrow, "EscrowRelayNonceUsed")
        .withArgs(payer.address, payment.nonce);
      await expect(escrow.connect(relayer).payRelayed(payment, signature, { kind: PULL.Allowance, ...NO_SIG }))
        .to.be.revertedWithCustomError(escrow, "EscrowRelayNonceUsed")
        .withArgs(payer.address, payment.nonce);
    });

    it("refuses a native-ETH invoice", async function () {
      const { escrow, payer, relayer, native, payment } = await loadFixture(deployFixture);
      const p = { ...payment, id: native };
      await expect(escrow.connect(relayer).payRelayed(p, await signPayment(escrow, payer, p), { kind: PULL.Allowance, ...NO_SIG }))
        .to.be.revertedWithCustomError(escrow, "EscrowWrongPaymentKind")
        .withArgs(native, ethers.ZeroAddress);
    });

    it("refuses payments while paused", async function () {
      const { escrow, admin, payer, relayer, payment } = await loadFixture(deployFixture);
      const signature = await signPayment(escrow, payer, payment);
      await escrow.connect(admin).pause();
      await expect(
        escrow.connect(relayer).payRelayed(payment, signature, { kind: PULL.Allowance, ...NO_SIG }),
      ).to.be.revertedWithCustomError(escrow, "EnforcedPause");
    });

    it("signs the digest an EIP-712 wallet computes for this chain and escrow", async function () {
      const { escrow, payment } = await loadFixture(deployFixture);
      expect(await escrow.relayedPaymentDigest(payment)).to.equal(
        ethers.TypedDataEncoder.hash(
          { name: "Settle PaymentEscrow", version: "1", chainId: 31337n, verifyingContract: await escrow.getAddress() },
          RELAYED_PAYMENT_TYPES,
          payment,
        ),
      );
    });
  });
});
