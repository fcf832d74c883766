import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { sendOrSimulate } from "../../tasks/lib/send";
import { loadSettle } from "../../tasks/lib/settle";
import { CliError } from "../../tasks/lib/cli";
import { MAX_BATCH_INVOICES } from "../../core/invoice/limits";
import { runJson, runTask } from "../helpers/task-runner";

describe("Hardhat tasks", function () {
  let dir: string;
  let snapshot: string;
  let accounts: string[];

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "settle-tasks-"));
    process.env.SETTLE_DEPLOYMENTS_DIR = dir;
    accounts = (await ethers.getSigners()).map((s) => s.address);
    const deploy = await runTask("settle:deploy");
    expect(deploy.failed, deploy.err).to.equal(false);
    snapshot = await ethers.provider.send("evm_snapshot", []);
  });

  afterEach(async function () {
    await ethers.provider.send("evm_revert", [snapshot]);
    snapshot = await ethers.provider.send("evm_snapshot", []);
  });

  after(function () {
    delete process.env.SETTLE_DEPLOYMENTS_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  describe("settle:deploy", function () {
    it("reuses the contracts already on the chain", async function () {
      const run = await runTask("settle:deploy");
      expect(run.out).to.contain("reusing them");
    });
  });

  describe("token:balance", function () {
    it("shows a funded test account's SETL", async function () {
      const result = await runJson("token:balance", { account: "1" });
      expect(result.account).to.equal(accounts[1]);
      expect(result.balance).to.equal(ethers.parseEther("10000").toString());
    });

    it("refuses a malformed address", async function () {
      const run = await runTask("token:balance", { account: "0x1234" });
      expect(run.failed).to.equal(true);
      expect(run.err).to.match(/^error: bad account "0x1234": use a 0x address or an account index/);
    });
  });

  describe("token:transfer", function () {
    it("sends SETL in human units", async function () {
      await runJson("token:transfer", { to: "2", amount: "12.5", from: "1" });
      expect((await runJson("token:balance", { account: "2" })).balance).to.equal(ethers.parseEther("10012.5").toString());
    });

    it("says by how much the balance is short", async function () {
      const run = await runTask("token:transfer", { to: "2", amount: "10000.5", from: "1" });
      expect(run.failed).to.equal(true);
      expect(run.err).to.contain("needs 10000.5 SETL (short by 0.5 SETL)");
    });

    it("refuses an amount that is not a number", async function () {
      const run = await runTask("token:transfer", { to: "2", amount: "12,5", from: "1" });
      expect(run.err).to.match(/^error: bad amount "12,5"/);
    });

    it("changes nothing with --dry-run", async function () {
      const run = await runTask("token:transfer", { to: "2", amount: "1", from: "1", dryRun: true });
      expect(run.out).to.match(/dry run: .* would succeed/);
      expect((await runJson("token:balance", { account: "2" })).balance).to.equal(ethers.parseEther("10000").toString());
    });
  });

  describe("token:mint", function () {
    it("mints for a minter", async function () {
      await runJson("token:mint", { to: "5", amount: "500" });
      expect((await runJson("token:balance", { account: "5" })).balance).to.equal(ethers.parseEther("500").toString());
    });

    it("names the missing role", async function () {
      const run = await runTask("token:mint", { to: "5", amount: "1", from: "1" });
      expect(run.err).to.contain(`${accounts[1]} lacks MINTER_ROLE on SettleToken`);
    });
  });

  describe("staking", function () {
    it("stakes with a permit, earns, claims and unstakes", async function () {
      await runJson("staking:stake", { amount: "100", from: "1" });
      expect((await runJson("token:balance", { account: "1" })).staked).to.equal(ethers.parseEther("100").toString());
      await time.increase(3600);
      const claim = await runJson("staking:claim", { from: "1" });
      expect(BigInt(claim.reward)).to.be.greaterThan(0n);
      await runJson("staking:unstake", { amount: "40", from: "1" });
      expect((await runJson("token:balance", { account: "1" })).staked).to.equal(ethers.parseEther("60").toString());
      await runJson("staking:unstake", { all: true, from: "1" });
      expect((await runJson("token:balance", { account: "1" })).staked).to.equal("0");
    });

    it("stakes with approve + stake when asked", async function () {
      await runJson("staking:stake", { amount: "5", from: "2", approve: true });
      expect((await runJson("token:balance", { account: "2" })).staked).to.equal(ethers.parseEther("5").toString());
    });

    it("refuses to unstake more than is staked", async function () {
      await runJson("staking:stake", { amount: "1", from: "1" });
      const run = await runTask("staking:unstake", { amount: "2", from: "1" });
      expect(run.err).to.contain("has only 1.0 SETL staked (short by 1.0)");
    });

    it("funds a period only for the distributor", async function () {
      const refused = await runTask("rewards:fund", { amount: "10", from: "1" });
      expect(refused.err).to.contain("lacks REWARDS_DISTRIBUTOR_ROLE on StakingRewards");
      await runJson("rewards:fund", { amount: "10" });
      const status = await runJson("rewards:status", { account: "1" });
      expect(status.running).to.equal(true as unknown as string);
    });
  });

  describe("invoices", function () {
    const create = (args: Record<string, unknown>) =>
      runJson("invoice:create", { amount: "100", token: "SETL", due: "7d", window: "1d", ...args });
    const show = async (id: string) => (await runJson("invoice:show", { id })) as Record<string, string>;

    it("creates, pays by permit, releases in parts and is claimed after the window", async function () {
      const created = await create({ payer: "2", arbiter: "3", reference: "order 42" });
      expect(created.invoice).to.equal("1");
      expect((await show("1")).status).to.equal("Open");
      await runJson("invoice:pay", { id: "1", permit: true, from: "2" });
      expect((await show("1")).status).to.equal("Paid");
      await runJson("invoice:release", { id: "1", amount: "30", from: "2" });
      expect((await show("1")).released).to.equal(ethers.parseEther("30").toString());
      await time.increase(86400 + 1);
      await runJson("invoice:claim", { id: "1" });
      expect((await show("1")).status).to.equal("Released");
    });

    it("pays an ETH invoice and an ERC-20 one with approve + pay", async function () {
      await create({ token: "ETH", amount: "0.5", payer: "2" });
      await runJson("invoice:pay", { id: "1", from: "2" });
      expect((await show("1")).status).to.equal("Paid");
      await create({ amount: "20", payer: "4" });
      await runJson("invoice:pay", { id: "2", amount: "5", from: "4" });
      expect((await show("2")).status).to.equal("PartiallyPaid");
    });

    it("takes an invoice open to anyone in one full payment only, which makes the sender its payer", async function () {
      await create({ amount: "20" });
      const part = await runTask("invoice:pay", { id: "1", amount: "5", from: "4" });
      expect(part.err).to.contain("invoice 1 is open to anyone, so it is paid in full in one payment: pay 20.0 SETL");
      await runJson("invoice:pay", { id: "1", from: "4" });
      expect((await show("1")).status).to.equal("Paid");
      expect((await show("1")).payer).to.equal(accounts[4]);
    });

    it("creates with the merchant's fee cap, and names the fee when it is above it", async function () {
      const run = await runTask("invoice:create", { amount: "10", token: "SETL", due: "7d", window: "1d", maxFee: "0" });
      expect(run.err).to.contain("EscrowFeeAboveMerchantMax");
      expect((await runTask("invoice:create", { amount: "10", token: "SETL", due: "7d", window: "1d", maxFee: "501" })).err).to.contain(
        'bad --max-fee "501"',
      );
      await create({ maxFee: "100" });
    });

    it("refuses a payment by someone else than the payer", async function () {
      await create({ payer: "2" });
      const run = await runTask("invoice:pay", { id: "1", from: "4" });
      expect(run.err).to.contain(`invoice 1 can only be paid by its payer ${accounts[2]}`);
    });

    it("resolves a dispute by the arbiter only", async function () {
      await create({ payer: "2", arbiter: "3" });
      await runJson("invoice:pay", { id: "1", permit: true, from: "2" });
      await runJson("invoice:dispute", { id: "1", from: "2" });
      const refused = await runTask("invoice:resolve", { id: "1", toMerchant: "60", from: "1" });
      expect(refused.err).to.contain(`invoice 1 is Disputed: only its arbiter ${accounts[3]} can resolve it`);
      const resolved = await runJson("invoice:resolve", { id: "1", toMerchant: "60", from: "3" });
      expect(resolved.toPayer).to.equal(ethers.parseEther("40").toString());
      expect((await show("1")).status).to.equal("Resolved");
    });

    it("settles a dispute by proposal and acceptance", async function () {
      await create({ payer: "2", arbiter: "3" });
      await runJson("invoice:pay", { id: "1", permit: true, from: "2" });
      await runJson("invoice:dispute", { id: "1", from: "2" });
      await runJson("invoice:settle", { id: "1", toMerchant: "50", from: "2" });
      await runJson("invoice:settle", { id: "1", toMerchant: "50", accept: true });
      expect((await show("1")).status).to.equal("Resolved");
    });

    it("refunds, cancels and reclaims after expiry", async function () {
      await create({ payer: "2" });
      await runJson("invoice:pay", { id: "1", permit: true, from: "2" });
      await runJson("invoice:refund", { id: "1", amount: "100" });
      expect((await show("1")).status).to.equal("Refunded");
      await create({});
      await runJson("invoice:cancel", { id: "2" });
      expect((await show("2")).status).to.equal("Cancelled");
      await create({ payer: "2", due: "1h" });
      await runJson("invoice:pay", { id: "3", amount: "10", permit: true, from: "2" });
      await time.increase(3601);
      expect((await show("3")).status).to.equal("Expired");
      await runJson("invoice:reclaim", { id: "3", from: "2" });
      expect((await show("3")).status).to.equal("Refunded");
    });

    it("pays several invoices in SETL and ETH in one transaction with invoice:pay-many", async function () {
      await create({ payer: "2" });
      await create({ payer: "2", amount: "50" });
      await create({ payer: "2", token: "ETH", amount: "0.5" });
      const paid = await runJson("invoice:pay-many", { ids: "3,1,2", from: "2" });
      expect(paid.invoices, "the SETL invoices side by side, ETH apart").to.have.members(["1", "2", "3"]);
      for (const id of ["1", "2", "3"]) expect((await show(id)).status).to.equal("Paid");
      expect((await runTask("invoice:pay-many", { ids: "1,2", from: "2" })).err).to.contain("invoice 1 is Paid");
      expect((await runTask("invoice:pay-many", { ids: "4,4", from: "2" })).err).to.contain("an invoice is listed twice");
      const tooMany = Array.from({ length: MAX_BATCH_INVOICES + 1 }, (_, i) => i + 1).join(",");
      expect((await runTask("invoice:pay-many", { ids: tooMany, from: "2" })).err).to.contain(`at most ${MAX_BATCH_INVOICES} in one batch`);
    });

    it("decodes the contract's refusal by name", async function () {
      await create({ payer: "2" });
      await runJson("invoice:pay", { id: "1", permit: true, from: "2" });
      const run = await runTask("invoice:dispute", { id: "1", from: "2" });
      expect(run.err).to.contain("dispute would revert: EscrowNoArbiter(id=1)");
    });

    it("names a missing invoice and a malformed id", async function () {
      expect((await runTask("invoice:show", { id: "9" })).err).to.contain("no invoice 9: this escrow has 0 invoices");
      expect((await runTask("invoice:show", { id: "x" })).err).to.contain('bad invoice id "x"');
    });
  });

  describe("escrow", function () {
    it("collects fees, sweeps exactly the surplus and manages the allowlist", async function () {
      await runJson("invoice:create", { amount: "100", token: "SETL", due: "7d", window: "1d", payer: "2" });
      await runJson("invoice:pay", { id: "1", permit: true, from: "2" });
      await runJson("invoice:release", { id: "1", amount: "100", from: "2" });
      const before = await runJson("escrow:status", {});
      expect(before.feesAccrued).to.equal(ethers.parseEther("1").toString());
      expect(before.owed, "the fees are owed to their recipient").to.equal(ethers.parseEther("1").toString());
      expect((await runTask("escrow:collect-fees", { from: "1" })).err).to.contain("only the fee recipient");
      expect((await runJson("escrow:collect-fees", {})).amount).to.equal(ethers.parseEther("1").toString());
      expect((await runTask("escrow:collect-fees", {})).err).to.contain("no SETL fees have accrued");

      const { token } = await loadSettle(hre, (await ethers.getSigners())[2]);
      await token.transfer(await (await loadSettle(hre)).escrow.getAddress(), ethers.parseEther("3"));
      expect((await runTask("escrow:sweep", { to: "5", from: "1" })).err).to.contain("lacks SWEEPER_ROLE");
      expect((await runJson("escrow:sweep", { to: "5" })).amount).to.equal(ethers.parseEther("3").toString());
      expect((await runTask("escrow:sweep", { to: "5" })).err).to.contain("nothing to sweep");

      const other = await ethers.deployContract("TestToken", ["Other", "OTH", 6]);
      await runJson("escrow:allowlist", { state: "on" });
      const refused = await runTask("invoice:create", { amount: "1", token: await other.getAddress(), due: "7d", window: "1d" });
      expect(refused.err).to.contain("EscrowTokenNotAllowed");
      await runJson("escrow:allow-token", { token: await other.getAddress() });
      expect((await runJson("escrow:status", { token: await other.getAddress() })).allowed).to.equal(true);
      await runJson("invoice:create", { amount: "1", token: await other.getAddress(), due: "7d", window: "1d" });
      await runJson("escrow:allow-token", { token: await other.getAddress(), remove: true });
      expect((await runTask("escrow:allowlist", { state: "maybe" })).err).to.contain('bad --state "maybe"');
    });
  });

  describe("errors", function () {
    it("decode a contract's custom error with its arguments", async function () {
      const settle = await loadSettle(hre, (await ethers.getSigners())[3]);
      const attempt = sendOrSimulate(hre, settle.staking, "withdraw", [7n], { dryRun: true });
      await expect(attempt).to.be.rejectedWith(
        CliError,
        `withdraw would revert: StakingInsufficientBalance(account=${accounts[3]}, balance=0, requested=7)`,
      );
    });

    it("name the fix when a network has no deployment", async function () {
      process.env.SETTLE_DEPLOYMENTS_DIR = join(dir, "empty");
      const run = await runTask("token:balance");
      process.env.SETTLE_DEPLOYMENTS_DIR = dir;
      expect(run.err).to.contain("the in-process hardhat network has no deployment");
    });
  });
});
