import { expect } from "chai";
import { artifacts } from "hardhat";
import { ContractFactory, JsonRpcProvider, Wallet } from "ethers";
import { startFaultProxy, type FaultProxy } from "../../scripts/stack/rpc-fault-proxy";
import { startHardhatNode, type HardhatNode } from "../support/node";
import { hardhatKey } from "../support/settle-stack";
import { stopAllProcesses } from "../support/processes";

/** POSTs one JSON-RPC request to `url` and returns the HTTP status, headers and parsed body. */
async function post(url: string, method: string, params: unknown[] = []) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text.startsWith("{") ? JSON.parse(text) : undefined };
}

describe("RPC fault proxy", function () {
  let node: HardhatNode;
  let proxy: FaultProxy;
  let mintBlocks: { first: number; last: number };

  before(async function () {
    node = await startHardhatNode();
    const wallet = new Wallet(hardhatKey(0), new JsonRpcProvider(node.url, undefined, { cacheTimeout: -1 }));
    const { abi, bytecode } = await artifacts.readArtifact("TestToken");
    const token = (await new ContractFactory(abi, bytecode, wallet).deploy("Test", "TST", 18)) as unknown as {
      waitForDeployment(): Promise<unknown>;
      mint(to: string, amount: bigint): Promise<{ wait(): Promise<{ blockNumber: number } | null> }>;
    };
    await token.waitForDeployment();
    const blocks: number[] = [];
    for (let i = 0; i < 12; i++) blocks.push((await (await token.mint(wallet.address, 1n)).wait())!.blockNumber);
    mintBlocks = { first: blocks[0]!, last: blocks[blocks.length - 1]! };
  });
  beforeEach(async () => (proxy = await startFaultProxy(node.url)));
  afterEach(async () => proxy.close());
  after(stopAllProcesses);

  it("passes requests through unchanged without faults", async function () {
    const direct = await post(node.url, "eth_blockNumber");
    const through = await post(proxy.url, "eth_blockNumber");
    expect(through.status).to.equal(200);
    expect(through.body.result).to.equal(direct.body.result);
  });

  it("answers 429 with Retry-After and 503 when told to", async function () {
    proxy.setProfile({ rateLimitProbability: 1, retryAfterSeconds: 3 });
    const limited = await post(proxy.url, "eth_chainId");
    expect(limited.status).to.equal(429);
    expect(limited.headers.get("retry-after")).to.equal("3");
    proxy.setProfile({ serverErrorProbability: 1 });
    expect((await post(proxy.url, "eth_chainId")).status).to.equal(503);
    expect(proxy.counts.rateLimited).to.equal(1);
    expect(proxy.counts.serverErrors).to.equal(1);
  });

  it("drops and truncates answers", async function () {
    proxy.setProfile({ dropProbability: 1 });
    await expect(post(proxy.url, "eth_chainId")).to.be.rejected;
    proxy.setProfile({ truncateProbability: 1 });
    await expect(post(proxy.url, "eth_chainId")).to.be.rejected;
    expect(proxy.counts.dropped).to.equal(1);
    expect(proxy.counts.truncated).to.equal(1);
  });

  it("resets every connection during an outage and recovers after it", async function () {
    proxy.startOutage(300);
    await expect(post(proxy.url, "eth_chainId")).to.be.rejected;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await post(proxy.url, "eth_chainId")).status).to.equal(200);
    expect(proxy.counts.outageResets).to.be.greaterThan(0);
  });

  it("refuses eth_getLogs over too many blocks in each provider's wording", async function () {
    const range = { fromBlock: `0x${mintBlocks.first.toString(16)}`, toBlock: `0x${mintBlocks.last.toString(16)}` };
    const expected = {
      alchemy: /this block range should work: \[0x[0-9a-f]+, 0x[0-9a-f]+\]/,
      infura: /query returned more than 10000 results/,
      quicknode: /eth_getLogs is limited to a 4 range/,
      generic: /block range is too wide/,
    } as const;
    for (const [wording, message] of Object.entries(expected)) {
      proxy.setProfile({ maxLogsBlockRange: 4, logsErrorWording: wording as keyof typeof expected });
      const refused = await post(proxy.url, "eth_getLogs", [range]);
      expect(refused.body.error.message, wording).to.match(message);
    }
    const within = { fromBlock: range.fromBlock, toBlock: `0x${(mintBlocks.first + 3).toString(16)}` };
    expect((await post(proxy.url, "eth_getLogs", [within])).body.result).to.have.length(4);
  });

  it("refuses eth_getLogs with more results than its cap", async function () {
    proxy.setProfile({ maxLogsResults: 5 });
    const range = { fromBlock: `0x${mintBlocks.first.toString(16)}`, toBlock: `0x${mintBlocks.last.toString(16)}` };
    expect((await post(proxy.url, "eth_getLogs", [range])).body.error.message).to.equal("query returned more than 5 results");
  });

  it("reports a head that lags behind the node's", async function () {
    proxy.setProfile({ headLagBlocks: 3 });
    const head = await node.blockNumber();
    expect(Number((await post(proxy.url, "eth_blockNumber")).body.result)).to.equal(head - 3);
    expect(Number((await post(proxy.url, "eth_getBlockByNumber", ["latest", false])).body.result.number)).to.equal(head - 3);
  });

  it("adds latency", async function () {
    proxy.setProfile({ latencyMs: 150 });
    const started = Date.now();
    await post(proxy.url, "eth_chainId");
    expect(Date.now() - started).to.be.at.least(150);
  });
});
