import { expect } from "chai";
import hre, { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse, Log } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { SOLIDITY_STATUS, type SolidityStatusName } from "../../core/invoice/status";
import { signPermit } from "../../scripts/lib/permit";
import { NO_CURRENCY } from "../../core/invoice/currency";

/*
 * Properties of PaymentEscrow over random sequences of 30 to 50 steps (create, pay in ERC-20, by permit or in ETH,
 * batches of one to four payments in one payMany (tokens and ETH mixed, all or nothing), release, claim, refund, reclaim, cancel, dispute, resolve, propose/accept a settlement, withdraw, fee collection,
 * fee changes, pause, time jumps, tokens and ETH sent to the escrow directly, sweeps) on several invoices, two
 * merchants, three payers, two ERC-20 tokens and ETH. A model written here predicts whether each step succeeds and
 * what it does; after EVERY step:
 *  1. for each token, the escrow's books ({totalOwed}) equal what its invoices hold plus every account's credit plus
 *     accrued fees, to the wei, and its balance is that plus the surplus the model expects (what was sent directly
 *     and not swept yet): a sweep takes exactly the surplus and never anything anyone is owed (issue 11.5);
 *  2. no invoice has paid out (per the events) more than was paid into it;
 *  3. each invoice's fees (per the events) are exactly the rate fixed at its creation on the total that went to the
 *     merchant, rounded down once, however the releases were split (issue 11.4);
 *  4. every invoice reads the status the model expects, reached by a transition the state machine allows;
 *  5. each step succeeded exactly when the model said it would, and every stored figure matches the model.
 * Replay a failure with FC_SEED=<seed> FC_PATH=<path> (both printed on failure). FC_RUNS overrides the run count.
 */

