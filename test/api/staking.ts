import { expect } from "chai";
import { ethers } from "hardhat";
import type { Deployment } from "../../scripts/lib/deployments";
import { aprPercent } from "../../api/routes/blockchain";
import { loadAbis } from "../../api/lib/deployment";
import { FakeIndex } from "./fake-index";
import { DEPLOYMENT, errorCode, makeApp } from "./helpers";

describe("API staking: GET /blockchain/staking/:address", function () {
  it("reports principal and earned from the chain, the index's row, and the pool APR", async function () {
    const [deployer, staker] = await ethers.getSigners();
    const e18 = 10n ** 18n;
    const token = await ethers.deployContract("SettleToken", [deployer!.address, 1_000_000n * e18, deployer!.address, 100_000n * e18]);
    const staking = await ethers.deployContract("StakingRewards", [
      deployer!.address,
      await token.getAddress(),
      await token.getAddress(),
      7 * 86400,
    ]);
    await (await token.getFunction("approve")(await staking.getAddress(), 7_000n * e18)).wait();
    await (await staking.getFunction("notifyRewardAmount")(7_000n * e18)).wait();
    await (await token.getFunction("transfer")(staker!.address, 1_000n * e18)).wait();
    await (await token.connect(staker!).getFunction("approve")(await staking.getAddress(), 100n * e18)).wait();
    await (await staking.connect(staker!).getFunction("stake")(100n * e18)).wait();
    await ethers.provider.send("evm_mine", []);

    const index = new FakeIndex();
    index.stakes.set(staker!.address.toLowerCase(), {
      account: staker!.address.toLowerCase() as `0x${string}`,
      token: (await token.getAddress()).toLowerCase() as `0x${string}`,
      balance: 100n * e18,
      totalStaked: 100n * e18,
      totalWithdrawn: 0n,
      rewardsToken: (await token.getAddress()).toLowerCase() as `0x${string}`,
      rewardsClaimed: 0n,
      updatedBlock: 9n,
      updatedTimestamp: 1n,
    });
    const deployment: Deployment = {
      ...DEPLOYMENT,
      contracts: { ...DEPLOYMENT.contracts, StakingRewards: { address: await staking.getAddress(), deployBlock: 0, txHash: "0x" } },
    };
    const t = await makeApp({ deployment, index, abis: loadAbis() });
    t.clock.now = Number((await ethers.provider.getBlock("latest"))!.timestamp) * 1000;
    const res = await t.app.request(`/blockchain/staking/${staker!.address}`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as {
      principal: string;
      earned: string;
      indexed: { principal: string };
      aprPercent: string;
      pool: { totalStaked: string };
    };
    expect(body.principal).to.equal((100n * e18).toString());
    expect(BigInt(body.earned)).to.be.greaterThan(0n);
    expect(body.indexed.principal).to.equal((100n * e18).toString());
    expect(body.pool.totalStaked).to.equal((100n * e18).toString());
    // 1000 SETL/day over 100 staked: 365,000 % a year.
    expect(Number(body.aprPercent)).to.be.closeTo(365_000, 1);
    await t.close();
  });

  it("is 400 for a bad address and 503 when the node is down", async function () {
    const t = await makeApp({
      chain: {
        blockNumber: () => Promise.reject(new Error("down")),
        getReceipt: () => Promise.reject(new Error()),
        getTransaction: () => Promise.reject(new Error()),
        getCode: () => Promise.reject(new Error()),
        call: () => Promise.reject(new Error("down")),
      },
    });
    expect((await t.app.request("/blockchain/staking/0x12")).status).to.equal(400);
    const res = await t.app.request(`/blockchain/staking/${DEPLOYMENT.contracts.SettleToken.address}`);
    expect(res.status).to.equal(503);
    expect(await errorCode(res)).to.equal("node_unreachable");
    await t.close();
  });

  it("computes APR in percent with two decimals", function () {
    expect(aprPercent(10n ** 9n, 10n ** 9n, 365n * 86400n, true)).to.equal("100.00");
    expect(aprPercent(1n, 1n, 0n, true)).to.equal(null);
    expect(aprPercent(1n, 1n, 5n, false)).to.equal("0.00");
  });
});
