/**
 * core/backoff: the one retry-wait rule. Examples pin the doubling, the jitter and both Retry-After modes; fast-check
 * properties check the bounds over random schedules. Replay a failure with FC_SEED=<seed> FC_PATH=<path> (both printed
 * by fast-check).
 */
import { expect } from "chai";
import fc from "fast-check";
import { backoffDelayMs, type BackoffSchedule } from "../../core/backoff";
import { retryDelaySeconds } from "../../web/src/lib/api";

const replay = { seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined, path: process.env.FC_PATH, numRuns: 500 };

const scheduleArb: fc.Arbitrary<BackoffSchedule> = fc.record(
  {
    firstMs: fc.integer({ min: 0, max: 60_000 }),
    capMs: fc.integer({ min: 0, max: 600_000 }),
    random: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map((r) => () => r),
    retryAfter: fc.constantFrom("exact" as const, "atLeast" as const),
    retryAfterCapMs: fc.integer({ min: 0, max: 600_000 }),
  },
  { requiredKeys: ["firstMs", "capMs"] },
);
const retryArb = fc.integer({ min: -3, max: 2_000 });
const retryAfterArb = fc.option(fc.oneof(fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.constant(Number.NaN)), { nil: undefined });

describe("Core: the retry wait (core/backoff)", function () {
  it("doubles from the first wait up to the cap, without jitter whole numbers of ms", function () {
    const schedule = { firstMs: 500, capMs: 8_000 };
    expect([0, 1, 2, 3, 4, 5, 10, 5_000].map((retry) => backoffDelayMs(schedule, retry))).to.deep.equal([
      500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000,
    ]);
  });

  it("with equal jitter waits between half and all of the step", function () {
    const at = (r: number) => backoffDelayMs({ firstMs: 1_000, capMs: 10_000, random: () => r }, 2);
    expect([at(0), at(0.5), at(0.999)]).to.deep.equal([2_000, 3_000, 3_998]);
  });

  it("waits exactly the Retry-After by default, at least it with atLeast, each up to its own cap", function () {
    const exact = { firstMs: 500, capMs: 8_000, retryAfterCapMs: 60_000 };
    expect(backoffDelayMs(exact, 6, 3_000)).to.equal(3_000);
    expect(backoffDelayMs(exact, 0, 90_000)).to.equal(60_000);
    const atLeast = { firstMs: 1_000, capMs: 30_000, retryAfter: "atLeast" as const };
    expect(backoffDelayMs(atLeast, 4, 5_000)).to.equal(16_000);
    expect(backoffDelayMs(atLeast, 0, 5_000)).to.equal(5_000);
    expect(backoffDelayMs(atLeast, 0, 45_000)).to.equal(30_000);
  });

  it("ignores a Retry-After that is negative or not a number", function () {
    const schedule = { firstMs: 500, capMs: 8_000 };
    expect(backoffDelayMs(schedule, 1, -5)).to.equal(1_000);
    expect(backoffDelayMs(schedule, 1, Number.NaN)).to.equal(1_000);
  });

  it("keeps the page's figures: 1, 2, 4… s up to 30 s, never sooner than the API's Retry-After", function () {
    expect([0, 1, 2, 3, 4, 5, 9].map((attempt) => retryDelaySeconds(attempt))).to.deep.equal([1, 2, 4, 8, 16, 30, 30]);
    expect([retryDelaySeconds(0, 5), retryDelaySeconds(4, 5), retryDelaySeconds(0, 1.5), retryDelaySeconds(0, 120)]).to.deep.equal([
      5, 16, 1.5, 30,
    ]);
  });

  it("property: a wait is a whole, non-negative number of ms, never past the cap that applies", async function () {
    await fc.assert(
      fc.property(scheduleArb, retryArb, retryAfterArb, (schedule, retry, retryAfterMs) => {
        const delay = backoffDelayMs(schedule, retry, retryAfterMs);
        expect(Number.isInteger(delay) && delay >= 0, `got ${delay}`).to.equal(true);
        const asked = retryAfterMs !== undefined && retryAfterMs >= 0;
        const retryAfterCap = schedule.retryAfterCapMs ?? schedule.capMs;
        const cap = !asked ? schedule.capMs : schedule.retryAfter === "atLeast" ? Math.max(schedule.capMs, retryAfterCap) : retryAfterCap;
        expect(delay).to.be.at.most(Math.round(cap));
      }),
      replay,
    );
  });

  it("property: a Retry-After is honoured up to its own cap", async function () {
    await fc.assert(
      fc.property(scheduleArb, retryArb, fc.integer({ min: 0, max: 10_000_000 }), (schedule, retry, retryAfterMs) => {
        const delay = backoffDelayMs(schedule, retry, retryAfterMs);
        const honoured = Math.min(retryAfterMs, schedule.retryAfterCapMs ?? schedule.capMs);
        if (schedule.retryAfter === "atLeast") expect(delay).to.be.at.least(honoured);
        else expect(delay).to.equal(honoured);
      }),
      replay,
    );
  });

  it("property: without Retry-After the waits never shrink from one retry to the next (no jitter)", async function () {
    await fc.assert(
      fc.property(scheduleArb, fc.integer({ min: 0, max: 100 }), (schedule, retry) => {
        const plain = { firstMs: schedule.firstMs, capMs: schedule.capMs };
        expect(backoffDelayMs(plain, retry + 1)).to.be.at.least(backoffDelayMs(plain, retry));
      }),
      replay,
    );
  });
});