const DAY = 24n * 3600n;
const TIMEOUT = 30n * DAY;
const MAX_WINDOW = 90n * DAY;
/** Runs: 300, or 20 under solidity-coverage (instrumented transactions are far slower; examples cover every line). */
const UNDER_COVERAGE = (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;
const RUNS = Number(process.env.FC_RUNS ?? (UNDER_COVERAGE ? 20 : 300));

type Stored = "Open" | "Disputed" | "Refunded" | "Resolved" | "Cancelled";
type StatusName = Exclude<SolidityStatusName, "None">;

/** The transitions the state machine allows (a status may always stay as it is). */
const ALLOWED: Record<StatusName, StatusName[]> = {
  Open: ["PartiallyPaid", "Paid", "Cancelled", "Expired"],
  PartiallyPaid: ["Paid", "Refunded", "Expired"],
  Paid: ["Released", "Refunded", "Disputed"],
  Disputed: ["Resolved", "Refunded"],
  Expired: ["Refunded", "Cancelled"],
  Released: [],
  Refunded: [],
  Resolved: [],
  Cancelled: [],
};

// Actors, by index into the signer list: 0 admin, 1-2 merchants, 3-5 payers, 6 arbiter, 7 fee recipient.
const ADMIN = 0;
const MERCHANTS = [1, 2];
const PAYERS = [3, 4, 5];
const ARBITER = 6;
const FEE_RECIPIENT = 7;
const ACCOUNTS = [0, 1, 2, 3, 4, 5, 6, 7];

type PayKind = "rest" | "half" | "one" | "zero" | "over";
type OutKind = "all" | "quarter" | "zero" | "over";
type Step =
  | {
      kind: "create";
      merchant: number;
      payer: number;
      token: number;
      amount: bigint;
      dueIn: bigint;
      window: bigint;
      arbiter: boolean;
      maxFeeBps: bigint;
    }
  | { kind: "pay"; inv: number; right: boolean; who: number; part: PayKind; permit: boolean; wrongKind: boolean }
  | { kind: "payMany"; entries: Array<{ inv: number; part: PayKind }>; right: boolean; who: number; valueOff: boolean }
  | { kind: "release" | "refund"; inv: number; right: boolean; part: OutKind }
  | { kind: "claim" | "reclaim" | "cancel" | "dispute"; inv: number; right: boolean }
  | { kind: "resolve"; inv: number; right: boolean; percent: bigint; exact: boolean }
  | { kind: "propose"; inv: number; byMerchant: boolean; percent: bigint; right: boolean }
  | { kind: "accept"; inv: number; right: boolean; match: boolean }
  | { kind: "withdraw"; account: number; token: number }
  | { kind: "donate"; token: number; amount: bigint }
  | { kind: "sweep"; token: number; right: boolean }
  | { kind: "wait"; seconds: bigint }
  | { kind: "setFee"; bps: bigint }
  | { kind: "pause"; span: number };

const right = fc.integer({ min: 0, max: 4 }).map((x) => x !== 0); // the entitled party 4 times in 5
/** How much of what is due one payment pays (mostly the rest). */
const payPart = fc.constantFrom<PayKind>("rest", "rest", "rest", "rest", "half", "half", "one", "zero", "over");
/** The same for each payment of a batch, where one bad payment fails all: the rest far more often. */
const batchPart = fc.oneof({ weight: 12, arbitrary: fc.constant<PayKind>("rest") }, { weight: 4, arbitrary: payPart });
// Which invoice a step acts on: 4 times in 5 one of those the action suits (see SUITS), otherwise any invoice.
const inv = fc.nat({ max: 10_000 });
/** A step, drawn with the given weight per kind of step. */
/** Weight of each kind of step (release and refund share one, as do claim and reclaim). */
interface Weights {
  create: number;
  pay: number;
  payMany: number;
  releaseOrRefund: number;
  claimOrReclaim: number;
  cancel: number;
  dispute: number;
  resolve: number;
  propose: number;
  accept: number;
  withdraw: number;
  sweep: number;
  wait: number;
  setFee: number;
  pause: number;
}

function stepArbitrary(w: Weights): fc.Arbitrary<Step> {
  return fc.oneof(
    {
      weight: w.create,
      arbitrary: fc.record({
        kind: fc.constant("create" as const),
        merchant: fc.constantFrom(...MERCHANTS),
        payer: fc.constantFrom(-1, ...PAYERS), // -1: open to anyone
        token: fc.integer({ min: 0, max: 2 }), // 0 ETH, 1 and 2 ERC-20
        amount: fc.oneof(fc.bigInt({ min: 1n, max: 10_000n }), fc.bigInt({ min: 1n, max: 10n ** 19n })),
        dueIn: fc.oneof(
          { weight: 1, arbitrary: fc.constant(0n) },
          { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 5n * DAY }) },
          { weight: 15, arbitrary: fc.bigInt({ min: 5n * DAY, max: 60n * DAY }) },
        ),
        window: fc.oneof(
          { weight: 1, arbitrary: fc.constant(0n) },
          { weight: 6, arbitrary: fc.bigInt({ min: 1n, max: 10n * DAY }) },
          { weight: 1, arbitrary: fc.constant(MAX_WINDOW) },
        ),
        arbiter: fc.integer({ min: 0, max: 5 }).map((x) => x !== 0),
        // the merchant's fee cap: mostly the maximum, sometimes one the current rate may exceed
        maxFeeBps: fc.oneof({ weight: 4, arbitrary: fc.constant(500n) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 500n }) }),
      }),
    },
    {
      weight: w.pay,
      arbitrary: fc.record({
        kind: fc.constant("pay" as const),
        inv,
        right, // the invoice's payer (a random payer if it is open to anyone), otherwise `who`
        who: fc.integer({ min: 0, max: 4 }), // 0-2 payers, 3 the merchant, 4 the arbiter
        part: payPart,
        permit: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
        wrongKind: fc.integer({ min: 0, max: 15 }).map((x) => x === 0),
      }),
    },
    {
      weight: w.payMany,
      arbitrary: fc.record({
        kind: fc.constant("payMany" as const),
        // Invoices the caller may pay (the first one, as for pay, any invoice 1 time in 5); repeats are dropped.
        entries: fc.array(fc.record({ inv, part: batchPart }), { minLength: 1, maxLength: 4 }),
        right, // one of the payers, otherwise `who`
        who: fc.integer({ min: 0, max: 4 }), // 0-2 payers, 3 the first invoice's merchant, 4 the arbiter
        valueOff: fc.integer({ min: 0, max: 9 }).map((x) => x === 0), // msg.value one wei above the ETH total
      }),
    },
    {
      weight: w.releaseOrRefund,
      arbitrary: fc.record({
        kind: fc.constantFrom("release" as const, "refund" as const),
        inv,
        right,
        part: fc.constantFrom<OutKind>("all", "quarter", "quarter", "zero", "over"),
      }),
    },
    { weight: w.claimOrReclaim, arbitrary: fc.record({ kind: fc.constantFrom("claim" as const, "reclaim" as const), inv, right }) },
    { weight: w.cancel, arbitrary: fc.record({ kind: fc.constant("cancel" as const), inv, right: fc.boolean() }) },
    { weight: w.dispute, arbitrary: fc.record({ kind: fc.constant("dispute" as const), inv, right }) },
    {
      weight: w.resolve,
      arbitrary: fc.record({ kind: fc.constant("resolve" as const), inv, right, percent: fc.bigInt({ min: 0n, max: 100n }), exact: right }),
    },
    {
      weight: w.propose,
      arbitrary: fc.record({
        kind: fc.constant("propose" as const),
        inv,
        byMerchant: fc.boolean(),
        percent: fc.bigInt({ min: 0n, max: 110n }),
        right,
      }),
    },
    // The other party than the standing proposal's author 4 times in 5 (`right`), accepting its figure (`match`).
    { weight: w.accept, arbitrary: fc.record({ kind: fc.constant("accept" as const), inv, right, match: right }) },
    {
      weight: w.withdraw,
      arbitrary: fc.record({
        kind: fc.constant("withdraw" as const),
        // mostly the fee recipient: the one account credited when every counterparty accepts its payouts
        account: fc.oneof({ weight: 3, arbitrary: fc.constant(FEE_RECIPIENT) }, { weight: 1, arbitrary: fc.constantFrom(...ACCOUNTS) }),
        token: fc.integer({ min: 0, max: 2 }),
      }),
    },
    {
      weight: w.sweep,
      arbitrary: fc.record({
        kind: fc.constant("donate" as const),
        token: fc.integer({ min: 0, max: 2 }),
        amount: fc.bigInt({ min: 1n, max: 10n ** 18n }),
      }),
    },
    // The sweeper (admin) 4 times in 5, otherwise a merchant without the role.
    { weight: w.sweep, arbitrary: fc.record({ kind: fc.constant("sweep" as const), token: fc.integer({ min: 0, max: 2 }), right }) },
    {
      weight: w.wait,
      arbitrary: fc.record({
        kind: fc.constant("wait" as const),
        seconds: fc.oneof(
          { weight: 4, arbitrary: fc.bigInt({ min: 1n, max: DAY }) },
          { weight: 3, arbitrary: fc.bigInt({ min: DAY, max: 12n * DAY }) },
          { weight: 1, arbitrary: fc.bigInt({ min: 20n * DAY, max: 40n * DAY }) },
        ),
      }),
    },
    { weight: w.setFee, arbitrary: fc.record({ kind: fc.constant("setFee" as const), bps: fc.bigInt({ min: 0n, max: 500n }) }) },
    // Paused for the next `span` steps (the harness unpauses afterwards); pausing twice is refused.
    { weight: w.pause, arbitrary: fc.record({ kind: fc.constant("pause" as const), span: fc.integer({ min: 1, max: 4 }) }) },
  );
}

