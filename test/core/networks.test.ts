import { expect } from "chai";
import { NetworkConfigError, networksFromEnv, resolveRpcSettings, rpcDefaults, rpcUrlFromEnv, rpcUrlsOf } from "../../core/networks";

describe("core/networks: the configured networks and their RPC settings", function () {
  it("defaults to localhost on the local node", function () {
    const [network, ...rest] = networksFromEnv({});
    expect(rest).to.deep.equal([]);
    expect(network!.name).to.equal("localhost");
    expect(network!.rpcUrls).to.deep.equal(["http://127.0.0.1:8545"]);
    expect(rpcUrlFromEnv({})).to.equal("http://127.0.0.1:8545");
  });

  it("reads SETTLE_NETWORKS, each network's RPC_URL_<NAME>, RPC_URL for the first one", function () {
    const networks = networksFromEnv({
      SETTLE_NETWORKS: "base-sepolia, localhost2",
      RPC_URL: "https://a.example, https://b.example",
      RPC_URL_LOCALHOST2: "http://127.0.0.1:9999",
    });
    expect(networks.map((n) => [n.name, n.rpcUrls])).to.deep.equal([
      ["base-sepolia", ["https://a.example", "https://b.example"]],
      ["localhost2", ["http://127.0.0.1:9999"]],
    ]);
    expect(rpcUrlsOf({}, "localhost2", false)).to.deep.equal(["http://127.0.0.1:8546"]);
    expect(rpcUrlFromEnv({ SETTLE_NETWORK: "localhost2" })).to.equal("http://127.0.0.1:8546");
  });

  it("names the variable to set when a network has no URL, or a bad one", function () {
    expect(() => networksFromEnv({ SETTLE_NETWORKS: "localhost,base" })).to.throw(NetworkConfigError, "set RPC_URL_BASE");
    expect(() => networksFromEnv({ SETTLE_NETWORKS: "base", RPC_URL_BASE: "ws://x" })).to.throw(NetworkConfigError, "RPC_URL_BASE must be");
    expect(() => networksFromEnv({ SETTLE_NETWORKS: "a,a", RPC_URL: "http://x" })).to.throw(NetworkConfigError, 'names "a" twice');
    expect(() => networksFromEnv({ SETTLE_NETWORKS: "a b" })).to.throw(NetworkConfigError, "not a network name");
  });

  it("takes a network's own setting before the shared one, and the chain's default where none is set", function () {
    const [local, base] = networksFromEnv({
      SETTLE_NETWORKS: "localhost,base",
      RPC_URL_BASE: "https://base.example",
      SETTLE_RPC_TIMEOUT_MS: "5000",
      SETTLE_RPC_MAX_LOGS_BLOCK_RANGE_BASE: "1000",
    });
    expect(resolveRpcSettings(local!, 31337)).to.deep.equal({ ...rpcDefaults(31337), timeoutMs: 5000 });
    expect(resolveRpcSettings(base!, 8453)).to.deep.equal({ ...rpcDefaults(8453), timeoutMs: 5000, maxLogsBlockRange: 1000 });
    expect(rpcDefaults(8453).maxRequestsPerSecond).to.equal(25);
    expect(() => networksFromEnv({ SETTLE_RPC_TIMEOUT_MS_LOCALHOST: "fast" })).to.throw(
      NetworkConfigError,
      "SETTLE_RPC_TIMEOUT_MS_LOCALHOST must be",
    );
  });
});
