import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { SOLIDITY_STATUS_VALUE } from "../../core/invoice/status";
import { deriveInvoiceStatus, statusFromValue, type InvoiceState } from "../../core/invoice/status";
import { DAY, DISPUTE_TIMEOUT as TIMEOUT, WINDOW } from "../helpers/constants";
import { deployEscrow, deployUsdc } from "../helpers/escrow";
import { NO_CURRENCY } from "../../core/invoice/currency";

/*
 * PaymentEscrow's state-transition table: every action tried from every status by the party entitled to it, with
 * amounts that are valid where the action is allowed. A cell is either the status the invoice moves to or the
 * custom error (with its arguments) the action reverts with. "wait" lets the due date pass.
 */

const AMOUNT = 1_000_000n;
const PART = AMOUNT / 10n;

const Status = SOLIDITY_STATUS_VALUE;
type StatusName = keyof typeof Status;

const ACTIONS = [
  "payPart",
  "payRest",
  "releasePart",
  "releaseAll",
  "claim",
  "refundPart",
  "refundAll",
  "reclaim",
  "cancel",
  "dispute",
  "resolve",
  "propose",
  "accept",
  "wait",
] as const;
type Action = (typeof ACTIONS)[number];

/** What an invoice in a situation knows about itself, for error arguments. */
interface Context {
  id: bigint;
  paidAt: bigint;
  disputedAt: bigint;
}
type Outcome = StatusName | [error: string, args: (c: Context) => unknown[]];

const invalid = (status: StatusName): Outcome => ["EscrowInvalidStatus", (c) => [c.id, Status[status]]];
/** A row where every action but `wait` reverts with EscrowInvalidStatus(status), and waiting changes nothing. */
const frozen = (status: StatusName): Record<Action, Outcome> =>
  Object.fromEntries(ACTIONS.map((a) => [a, a === "wait" ? status : invalid(status)])) as Record<Action, Outcome>;

const paidRow = (claim: Outcome, dispute: Outcome): Record<Action, Outcome> => ({
  payPart: invalid("Paid"),
  payRest: invalid("Paid"),
  releasePart: "Paid",
  releaseAll: "Released",
  claim,
  refundPart: "Paid",
  refundAll: "Refunded",
  reclaim: invalid("Paid"),
  cancel: invalid("Paid"),
  dispute,
  resolve: invalid("Paid"),
  propose: invalid("Paid"),
  accept: invalid("Paid"),
  wait: "Paid",
});

const disputedRow = (reclaim: Outcome): Record<Action, Outcome> => ({
  ...frozen("Disputed"),
  reclaim,
  resolve: "Resolved",
  propose: "Disputed",
  accept: "Resolved",
});

/** Situations an invoice can be in, each reached from a fresh invoice; the status it reads is the row's name. */
const TABLE: Record<string, { status: StatusName; row: Record<Action, Outcome> }> = {
  Open: {
    status: "Open",
    row: {
      ...frozen("Open"),
      payPart: "PartiallyPaid",
      payRest: "Paid",
      cancel: "Cancelled",
      wait: "Expired",
    },
  },
  PartiallyPaid: {
    status: "PartiallyPaid",
    row: {
      ...frozen("PartiallyPaid"),
      payPart: "PartiallyPaid",
      payRest: "Paid",
      releasePart: "PartiallyPaid",
      releaseAll: "PartiallyPaid",
      refundPart: "PartiallyPaid",
      refundAll: "Refunded",
      wait: "Expired",
    },
  },
  "Paid, window open": {
    status: "Paid",
    row: paidRow(["EscrowDisputeWindowOpen", (c) => [c.id, c.paidAt + BigInt(WINDOW)]], "Disputed"),
  },
  "Paid, window over": {
    status: "Paid",
    row: paidRow("Released", ["EscrowDisputeWindowClosed", (c) => [c.id, c.paidAt + BigInt(WINDOW)]]),
  },
  Disputed: {
    status: "Disputed",
    row: disputedRow(["EscrowDisputeNotTimedOut", (c) => [c.id, c.disputedAt + BigInt(TIMEOUT)]]),
  },
  "Disputed, timed out": {
    status: "Disputed",
    row: { ...disputedRow("Refunded"), resolve: ["EscrowDisputeTimedOut", (c) => [c.id, c.disputedAt + BigInt(TIMEOUT)]] },
  },
  Released: { status: "Released", row: frozen("Released") },
  "Refunded, fully paid": { status: "Refunded", row: frozen("Refunded") },
  "Refunded, partly paid": { status: "Refunded", row: frozen("Refunded") },
  "Refunded after a dispute": { status: "Refunded", row: frozen("Refunded") },
  Resolved: { status: "Resolved", row: frozen("Resolved") },
  Cancelled: { status: "Cancelled", row: frozen("Cancelled") },
  "Expired, funds held": {
    status: "Expired",
    row: { ...frozen("Expired"), refundPart: "Expired", refundAll: "Refunded", reclaim: "Refunded" },
  },
  "Expired, nothing held": {
    status: "Expired",
    row: { ...frozen("Expired"), reclaim: ["EscrowNothingToReclaim", (c) => [c.id]], cancel: "Cancelled" },
  },
};