/** Three mixes of steps: everything; one that reaches disputes and settlements more often; one for expiry. */
const GENERAL: Weights = {
  create: 4,
  pay: 7,
  payMany: 3,
  releaseOrRefund: 4,
  claimOrReclaim: 2,
  cancel: 1,
  dispute: 5,
  resolve: 2,
  propose: 3,
  accept: 3,
  withdraw: 2,
  sweep: 1,
  wait: 3,
  setFee: 1,
  pause: 1,
};
const DISPUTES: Weights = {
  ...GENERAL,
  create: 3,
  pay: 8,
  payMany: 2,
  releaseOrRefund: 1,
  claimOrReclaim: 1,
  cancel: 0,
  dispute: 8,
  propose: 6,
  accept: 6,
  withdraw: 1,
  wait: 1,
};
const EXPIRY: Weights = { ...GENERAL, pay: 5, payMany: 2, claimOrReclaim: 6, dispute: 3, propose: 1, accept: 1, wait: 6 };
const sequenceArb = fc.oneof(
  fc.array(stepArbitrary(GENERAL), { minLength: 30, maxLength: 50, size: "max" }),
  fc.array(stepArbitrary(DISPUTES), { minLength: 30, maxLength: 50, size: "max" }),
  fc.array(stepArbitrary(EXPIRY), { minLength: 30, maxLength: 50, size: "max" }),
);

/** An invoice as the model sees it. */
interface ModelInvoice {
  id: bigint;
  merchant: number;
  payer: number | null;
  token: number;
  amount: bigint;
  due: bigint;
  window: bigint;
  arbiter: boolean;
  feeBps: bigint;
  paid: bigint;
  released: bigint;
  refunded: bigint;
  paidAt: bigint;
  disputedAt: bigint;
  stored: Stored;
  proposal: { byMerchant: boolean; toMerchant: bigint } | null;
  /** From the events: money in, money out (gross), fees, merchant's gross. */
  inflow: bigint;
  outflow: bigint;
  fees: bigint;
  merchantGross: bigint;
}

/** What a payment of `part` pays when `due` is left. */
function partOf(part: PayKind, due: bigint): bigint {
  return { rest: due, half: due / 2n, one: 1n, zero: 0n, over: due + 1n }[part];
}

