import { expect } from "chai";
import { type ActionableInvoice, availableActions, minimumPayment, paymentCall, rolesOf } from "../../core/invoice/actions";

const MERCHANT = "0x1000000000000000000000000000000000000001";
const PAYER = "0x2000000000000000000000000000000000000002";
const ARBITER = "0x3000000000000000000000000000000000000003";
const ZERO = "0x0000000000000000000000000000000000000000";

describe("core/invoice/actions", function () {
  describe("minimumPayment", function () {
    it("is the whole amount due for an invoice open to anyone (PaymentEscrow refuses a part)", function () {
      expect(minimumPayment({ payer: null }, 500n)).to.equal(500n);
      expect(minimumPayment({ payer: ZERO }, 500n)).to.equal(500n);
    });
    it("is one base unit for a named payer, who may pay in parts", function () {
      expect(minimumPayment({ payer: PAYER }, 500n)).to.equal(1n);
    });
  });

  describe("paymentCall", function () {
    const TOKEN = "0x4000000000000000000000000000000000000004";
    it("is payPriced for an invoice priced in a currency and not paid yet (amount 0), whatever its token", function () {
      expect(paymentCall({ token: TOKEN, amount: 0n, pricing: { currency: "EUR" } })).to.equal("payPriced");
      expect(paymentCall({ token: ZERO, amount: "0", pricing: { currency: "USD" } })).to.equal("payPriced");
    });
    it("is pay or payNative once its payment converted the price, as for an invoice priced in its token", function () {
      expect(paymentCall({ token: TOKEN, amount: 12_500_000n, pricing: { currency: "EUR" } })).to.equal("pay");
      expect(paymentCall({ token: ZERO, amount: "5000", pricing: { currency: "USD" } })).to.equal("payNative");
      expect(paymentCall({ token: TOKEN, amount: "10", pricing: null })).to.equal("pay");
      expect(paymentCall({ token: ZERO, amount: 10n, pricing: null })).to.equal("payNative");
    });
  });

  describe("a dispute's timeout", function () {
    const disputed: ActionableInvoice = {
      status: "disputed",
      arbiter: ARBITER,
      paid: 100n,
      held: 100n,
      due: 0n,
      paidAt: 1_000,
      disputeWindow: 86_400,
      disputedAt: 2_000,
      disputeTimeout: 30 * 86_400,
    };
    const timeoutAt = 2_000 + 30 * 86_400;
    const parties = { merchant: MERCHANT, payer: PAYER, arbiter: ARBITER };

    it("lets the arbiter resolve until the second before it, never from it on (EscrowDisputeTimedOut)", function () {
      const arbiter = rolesOf(parties, ARBITER);
      expect(availableActions(disputed, arbiter, timeoutAt - 1).resolve).to.equal(true);
      expect(availableActions(disputed, arbiter, timeoutAt).resolve).to.equal(false);
    });

    it("lets the payer reclaim from that second on, so the two never race", function () {
      const payer = rolesOf(parties, PAYER);
      expect(availableActions(disputed, payer, timeoutAt - 1).reclaim).to.deep.equal({ now: false, from: timeoutAt });
      expect(availableActions(disputed, payer, timeoutAt).reclaim).to.deep.equal({ now: true });
    });
  });
});
