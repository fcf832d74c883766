import { expect } from "chai";
import { describeRegression, gasRegressions } from "../../bench/lib/gas-check";

describe("gas snapshot check", function () {
  const committed = { "escrow.release": 60_000, "escrow.refund": 50_000, "staking.claim": 53_000 };

  it("passes figures up to 1% above the committed ones, and cheaper ones", function () {
    expect(gasRegressions(committed, { "escrow.release": 60_600, "escrow.refund": 40_000, "staking.claim": 53_000 })).to.deep.equal([]);
  });

  it("names each operation more than 1% above its committed figure, with both figures and the ratio", function () {
    const regressions = gasRegressions(committed, { "escrow.release": 60_601, "escrow.refund": 55_000, "staking.claim": 53_000 });
    expect(regressions.map((r) => r.operation)).to.deep.equal(["escrow.release", "escrow.refund"]);
    expect(describeRegression(regressions[1])).to.equal("escrow.refund: 55,000 gas, committed 50,000, ratio 1.1000 (over 1.01)");
  });

  it("fails an operation the run no longer measures and passes a new one", function () {
    const regressions = gasRegressions(committed, { "escrow.release": 60_000, "escrow.refund": 50_000, "escrow.new": 1 });
    expect(regressions.map(describeRegression)).to.deep.equal(["staking.claim: not measured any more (committed 53,000 gas)"]);
  });
});