/** Invoices each action suits, so that random sequences reach deep states (disputes, settlements) often. */
const SUITS: Record<string, (m: EscrowModel, i: ModelInvoice, t: bigint) => boolean> = {
  pay: (m, i, t) => ["Open", "PartiallyPaid"].includes(m.status(i, t)),
  release: (m, i) => m.held(i) > 0n,
  refund: (m, i) => m.held(i) > 0n,
  claim: (m, i, t) => m.status(i, t) === "Paid",
  reclaim: (m, i, t) => (m.status(i, t) === "Expired" && m.held(i) > 0n) || (i.stored === "Disputed" && t >= i.disputedAt + TIMEOUT),
  cancel: (m, i) => i.paid === 0n,
  dispute: (m, i, t) => m.status(i, t) === "Paid",
  resolve: (m, i) => i.stored === "Disputed",
  propose: (m, i) => i.stored === "Disputed",
  accept: (m, i) => i.stored === "Disputed",
};

/** PaymentEscrow's rules, written out independently of its storage layout. */
class EscrowModel {
  invoices: ModelInvoice[] = [];
  credits = new Map<string, bigint>(); // `${account}:${token}`
  fees = [0n, 0n, 0n]; // accrued protocol fees per token
  surplus = [0n, 0n, 0n]; // per token: sent to the escrow directly and not swept
  feeBps = 100n;
  paused = false;

  held(i: ModelInvoice): bigint {
    return i.paid - i.released - i.refunded;
  }

  status(i: ModelInvoice, t: bigint): StatusName {
    if (i.stored !== "Open") return i.stored;
    if (i.paid === i.amount) return this.held(i) > 0n ? "Paid" : i.released > 0n ? "Released" : "Refunded";
    if (t > i.due) return "Expired";
    return i.paid === 0n ? "Open" : "PartiallyPaid";
  }

  credit(account: number, token: number, amount: bigint): void {
    const key = `${account}:${token}`;
    this.credits.set(key, (this.credits.get(key) ?? 0n) + amount);
  }

  creditOf(account: number, token: number): bigint {
    return this.credits.get(`${account}:${token}`) ?? 0n;
  }

  /**
   * Whether `caller` may pay `amount` into `i` at time `t` as one payment (pause and payment kind aside): its payer
   * only, an invoice open to anyone in full and not by its merchant or arbiter (issue 11.1), before the due date.
   */
  mayPay(i: ModelInvoice, caller: number, amount: bigint, t: bigint): boolean {
    const due = i.amount - i.paid;
    const payerOk = i.payer === null ? caller !== i.merchant && !(i.arbiter && caller === ARBITER) && amount === due : caller === i.payer;
    return i.stored === "Open" && due > 0n && t <= i.due && payerOk && amount > 0n && amount <= due;
  }

  /** Records `caller`'s payment of `amount` into `i` at time `t` (binding an open invoice to it). */
  recordPayment(i: ModelInvoice, caller: number, amount: bigint, t: bigint): void {
    i.paid += amount;
    if (i.payer === null) i.payer = caller;
    if (i.paid === i.amount) i.paidAt = t;
  }

  /** Moves `toMerchant` (gross) to the merchant side and accrues the fee: the fee on the cumulative total. */
  payMerchant(i: ModelInvoice, toMerchant: bigint): void {
    const cumFee = (x: bigint) => (x * i.feeBps) / 10_000n;
    this.fees[i.token]! += cumFee(i.released + toMerchant) - cumFee(i.released);
    i.released += toMerchant;
  }
}

