import { expect } from "chai";
import { artifacts } from "hardhat";
import { ContractFactory, JsonRpcProvider, Wallet } from "ethers";
import { http } from "viem";
import { adaptiveLogsRange, type RpcRequest } from "../../core/logs-range";
import { startFaultProxy, type FaultProxy, type LogsErrorWording } from "../../scripts/stack/rpc-fault-proxy";
import { startHardhatNode, type HardhatNode } from "../helpers/node";
import { hardhatKey } from "../helpers/settle-stack";
import { stopAllProcesses } from "../helpers/processes";

const hex = (n: number) => `0x${n.toString(16)}`;

describe("Indexer: adaptive eth_getLogs range", function () {
  let node: HardhatNode;
  let proxy: FaultProxy;
  let range: { fromBlock: string; toBlock: string };

  before(async function () {
    node = await startHardhatNode();
    const wallet = new Wallet(hardhatKey(0), new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1 }));
    const { abi, bytecode } = await artifacts.readArtifact("TestToken");
    const token = (await new ContractFactory(abi, bytecode, wallet).deploy("Test", "TST", 18)) as unknown as {
      waitForDeployment(): Promise<unknown>;
      mint(to: string, amount: bigint): Promise<{ wait(): Promise<unknown> }>;
    };
    await token.waitForDeployment();
    for (let i = 0; i < 20; i++) await (await token.mint(wallet.address, 1n)).wait();
    range = { fromBlock: "0x0", toBlock: hex(await node.blockNumber()) };
  });
  beforeEach(async () => (proxy = await startFaultProxy(node.url)));
  afterEach(async () => proxy.close());
  after(stopAllProcesses);

  /** eth_getLogs over `range` through the proxy and the wrapper; the ranges the wrapper settled on. */
  async function logsThroughWrapper(): Promise<{ logs: unknown[]; ranges: number[] }> {
    const ranges: number[] = [];
    const request = adaptiveLogsRange(http(proxy.url, { retryCount: 0 })({}).request as RpcRequest, (blocks) => ranges.push(blocks));
    const logs = (await request({ method: "eth_getLogs", params: [range] })) as unknown[];
    return { logs, ranges };
  }

  for (const wording of ["alchemy", "infura", "quicknode", "generic"] as LogsErrorWording[]) {
    it(`splits a range the provider refuses in ${wording}'s words and returns every log once`, async function () {
      const direct = await node.rpc<unknown[]>("eth_getLogs", [range]);
      proxy.setProfile({ maxLogsBlockRange: 4, logsErrorWording: wording });
      const { logs, ranges } = await logsThroughWrapper();
      expect(logs).to.deep.equal(direct);
      expect(direct.length).to.equal(20);
      expect(Math.min(...ranges)).to.be.at.most(4);
      expect(proxy.counts.logsRefused).to.be.greaterThan(0);
    });
  }

  it("never asks for more blocks than the network's setting, so a provider capped there never refuses", async function () {
    const direct = await node.rpc<unknown[]>("eth_getLogs", [range]);
    proxy.setProfile({ maxLogsBlockRange: 5, logsErrorWording: "generic" });
    const request = adaptiveLogsRange(http(proxy.url, { retryCount: 0 })({}).request as RpcRequest, undefined, 5);
    expect(await request({ method: "eth_getLogs", params: [range] })).to.deep.equal(direct);
    expect(proxy.counts.logsRefused).to.equal(0);
  });

  it("halves a range whose result is too large, in each wording", async function () {
    const direct = await node.rpc<unknown[]>("eth_getLogs", [range]);
    for (const wording of ["alchemy", "infura", "generic"] as LogsErrorWording[]) {
      proxy.setProfile({ maxLogsResults: 6, logsErrorWording: wording });
      const { logs } = await logsThroughWrapper();
      expect(logs, wording).to.deep.equal(direct);
    }
  });

  it("remembers the range that works and grows it back slowly", async function () {
    proxy.setProfile({ maxLogsBlockRange: 4, logsErrorWording: "generic" });
    const ranges: number[] = [];
    const request = adaptiveLogsRange(http(proxy.url, { retryCount: 0 })({}).request as RpcRequest, (blocks) => ranges.push(blocks));
    await request({ method: "eth_getLogs", params: [range] });
    const refusedOnce = proxy.counts.logsRefused;
    proxy.setProfile({});
    for (let i = 0; i < 5; i++) await request({ method: "eth_getLogs", params: [range] });
    // The later calls start from the learnt range (no refusal), and the range grows by a quarter after 20 successes.
    expect(proxy.counts.logsRefused).to.equal(refusedOnce);
    expect(ranges[ranges.length - 1]).to.be.greaterThan(Math.min(...ranges));
  });
});
