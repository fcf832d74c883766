import { expect } from "chai";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { StakingRewardsAbi } from "../../core/abis/StakingRewards";
import { describeContractError, findRevertData, DESCRIBED_ERRORS } from "../../core/revert";

const format = { amount: (v: unknown) => `${String(v)} u`, dateTime: (s: number) => `t${s}`, address: (a: string) => a.slice(0, 6) };

describe("core/revert", function () {
  it("has a sentence for every custom error a user can meet in the escrow and the staking pool", function () {
    // Errors only an operator (role holder) or a broken contract can meet: the tasks name them, the page never shows them.
    const operatorOnly = new Set([
      "AccessControlBadConfirmation",
      "ExpectedPause",
      "ReentrancyGuardReentrantCall",
      "SafeCastOverflowedUintDowncast",
      "EscrowZeroAddress",
      "EscrowZeroFeeRecipient",
      "StakingZeroAddress",
      "StakingInvalidDuration",
      "StakingNothingToDistribute",
      "StakingPeriodRunning",
      "StakingRewardTooLarge",
      "StakingTokenNotRecoverable",
    ]);
    const errors = [...PaymentEscrowAbi, ...StakingRewardsAbi]
      .flatMap((item) => (item.type === "error" ? [item.name] : []))
      .filter((name) => !operatorOnly.has(name));
    const missing = errors.filter((name) => !DESCRIBED_ERRORS.includes(name));
    expect(missing, `no sentence for ${missing.join(", ")}`).to.deep.equal([]);
  });

  it("fills the sentence with the error's arguments", function () {
    expect(describeContractError("EscrowOverpayment", [1n, 10n, 4n], format)).to.equal(
      "That is more than is due: only 4 u is left to pay.",
    );
    expect(describeContractError("EscrowInvalidStatus", [7n, 9n], format)).to.equal("Invoice #7 is expired, so this is not possible now.");
    expect(describeContractError("NoSuchError", [], format)).to.equal(undefined);
  });

  it("finds revert data nested in provider errors", function () {
    const data = "0x12345678" + "00".repeat(32);
    expect(findRevertData({ info: { error: { data } } })).to.equal(data);
    expect(findRevertData({ cause: { error: { data: { data } } } })).to.equal(data);
    expect(findRevertData(new Error("no data"))).to.equal(undefined);
  });
});
