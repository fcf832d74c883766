import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploySettle, tokenPolicyFor } from "../../scripts/deploy";
import tokenConfig from "../../config/tokens.json";
import type { Deployment, Hex } from "../../core/deployment";
import { readDeployment } from "../../core/deployment-file";
import { localDeploymentsDir } from "../../scripts/lib/deployments";
import { environmentNetwork } from "../../scripts/lib/env-network";
import { LOCAL_FEEDS, feedKey } from "../../scripts/lib/local-feeds";
import { currencyToBytes3 } from "../../core/invoice/currency";

describe("deploy", function () {
  let first: Deployment;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  before(async function () {
    first = (await deploySettle(hre, undefined, log)).deployment;
  });
  beforeEach(() => (lines.length = 0));

  it("records every contract with its address, deploy block and transaction", async function () {
    expect(first.chainId).to.equal(31337);
    for (const contract of Object.values(first.contracts)) {
      expect(await ethers.provider.getCode(contract.address)).to.not.equal("0x");
      const receipt = await ethers.provider.getTransactionReceipt(contract.txHash);
      expect(receipt!.blockNumber).to.equal(contract.deployBlock);
      expect(receipt!.contractAddress).to.equal(contract.address);
    }
    expect(first.abiHash).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("funds the test accounts and starts a reward period on a local chain", async function () {
    const token = await ethers.getContractAt("SettleToken", first.contracts.SettleToken.address);
    const staking = await ethers.getContractAt("StakingRewards", first.contracts.StakingRewards.address);
    const [, alice] = await ethers.getSigners();
    expect(await token.balanceOf(alice)).to.equal(ethers.parseEther("10000"));
    expect(await staking.periodFinish()).to.be.greaterThan(0n);
  });

  it("deploys the escrow with SETL allowed and the allowlist off on a local chain", async function () {
    const escrow = await ethers.getContractAt("PaymentEscrow", first.contracts.PaymentEscrow.address);
    expect(await escrow.allowlistEnabled()).to.equal(false);
    expect(await escrow.isTokenAllowed(first.contracts.SettleToken.address)).to.equal(true);
  });

  it("deploys PriceFeeds, sets it on the escrow and registers a feed per local token and currency", async function () {
    const escrow = await ethers.getContractAt("PaymentEscrow", first.contracts.PaymentEscrow.address);
    const feeds = await ethers.getContractAt("PriceFeeds", first.contracts.PriceFeeds.address);
    expect(await escrow.priceFeeds()).to.equal(first.contracts.PriceFeeds.address);
    expect(Object.keys(first.priceFeeds ?? {})).to.deep.equal(["TestUSD/USD", "TestUSD/EUR", "SettleToken/EUR", "ETH/USD"]);
    const tokenOf = { TestUSD: first.tokens!.TestUSD!.address, SettleToken: first.contracts.SettleToken.address, ETH: ethers.ZeroAddress };
    for (const local of LOCAL_FEEDS) {
      const feed = await feeds.feedOf(tokenOf[local.token], currencyToBytes3(local.currency));
      expect(feed.feed, feedKey(local)).to.equal(first.priceFeeds![feedKey(local)]!.address);
      expect(feed.feedDecimals, feedKey(local)).to.equal(BigInt(local.decimals));
    }
    // 12.50 EUR in TestUSD at 0.92 EUR per TestUSD, rounded up to the unit of 6 decimals.
    const quote = await feeds.quote(tokenOf.TestUSD, currencyToBytes3("EUR"), 1250n);
    expect(quote.tokenAmount).to.equal(13_586_957n);
  });

  describe("token config (config/tokens.json)", function () {
    const PUBLIC_CHAINS = { Ethereum: 1, Base: 8453, "Arbitrum One": 42161, "OP Mainnet": 10, "Polygon PoS": 137 };
    const setl = ethers.getAddress("0x" + "5e".repeat(20));

    it("allows USDC, USDT, DAI and WETH with the allowlist on, on every public chain we support", function () {
      for (const [name, chainId] of Object.entries(PUBLIC_CHAINS)) {
        const policy = tokenPolicyFor(chainId, { SettleToken: setl });
        expect(policy.allowlist, name).to.equal(true);
        expect(Object.keys(policy.tokens).sort(), name).to.deep.equal(["DAI", "SETL", "USDC", "USDT", "WETH"]);
        for (const address of Object.values(policy.tokens)) expect(ethers.getAddress(address), name).to.equal(address);
        expect(policy.tokens.SETL).to.equal(setl);
      }
    });

    it("keeps the canonical addresses (spot checks against the issuers' deployments)", function () {
      expect(tokenPolicyFor(1, { SettleToken: setl }).tokens.USDC).to.equal("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
      expect(tokenPolicyFor(8453, { SettleToken: setl }).tokens.WETH).to.equal("0x4200000000000000000000000000000000000006");
      expect(tokenPolicyFor(42161, { SettleToken: setl }).tokens.USDT).to.equal("0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9");
    });

    it("turns the allowlist on, with SETL only, on a chain it does not list", function () {
      expect(tokenPolicyFor(11155111, { SettleToken: setl })).to.deep.equal({ allowlist: true, tokens: { SETL: setl } });
      expect(tokenConfig.default.allowlist).to.equal(true);
    });

    it("names a contract the deploy does not create", function () {
      expect(() => tokenPolicyFor(1, {})).to.throw(
        "config/tokens.json: SETL on chain 1 names SettleToken, which this deploy does not create",
      );
    });
  });

  it("reuses contracts that are still on the chain and says so", async function () {
    const { deployment, reused } = await deploySettle(hre, first, log);
    expect(reused).to.equal(true);
    expect(deployment).to.deep.equal(first);
    expect(lines[0]).to.contain("reusing them");
  });

  it("deploys again when the recorded addresses have no code (a restarted node)", async function () {
    const gone = structuredClone(first);
    gone.contracts.SettleToken.address = ethers.Wallet.createRandom().address as Hex;
    const { reused } = await deploySettle(hre, gone, log);
    expect(reused).to.equal(false);
    expect(lines[0]).to.match(/no code at the recorded SettleToken address .*: deploying again/);
  });

  it("deploys again when the file is for another chain or the ABIs changed", async function () {
    await deploySettle(hre, { ...first, chainId: 1 }, log);
    expect(lines[0]).to.contain("is for chain 1, this is chain 31337: deploying again");
    lines.length = 0;
    await deploySettle(hre, { ...first, abiHash: "0x00" }, log);
    expect(lines[0]).to.contain("the contracts' ABIs changed");
  });

  describe("readDeployment", function () {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "settle-deployments-"));
      process.env.SETTLE_DEPLOYMENTS_DIR = dir;
    });
    after(() => {
      delete process.env.SETTLE_DEPLOYMENTS_DIR;
      rmSync(dir, { recursive: true, force: true });
    });

    it("names the deploy command when the file is missing", function () {
      expect(() => readDeployment(localDeploymentsDir(), "sepolia")).to.throw(
        "no deployments/sepolia.json: run `npm run deploy -- --network sepolia`",
      );
    });

    it("names what is missing from an incomplete file", function () {
      writeFileSync(
        join(dir, "broken.json"),
        JSON.stringify({ chainId: 5, contracts: { SettleToken: { address: `0x${"1".repeat(40)}`, deployBlock: 1 } } }),
      );
      expect(() => readDeployment(localDeploymentsDir(), "broken")).to.throw(/incomplete \(no StakingRewards, PriceFeeds, PaymentEscrow\)/);
    });
  });
});