describe("PaymentEscrow properties", function () {
  this.timeout(600_000);

  async function deployFixture() {
    const signers = await ethers.getSigners();
    const escrow = await ethers.deployContract("PaymentEscrow", [signers[ADMIN]!, signers[FEE_RECIPIENT]!, 100, [], false]);
    const probe = await ethers.deployContract("EscrowProbe");
    const tokenA = await ethers.deployContract("TestToken", ["Token A", "TKA", 18]);
    const tokenB = await ethers.deployContract("TestToken", ["Token B", "TKB", 6]);
    for (const p of [...PAYERS, ...MERCHANTS, ARBITER]) {
      for (const token of [tokenA, tokenB]) {
        await token.mint(signers[p]!, 10n ** 30n);
        await token.connect(signers[p]!).approve(escrow, ethers.MaxUint256);
      }
    }
    return { escrow, probe, tokenA, tokenB, signers };
  }

  it("keeps the books exact and the state machine legal over random sequences", async function () {
    const { escrow, probe, tokenA, tokenB, signers } = await loadFixture(deployFixture);
    const tokens = [ethers.ZeroAddress, await tokenA.getAddress(), await tokenB.getAddress()];
    const escrowAddress = await escrow.getAddress();
    const addresses = signers.map((s) => s.address);

    /** Steps tried and steps that succeeded, per kind: shows that the runs reach every path. */
    const tally = new Map<string, { tried: number; ok: number }>();
    const property = fc.asyncProperty(sequenceArb, async (steps) => {
      await loadFixture(deployFixture);
      const model = new EscrowModel();
      let now = BigInt(await time.latest());
      let previous = new Map<bigint, StatusName>();

      /** Sends one transaction at the next second; returns its receipt logs, or null if it reverted. */
      const send = async (signer: HardhatEthersSigner, build: (gas: { gasLimit: number }) => Promise<ContractTransactionResponse>) => {
        now += 1n;
        await time.setNextBlockTimestamp(now);
        try {
          const tx = await build({ gasLimit: 3_000_000 });
          const receipt = await tx.wait();
          return receipt!.logs as Log[];
        } catch (error) {
          const message = String((error as Error).message);
          if (!message.includes("reverted")) throw error;
          return null;
        }
      };

      let unpauseAt = 0;

      for (const [n, step] of steps.entries()) {
        if (model.paused && n >= unpauseAt) {
          expect(await send(signers[ADMIN]!, (o) => escrow.connect(signers[ADMIN]!).unpause(o))).to.not.equal(null);
          model.paused = false;
        }
        const t = now + 1n; // the timestamp of this step's transaction
        /** The invoice `index` picks: 4 times in 5 one that `kind` suits (and `fits`), otherwise any. */
        const pick = (kind: string, index: number, fits: (i: ModelInvoice) => boolean = () => true): ModelInvoice => {
          const all = [...model.invoices].reverse();
          const suited = all.filter((i) => SUITS[kind]!(model, i, t) && fits(i));
          const pool = index % 5 !== 0 && suited.length > 0 ? suited : all;
          return pool[Math.floor(index / 5) % pool.length]!;
        };
        const target = "inv" in step && model.invoices.length > 0 ? pick(step.kind, step.inv) : null;
        let expected: boolean;
        let logs: Log[] | null = null;
        let apply = () => {};

        switch (step.kind) {
          case "create": {
            const payer = step.payer < 0 ? null : step.payer;
            const due = t + step.dueIn;
            expected = !model.paused && due > t && model.feeBps <= step.maxFeeBps;
            const terms = {
              payer: payer === null ? ethers.ZeroAddress : addresses[payer]!,
              token: tokens[step.token]!,
              amount: step.amount,
              dueDate: due,
              disputeWindow: step.window,
              arbiter: step.arbiter ? addresses[ARBITER]! : ethers.ZeroAddress,
              maxFeeBps: step.maxFeeBps,
              referenceHash: ethers.toBeHex(n + 1, 32),
              currency: NO_CURRENCY,
            };
            logs = await send(signers[step.merchant]!, (o) => escrow.connect(signers[step.merchant]!).createInvoice(terms, o));
            apply = () =>
              void model.invoices.push({
                id: BigInt(model.invoices.length + 1),
                merchant: step.merchant,
                payer,
                token: step.token,
                amount: step.amount,
                due,
                window: step.window,
                arbiter: step.arbiter,
                feeBps: model.feeBps,
                paid: 0n,
                released: 0n,
                refunded: 0n,
                paidAt: 0n,
                disputedAt: 0n,
                stored: "Open",
                proposal: null,
                inflow: 0n,
                outflow: 0n,
                fees: 0n,
                merchantGross: 0n,
              });
            break;
          }
          case "pay": {
            if (!target) continue;
            const anyone = step.who < 3 ? PAYERS[step.who]! : step.who === 3 ? target.merchant : ARBITER;
            const caller = step.right ? (target.payer ?? PAYERS[step.who % 3]!) : anyone;
            const amount = partOf(step.part, target.amount - target.paid);
            const native = target.token === 0;
            const useNative = step.wrongKind ? !native : native;
            expected = !model.paused && useNative === native && model.mayPay(target, caller, amount, t);
            const signer = signers[caller]!;
            if (useNative) {
              logs = await send(signer, (o) => escrow.connect(signer).payNative(target.id, { ...o, value: amount }));
            } else if (step.permit && !native) {
              // The permit replaces the standing allowance; the payment then spends it, so approve again afterwards.
              const token = target.token === 1 ? tokenA : tokenB;
              const p = await signPermit(token, signer, escrowAddress, amount, t + 3600n);
              logs = await send(signer, (o) => escrow.connect(signer).payWithPermit(target.id, amount, p.deadline, p.v, p.r, p.s, o));
              await token.connect(signer).approve(escrow, ethers.MaxUint256);
              now = BigInt(await time.latest());
            } else {
              logs = await send(signer, (o) => escrow.connect(signer).pay(target.id, amount, o));
            }
            apply = () => model.recordPayment(target, caller, amount, t);
            break;
          }
          case "payMany": {
            if (model.invoices.length === 0) continue;
            const caller = step.right ? PAYERS[step.who % 3]! : step.who < 3 ? PAYERS[step.who]! : step.who === 3 ? MERCHANTS[0]! : ARBITER;
            const payableBy = (i: ModelInvoice) => i.payer === null || i.payer === caller;
            const batch = new Map<bigint, { invoice: ModelInvoice; amount: bigint }>();
            for (const [k, entry] of step.entries.entries()) {
              const invoice = pick("pay", k === 0 ? entry.inv : entry.inv * 5 + 1, payableBy);
              if (!batch.has(invoice.id)) batch.set(invoice.id, { invoice, amount: partOf(entry.part, invoice.amount - invoice.paid) });
            }
            const payments = [...batch.values()];
            const nativeTotal = payments.reduce((sum, p) => sum + (p.invoice.token === 0 ? p.amount : 0n), 0n);
            expected = !model.paused && !step.valueOff && payments.every((p) => model.mayPay(p.invoice, caller, p.amount, t));
            const signer = signers[caller]!;
            logs = await send(signer, (o) =>
              escrow.connect(signer).payMany(
                payments.map((p) => p.invoice.id),
                payments.map((p) => p.amount),
                { ...o, value: nativeTotal + (step.valueOff ? 1n : 0n) },
              ),
            );
            apply = () => payments.forEach((p) => model.recordPayment(p.invoice, caller, p.amount, t));
            break;
          }
          case "release": {
            if (!target) continue;
            const caller = step.right ? (target.payer ?? PAYERS[0]!) : target.merchant;
            const held = model.held(target);
            const amount = { all: held, quarter: held / 4n > 0n ? held / 4n : 1n, zero: 0n, over: held + 1n }[step.part];
            expected =
              target.stored === "Open" &&
              target.payer !== null &&
              caller === target.payer &&
              !(target.paid < target.amount && t > target.due) &&
              amount > 0n &&
              amount <= held;
            logs = await send(signers[caller]!, (o) => escrow.connect(signers[caller]!).release(target.id, amount, o));
            apply = () => model.payMerchant(target, amount);
            break;
          }
          case "refund": {
            if (!target) continue;
            const caller = step.right ? target.merchant : (target.payer ?? PAYERS[0]!);
            const held = model.held(target);
            const amount = { all: held, quarter: held / 4n > 0n ? held / 4n : 1n, zero: 0n, over: held + 1n }[step.part];
            expected = target.stored === "Open" && caller === target.merchant && amount > 0n && amount <= held;
            logs = await send(signers[caller]!, (o) => escrow.connect(signers[caller]!).refund(target.id, amount, o));
            apply = () => {
              target.refunded += amount;
              if (amount === held && target.paid < target.amount) target.stored = "Refunded";
            };
            break;
          }
          case "claim": {
            if (!target) continue;
            const caller = step.right ? target.merchant : (target.payer ?? PAYERS[0]!);
            const held = model.held(target);
            expected =
              target.stored === "Open" &&
              caller === target.merchant &&
              target.paid === target.amount &&
              held > 0n &&
              t >= target.paidAt + target.window;
            logs = await send(signers[caller]!, (o) => escrow.connect(signers[caller]!).claim(target.id, o));
            apply = () => model.payMerchant(target, held);
            break;
          }
          case "reclaim": {
            if (!target) continue;
            const caller = step.right ? (target.payer ?? PAYERS[0]!) : target.merchant;
            const held = model.held(target);
            const afterDispute = target.stored === "Disputed";
            const expired = target.stored === "Open" && target.paid < target.amount && t > target.due;
            expected =
              ((afterDispute && t >= target.disputedAt + TIMEOUT) || expired) &&
              held > 0n &&
              target.payer !== null &&
              caller === target.payer;
            logs = await send(signers[caller]!, (o) => escrow.connect(signers[caller]!).reclaim(target.id, o));
            apply = () => {
              target.refunded += held;
              target.stored = "Refunded"; // after expiry as after a timed-out dispute (issue 11.7)
            };
            break;
          }
          case "cancel": {
            if (!target) continue;
            const caller = step.right ? target.merchant : (target.payer ?? PAYERS[0]!);
            expected = target.stored === "Open" && caller === target.merchant && target.paid === 0n;
            logs = await send(signers[caller]!, (o) => escrow.connect(signers[caller]!).cancel(target.id, o));
            apply = () => void (target.stored = "Cancelled");
            break;
          }
          case "dispute": {
            if (!target) continue;
            const caller = step.right ? (target.payer ?? PAYERS[0]!) : target.merchant;
            expected =
              target.stored === "Open" &&
              target.payer !== null &&
              caller === target.payer &&
              target.paid === target.amount &&
              model.held(target) > 0n &&
              target.arbiter &&
              t < target.paidAt + target.window;
            logs = await send(signers[caller]!, (o) => escrow.connect(signers[caller]!).dispute(target.id, o));
            apply = () => {
              target.stored = "Disputed";
              target.disputedAt = t;
            };
            break;
          }
          case "resolve": {
            if (!target) continue;
            const caller = step.right ? ARBITER : target.merchant;
            const held = model.held(target);
            const toMerchant = (held * step.percent) / 100n;
            const toPayer = held - toMerchant + (step.exact ? 0n : 1n);
            // The arbiter only before the dispute times out (issue 11.8).
            expected = target.stored === "Disputed" && caller === ARBITER && step.exact && t < target.disputedAt + TIMEOUT;
            logs = await send(signers[caller]!, (o) => escrow.connect(signers[caller]!).resolve(target.id, toMerchant, toPayer, o));
            apply = () => {
              model.payMerchant(target, toMerchant);
              target.refunded += toPayer;
              target.stored = "Resolved";
            };
            break;
          }
          case "propose": {
            if (!target) continue;
            const party = step.byMerchant ? target.merchant : (target.payer ?? PAYERS[0]!);
            const caller = step.right ? party : ARBITER;
            const held = model.held(target);
            const toMerchant = (held * step.percent) / 100n;
            expected = target.stored === "Disputed" && caller === party && toMerchant <= held;
            logs = await send(signers[caller]!, (o) => escrow.connect(signers[caller]!).proposeSettlement(target.id, toMerchant, o));
            apply = () => void (target.proposal = { byMerchant: step.byMerchant, toMerchant });
            break;
          }
          case "accept": {
            if (!target) continue;
            const proposal = target.proposal;
            const byMerchant = proposal === null ? false : step.right ? !proposal.byMerchant : proposal.byMerchant;
            const caller = byMerchant ? target.merchant : (target.payer ?? PAYERS[0]!);
            const figure = (proposal?.toMerchant ?? 0n) + (step.match ? 0n : 1n);
            expected = target.stored === "Disputed" && proposal !== null && proposal.byMerchant !== byMerchant && step.match;
            logs = await send(signers[caller]!, (o) => escrow.connect(signers[caller]!).acceptSettlement(target.id, figure, o));
            apply = () => {
              const held = model.held(target);
              model.payMerchant(target, figure);
              target.refunded += held - figure;
              target.stored = "Resolved";
            };
            break;
          }
          case "withdraw": {
            const signer = signers[step.account]!;
            if (step.account === FEE_RECIPIENT) {
              expected = model.fees[step.token]! > 0n;
              logs = await send(signer, (o) => escrow.connect(signer).collectFees(tokens[step.token]!, o));
              apply = () => void (model.fees[step.token] = 0n);
              break;
            }
            const credit = model.creditOf(step.account, step.token);
            expected = credit > 0n;
            logs = await send(signer, (o) => escrow.connect(signer).withdraw(tokens[step.token]!, o));
            apply = () => void model.credits.set(`${step.account}:${step.token}`, 0n);
            break;
          }
          case "donate": {
            // Tokens minted to the escrow, or ETH forced into it: nobody's, so surplus.
            if (step.token === 0) {
              const balance = await ethers.provider.getBalance(escrowAddress);
              await hre.network.provider.send("hardhat_setBalance", [escrowAddress, ethers.toQuantity(balance + step.amount)]);
            } else {
              now += 1n;
              await time.setNextBlockTimestamp(now);
              await (step.token === 1 ? tokenA : tokenB).connect(signers[ADMIN]!).mint(escrowAddress, step.amount);
            }
            expected = true;
            logs = [];
            apply = () => void (model.surplus[step.token]! += step.amount);
            break;
          }
          case "sweep": {
            const caller = step.right ? ADMIN : MERCHANTS[0]!;
            const surplus = model.surplus[step.token]!;
            expected = step.right && surplus > 0n;
            logs = await send(signers[caller]!, (o) =>
              escrow.connect(signers[caller]!).sweep(tokens[step.token]!, addresses[MERCHANTS[1]!]!, o),
            );
            if (logs !== null) {
              const swept = logs.map((l) => escrow.interface.parseLog(l)).find((e) => e?.name === "Swept");
              expect(swept?.args.amount, "sweep takes exactly the surplus").to.equal(surplus);
            }
            apply = () => void (model.surplus[step.token] = 0n);
            break;
          }
          case "setFee": {
            expected = true;
            logs = await send(signers[ADMIN]!, (o) => escrow.connect(signers[ADMIN]!).setFeeBps(step.bps, o));
            apply = () => void (model.feeBps = step.bps);
            break;
          }
          case "pause": {
            expected = !model.paused;
            logs = await send(signers[ADMIN]!, (o) => escrow.connect(signers[ADMIN]!).pause(o));
            apply = () => {
              model.paused = true;
              unpauseAt = n + step.span;
            };
            break;
          }
          case "wait": {
            now += step.seconds;
            await time.increaseTo(now);
            expected = true;
            logs = [];
            break;
          }
        }

        const where = `step ${n} ${JSON.stringify(step, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
        expect(logs !== null, `${where}: success was ${logs !== null}, the model expected ${expected}`).to.equal(expected);
        const seen = tally.get(step.kind) ?? { tried: 0, ok: 0 };
        tally.set(step.kind, { tried: seen.tried + 1, ok: seen.ok + (expected ? 1 : 0) });
        if (logs === null) continue;
        apply();

        // Money in and out per the events, independently of the escrow's counters.
        for (const log of logs) {
          if (log.address !== escrowAddress) continue;
          const event = escrow.interface.parseLog(log);
          if (!event) continue;
          const i = model.invoices[Number(event.args.id ?? 0n) - 1];
          if (!i) continue;
          const a = event.args;
          switch (event.name) {
            case "InvoicePaid":
              i.inflow += a.amount as bigint;
              expect(a.totalPaid, where).to.equal(i.paid);
              break;
            case "InvoiceReleased":
            case "InvoiceClaimed":
              i.outflow += a.toMerchant as bigint;
              i.merchantGross += a.toMerchant as bigint;
              i.fees += a.fee as bigint;
              break;
            case "InvoiceRefunded":
            case "InvoiceReclaimed":
              i.outflow += a.toPayer as bigint;
              break;
            case "InvoiceResolved":
            case "InvoiceSettled":
              i.outflow += (a.toMerchant as bigint) + (a.toPayer as bigint);
              i.merchantGross += a.toMerchant as bigint;
              i.fees += a.fee as bigint;
              break;
          }
        }

        // The chain, in one read.
        const [at, balances, credits, invoices] = await probe.snapshot(escrow, tokens, addresses.slice(0, ACCOUNTS.length));
        expect(invoices.length, where).to.equal(model.invoices.length);
        for (const [ti] of tokens.entries()) {
          let owed = 0n;
          for (const inv of invoices) if (inv.token === tokens[ti]) owed += inv.paid - inv.released - inv.refunded;
          for (const account of ACCOUNTS) {
            const onChain = credits[account * tokens.length + ti]!;
            expect(onChain, `${where}: credit of actor ${account} in token ${ti}`).to.equal(model.creditOf(account, ti));
            owed += onChain;
          }
          owed += model.fees[ti]!;
          expect(await escrow.feesAccrued(tokens[ti]!), `${where}: fees accrued in token ${ti}`).to.equal(model.fees[ti]);
          expect(await escrow.totalOwed(tokens[ti]!), `${where}: books of token ${ti} (held + credits + fees)`).to.equal(owed); // property 1
          expect(balances[ti], `${where}: escrow balance of token ${ti} (owed + surplus)`).to.equal(owed + model.surplus[ti]!);
          expect(await escrow.surplus(tokens[ti]!), `${where}: surplus of token ${ti}`).to.equal(model.surplus[ti]);
        }
        const statuses = new Map<bigint, StatusName>();
        for (const [k, m] of model.invoices.entries()) {
          const c = invoices[k]!;
          const label = `${where}: invoice ${m.id}`;
          expect([c.paid, c.released, c.refunded, c.payer], label).to.deep.equal([
            m.paid,
            m.released,
            m.refunded,
            m.payer === null ? ethers.ZeroAddress : addresses[m.payer],
          ]);
          expect(m.inflow, label).to.equal(m.paid);
          expect(m.outflow, `${label}: paid out more than paid in`).to.be.lte(m.inflow); // property 2
          expect(c.feeBps, label).to.equal(m.feeBps);
          expect(m.fees, `${label}: fees other than the rate fixed at creation on the total`).to.equal(
            (m.merchantGross * m.feeBps) / 10_000n,
          ); // property 3
          const status = SOLIDITY_STATUS[Number(c.status)] as StatusName;
          expect(status, label).to.equal(model.status(m, at)); // property 4
          const before = previous.get(m.id);
          if (before !== undefined && before !== status) {
            expect(ALLOWED[before], `${label}: ${before} -> ${status}`).to.include(status);
          }
          statuses.set(m.id, status);
        }
        previous = statuses;
      }
    });

    const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
    const path = process.env.FC_PATH;
    const started = Date.now();
    // No shrinking (endOnFailure): each run replays dozens of transactions; the seed and path replay the failure.
    const details = await fc.check(property, { numRuns: RUNS, seed, path, endOnFailure: true });
    const summary = [...tally.entries()].map(([kind, c]) => `${kind} ${c.ok}/${c.tried}`).join(", ");
    console.log(`      ${details.numRuns} runs in ${((Date.now() - started) / 1000).toFixed(1)} s; steps succeeded/tried: ${summary}`);
    if (details.failed) {
      console.error(`      replay with FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath}`);
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(`${cause}\n${fc.defaultReportMessage(details)}`);
    }
  });
});
