import { expect } from "chai";
import { aprPercent } from "../../api/services/staking";
import { errorCode, makeApp } from "../helpers/api-app";
import { useRealIndex } from "../helpers/real-index";

describe("API staking: GET /blockchain/staking/:address", function () {
  useRealIndex();
  it("reports principal and earned from the chain, the index's row, and the pool APR", async function () {
    const t = await makeApp();
    const { staker, staked, contracts, node, reader } = t.real;
    // A block later than the stake, so that rewards have accrued.
    await node.mine(1);
    t.clock.now = Number((await t.real.provider.getBlock("latest"))!.timestamp) * 1000;
    const res = await t.app.request(`/blockchain/staking/${staker.address}`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as {
      principal: string;
      earned: string;
      indexed: { principal: string; totalStaked: string; updatedBlock: number };
      aprPercent: string;
      pool: { totalStaked: string; rewardRatePerSecond: string };
    };
    const row = (await reader.stake(staker.address))!;
    expect(body.principal).to.equal(staked.toString());
    expect(BigInt(body.earned)).to.equal((await contracts.staking.getFunction("earned")(staker.address)) as bigint);
    expect(BigInt(body.earned)).to.be.greaterThan(0n);
    expect(body.indexed).to.deep.include({
      principal: staked.toString(),
      totalStaked: staked.toString(),
      updatedBlock: Number(row.updatedBlock),
    });
    const totalStaked = (await contracts.staking.getFunction("totalStaked")()) as bigint;
    expect(body.pool.totalStaked).to.equal(totalStaked.toString());
    // The rate per second over the pool, a year long, in percent.
    const rate = (await contracts.staking.getFunction("rewardRate")()) as bigint;
    const scale = (await contracts.staking.getFunction("RATE_SCALE")()) as bigint;
    const expected = Number((rate * 365n * 86_400n * 10_000n) / (scale * totalStaked)) / 100;
    expect(Number(body.aprPercent)).to.be.closeTo(expected, 0.01);
    await t.close();
  });

  it("answers principal without an indexed row for an account that never staked", async function () {
    const t = await makeApp();
    const res = await t.app.request(`/blockchain/staking/${t.real.stranger.address}`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { principal: string; earned: string; indexed: unknown };
    expect(body).to.deep.include({ principal: "0", earned: "0", indexed: null });
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
    const res = await t.app.request(`/blockchain/staking/${t.real.staker.address}`);
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
