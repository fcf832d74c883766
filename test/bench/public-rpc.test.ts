import { expect } from "chai";
import { publicChainSettingsEnv, backfillSpeed } from "../../bench/lib/rpc-faults";
import { networksFromEnv, resolveRpcSettings, rpcDefaults } from "../../core/networks";
import { LOCAL_CHAIN_ID } from "../../core/chains";

describe("bench:indexer's public RPC", function () {
  it("gives the indexer a public chain's settings through the variables core/networks reads, on a local chain", function () {
    const [network] = networksFromEnv({ ...publicChainSettingsEnv(), RPC_URL: "http://127.0.0.1:8545" });
    expect(resolveRpcSettings(network!, LOCAL_CHAIN_ID)).to.deep.equal(rpcDefaults(1));
    expect(rpcDefaults(1)).to.not.deep.equal(rpcDefaults(LOCAL_CHAIN_ID));
  });

  it("reports blocks and events per second, rounded", function () {
    expect(backfillSpeed(30.96, 5_000, 21_614)).to.deep.equal({ seconds: 30.96, blocksPerSecond: 161, eventsPerSecond: 698 });
  });
});