describe("PaymentEscrow state transitions", function () {
  async function deployFixture() {
    const { escrow, merchant, payer, arbiter } = await deployEscrow();
    const token = await deployUsdc(escrow, [payer], AMOUNT * 10n);
    const dueDate = BigInt(await time.latest()) + BigInt(60 * DAY);
    await escrow.connect(merchant).createInvoice({
      payer: payer.address,
      token: await token.getAddress(),
      amount: AMOUNT,
      dueDate,
      disputeWindow: WINDOW,
      arbiter: arbiter.address,
      maxFeeBps: 100,
      referenceHash: ethers.ZeroHash,
      currency: NO_CURRENCY,
    });
    return { escrow, merchant, payer, arbiter, dueDate, id: 1n };
  }
  type Fixture = Awaited<ReturnType<typeof deployFixture>>;

  const passDueDate = async ({ dueDate }: Fixture) => {
    const now = BigInt(await time.latest());
    await time.increaseTo((now > dueDate ? now : dueDate) + 1n);
  };

  /** The steps that bring the invoice into each situation. */
  const SETUPS: Record<string, (f: Fixture) => Promise<void>> = {
    Open: async () => {},
    PartiallyPaid: async (f) => void (await f.escrow.connect(f.payer).pay(f.id, 4n * PART)),
    "Paid, window open": async (f) => void (await f.escrow.connect(f.payer).pay(f.id, AMOUNT)),
    "Paid, window over": async (f) => {
      await f.escrow.connect(f.payer).pay(f.id, AMOUNT);
      await time.increase(WINDOW);
    },
    Disputed: async (f) => {
      await f.escrow.connect(f.payer).pay(f.id, AMOUNT);
      await f.escrow.connect(f.payer).dispute(f.id);
    },
    "Disputed, timed out": async (f) => {
      await SETUPS.Disputed!(f);
      await time.increase(TIMEOUT);
    },
    Released: async (f) => {
      await f.escrow.connect(f.payer).pay(f.id, AMOUNT);
      await f.escrow.connect(f.payer).release(f.id, AMOUNT);
    },
    "Refunded, fully paid": async (f) => {
      await f.escrow.connect(f.payer).pay(f.id, AMOUNT);
      await f.escrow.connect(f.merchant).refund(f.id, AMOUNT);
    },
    "Refunded, partly paid": async (f) => {
      await f.escrow.connect(f.payer).pay(f.id, PART);
      await f.escrow.connect(f.merchant).refund(f.id, PART);
    },
    "Refunded after a dispute": async (f) => {
      await SETUPS["Disputed, timed out"]!(f);
      await f.escrow.connect(f.payer).reclaim(f.id);
    },
    Resolved: async (f) => {
      await SETUPS.Disputed!(f);
      await f.escrow.connect(f.arbiter).resolve(f.id, PART, AMOUNT - PART);
    },
    Cancelled: async (f) => void (await f.escrow.connect(f.merchant).cancel(f.id)),
    "Expired, funds held": async (f) => {
      await f.escrow.connect(f.payer).pay(f.id, 4n * PART);
      await passDueDate(f);
    },
    "Expired, nothing held": passDueDate,
  };

  /** Sends `action` from the party entitled to it, with amounts valid where the action is allowed. */
  async function act(f: Fixture, action: Action) {
    const { escrow, merchant, payer, arbiter, id } = f;
    const held = await escrow.amountHeld(id);
    const due = await escrow.amountDue(id);
    const orOne = (x: bigint) => (x > 0n ? x : 1n);
    switch (action) {
      case "payPart":
        return escrow.connect(payer).pay(id, PART);
      case "payRest":
        return escrow.connect(payer).pay(id, orOne(due));
      case "releasePart":
        return escrow.connect(payer).release(id, orOne(held / 4n));
      case "releaseAll":
        return escrow.connect(payer).release(id, orOne(held));
      case "claim":
        return escrow.connect(merchant).claim(id);
      case "refundPart":
        return escrow.connect(merchant).refund(id, orOne(held / 4n));
      case "refundAll":
        return escrow.connect(merchant).refund(id, orOne(held));
      case "reclaim":
        return escrow.connect(payer).reclaim(id);
      case "cancel":
        return escrow.connect(merchant).cancel(id);
      case "dispute":
        return escrow.connect(payer).dispute(id);
      case "resolve":
        return escrow.connect(arbiter).resolve(id, held / 2n, held - held / 2n);
      case "propose":
        return escrow.connect(merchant).proposeSettlement(id, held / 2n);
      case "accept":
        if ((await escrow.status(id)) === BigInt(Status.Disputed)) await escrow.connect(merchant).proposeSettlement(id, held / 2n);
        return escrow.connect(payer).acceptSettlement(id, held / 2n);
      case "wait":
        return passDueDate(f);
    }
  }

  /**
   * core/invoice/status's derivation (what the indexer, API and page compute) gives the contract's status() for the
   * invoice as it is now. The stored state is what time cannot change; an invoice in any other status is stored open.
   */
  async function expectCoreAgrees({ escrow, id }: Fixture) {
    const [invoice, onChain, now] = await Promise.all([escrow.getInvoice(id), escrow.status(id), time.latest()]);
    const status = statusFromValue(onChain)!;
    const stored: readonly string[] = ["disputed", "resolved", "cancelled"];
    const refundedEarly = status === "refunded" && invoice.paid !== invoice.amount;
    const state = (stored.includes(status) || refundedEarly ? status : "open") as InvoiceState;
    const held = invoice.paid - invoice.released - invoice.refunded;
    const inputs = { state, amount: invoice.amount, paid: invoice.paid, released: invoice.released, held, dueDate: invoice.dueDate };
    expect(deriveInvoiceStatus(inputs, BigInt(now))).to.equal(status);
  }

  for (const [situation, { status, row }] of Object.entries(TABLE)) {
    describe(`from ${situation}`, function () {
      const fixture = async function () {
        const f = await deployFixture();
        await SETUPS[situation]!(f);
        const invoice = await f.escrow.getInvoice(f.id);
        return { ...f, context: { id: f.id, paidAt: invoice.paidAt, disputedAt: invoice.disputedAt } };
      };

      it(`reads ${status}`, async function () {
        const f = await loadFixture(fixture);
        expect(await f.escrow.status(f.id)).to.equal(Status[status]);
        await expectCoreAgrees(f);
      });

      for (const action of ACTIONS) {
        const outcome = row[action];
        const title = typeof outcome === "string" ? `${action} -> ${outcome}` : `${action} reverts with ${outcome[0]}`;
        it(title, async function () {
          const f = await loadFixture(fixture);
          if (typeof outcome === "string") {
            await act(f, action);
            expect(await f.escrow.status(f.id)).to.equal(Status[outcome]);
            await expectCoreAgrees(f);
          } else {
            await expect(act(f, action))
              .to.be.revertedWithCustomError(f.escrow, outcome[0])
              .withArgs(...outcome[1](f.context));
          }
        });
      }
    });
  }

  it("never reaches a status outside the table", function () {
    const reached = new Set<string>(Object.values(TABLE).map((s) => s.status));
    for (const { row } of Object.values(TABLE)) for (const o of Object.values(row)) if (typeof o === "string") reached.add(o);
    expect([...reached].sort()).to.deep.equal(
      Object.keys(Status)
        .filter((s) => s !== "None")
        .sort(),
    );
  });
});
