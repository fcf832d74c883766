import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { loadSettle } from "../../tasks/lib/settle";
import { runJson, runTask } from "../helpers/task-runner";

describe("Hardhat tasks: invoices priced in a currency", function () {
  let dir: string;
  let snapshot: string;
  let testUsd: string;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "settle-priced-tasks-"));
    process.env.SETTLE_DEPLOYMENTS_DIR = dir;
    const deploy = await runTask("settle:deploy");
    expect(deploy.failed, deploy.err).to.equal(false);
    testUsd = (await loadSettle(hre)).deployment.tokens!.TestUSD!.address;
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

  const create = (args: Record<string, unknown>) => runJson("invoice:create", { due: "7d", window: "1d", payer: "2", ...args });
  const show = async (id: string) => (await runJson("invoice:show", { id })) as Record<string, string>;

  it("creates an invoice of 12.50 EUR in any token, then pays it in TestUSD at the feed's rate", async function () {
    const created = await create({ currency: "EUR", price: "12.50" });
    expect([created.currency, created.amount, created.token]).to.deep.equal(["0x455552", "1250", ethers.ZeroAddress]);
    const before = await show("1");
    expect([before.status, before.currency, before.price, before.amount]).to.deep.equal(["Open", "EUR", "1250", "0"]);

    const pay = await runTask("invoice:pay", { id: "1", token: testUsd, from: "2" });
    expect(pay.failed, pay.err).to.equal(false);
    expect(pay.out).to.contain("12.50 EUR = 13.586957 USDC at 0.92 EUR per USDC (round 1); paying at most 13.722827 USDC");
    expect(pay.out).to.contain("paid invoice 1 (12.50 EUR) with 13.586957 USDC");
    const after = await show("1");
    expect([after.status, after.token, after.amount]).to.deep.equal(["Paid", testUsd, "13586957"]);
  });

  it("pays an invoice that accepts SETL only, and one in USD with ETH (the ceiling sent, the rest returned)", async function () {
    await create({ currency: "EUR", price: "12.50", token: "SETL" });
    const setl = await runJson("invoice:pay", { id: "1", from: "2" });
    expect([setl.amount, setl.roundId, setl.feedDecimals]).to.deep.equal([ethers.parseEther("25").toString(), "1", "18"]);

    await create({ currency: "USD", price: "50", payer: "3" });
    const [, , , payer] = await ethers.getSigners();
    const balance = await ethers.provider.getBalance(payer);
    const eth = await runJson("invoice:pay", { id: "2", token: "ETH", from: "3", slippage: "500" });
    expect([eth.amount, eth.ceiling]).to.deep.equal([ethers.parseEther("0.025").toString(), ethers.parseEther("0.02625").toString()]);
    const spent = balance - (await ethers.provider.getBalance(payer));
    expect(spent > ethers.parseEther("0.025") && spent < ethers.parseEther("0.0255"), `spent ${spent}`).to.equal(true);
  });

  it("names what is missing or wrong", async function () {
    expect((await runTask("invoice:create", { currency: "EUR", payer: "2" })).err).to.contain("give --currency and --price together");
    expect((await runTask("invoice:create", { amount: "5", currency: "EUR", price: "1" })).err).to.contain(
      "give either --amount (in the token) or --currency with --price",
    );
    expect((await runTask("invoice:create", { currency: "EURO", price: "1" })).err).to.contain(
      'bad --currency: "EURO" is not a currency code: give three capital letters, e.g. EUR',
    );
    expect((await runTask("invoice:create", { currency: "EUR", price: "1.005" })).err).to.contain("at most two decimals");
    expect((await runTask("invoice:create", { currency: "EUR", price: "1", token: "ETH" })).err).to.contain("drop --token to accept any");

    await create({ currency: "EUR", price: "12.50" });
    expect((await runTask("invoice:pay", { id: "1", from: "2" })).err).to.contain("choose one with --token");
    expect((await runTask("invoice:pay", { id: "1", from: "2", token: testUsd, amount: "1" })).err).to.contain("drop --amount");
    expect((await runTask("invoice:pay", { id: "1", from: "2", token: testUsd, slippage: "9000" })).err).to.contain(
      "slippage must be a whole number of basis points from 0 to 5000",
    );
    expect((await runTask("invoice:pay", { id: "1", from: "2", token: "ETH" })).err).to.contain(
      "PriceFeedsNoFeed(token=0x0000000000000000000000000000000000000000, currency=0x455552)",
    );
  });

  it("refuses to pay from a stale answer, naming the feed's error", async function () {
    await create({ currency: "EUR", price: "12.50", due: "400d" });
    await time.increase(366 * 24 * 3600);
    const run = await runTask("invoice:pay", { id: "1", token: testUsd, from: "2" });
    expect(run.err).to.contain("PriceFeedsStaleAnswer(");
  });
});