describe("environment network", function () {
  const key = "0x" + "11".repeat(32);

  it("is absent without RPC_URL", function () {
    expect(environmentNetwork({})).to.deep.equal({});
  });

  it("is configured from RPC_URL, PRIVATE_KEY and CHAIN_ID", function () {
    expect(environmentNetwork({ RPC_URL: "https://rpc.example", PRIVATE_KEY: key, CHAIN_ID: "84532" })).to.deep.equal({
      remote: { url: "https://rpc.example", accounts: [key], chainId: 84532 },
    });
  });

  it("names each missing or malformed variable", function () {
    expect(() => environmentNetwork({ PRIVATE_KEY: key })).to.throw("PRIVATE_KEY is set but RPC_URL is missing");
    expect(() => environmentNetwork({ RPC_URL: "https://rpc.example", PRIVATE_KEY: "0x12" })).to.throw(
      "PRIVATE_KEY must be 0x followed by 64 hex digits",
    );
    expect(() => environmentNetwork({ RPC_URL: "rpc.example", PRIVATE_KEY: key })).to.throw(
      'RPC_URL must be an http(s) URL or a comma-separated list of them, got "rpc.example"',
    );
    expect(() => environmentNetwork({ RPC_URL: "https://rpc.example", PRIVATE_KEY: key, CHAIN_ID: "abc" })).to.throw(
      "CHAIN_ID must be a positive integer",
    );
  });
});
