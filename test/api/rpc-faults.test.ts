/**
 * The API in front of a public RPC on a bad day: the real API process (api/main.ts) talks to a real Hardhat node
 * through the fault proxy (scripts/stack/rpc-fault-proxy.ts). For each fault, the routes that ask the node answer 503
 * with core/rpc's code, a sentence naming the proxy's host, a Retry-After and no stack, never a 500 or a hang; /health
 * stays served and says what is wrong; and everything answers normally again once the fault is off. The relayer, on
 * the same proxy, never sends a payment twice when the answer of eth_sendRawTransaction is lost.
 */
import { expect } from "chai";
import { Interface, Wallet } from "ethers";
import { RPC_PROBLEM_CODES, type RpcProblemCode } from "../../core/rpc";
import { jsonRpcChain } from "../../api/services/chain";
import { NodeProblemError } from "../../api/lib/errors";
import { walletRelayer } from "../../api/services/relayer";
import { startFaultProxy, type FaultProfile, type FaultProxy } from "../../scripts/stack/rpc-fault-proxy";
import { startStack, type LocalStack } from "../../scripts/stack/stack";
import { IndexReader } from "../../api/index/reader";
import { testAccount } from "../../scripts/lib/test-accounts";
import { freePort, waitFor } from "../helpers/processes";
import { invoiceTerms } from "../helpers/constants";
import { artifactAbi } from "../helpers/real-index";

/** The API's RPC timeout in this spec (SETTLE_RPC_TIMEOUT_MS): a stall longer than it is a node_timeout. */
const TIMEOUT_MS = 1000;

/** One fault the proxy can put in front of the node, and the 503 the API must answer with while it is on. */
interface Fault {
  /** The case's name. */
  title: string;
  /** The proxy's profile while the fault is on. */
  profile: FaultProfile;
  /** core/rpc's code of the 503. */
  code: RpcProblemCode;
  /** The Retry-After header expected (undefined: any positive number of seconds). */
  retryAfter?: string;
  /** Only the routes that ask the head and a receipt (default: the eth_call route too). */
  headAndReceiptOnly?: true;
}

/** The faults, each turned on alone; the relay route reuses some of them. */
const FAULTS = {
  rateLimit: {
    title: "429 with Retry-After: node_rate_limited with the node's Retry-After",
    profile: { rateLimitProbability: 1, retryAfterSeconds: 7 },
    code: "node_rate_limited",
    retryAfter: "7",
  },
  serverError: { title: "503: node_unavailable", profile: { serverErrorProbability: 1 }, code: "node_unavailable" },
  stall: {
    title: "a stall beyond the timeout: node_timeout, not a hang",
    profile: { stallProbability: 1, stallMs: 20_000 },
    code: "node_timeout",
    headAndReceiptOnly: true,
  },
  truncate: { title: "answers cut in the middle: node_unreachable", profile: { truncateProbability: 1 }, code: "node_unreachable" },
  drop: { title: "dropped connections: node_unreachable", profile: { dropProbability: 1 }, code: "node_unreachable" },
} satisfies Record<string, Fault>;

describe("API through a misbehaving RPC (fault proxy)", function () {
  this.timeout(180_000);
  let stack: LocalStack<IndexReader>;
  let proxy: FaultProxy;
  let api: string;
  let host: string;
  /** A mined transaction (an ETH transfer) for GET /transactions/{hash}. */
  let txHash: string;
  /** An open TestUSD invoice (anyone may pay it), for the relay route's preflight. */
  let invoiceId: bigint;

  before(async function () {
    const nodePort = await freePort();
    proxy = await startFaultProxy(`http://127.0.0.1:${nodePort}`, {}, 13);
    host = new URL(proxy.url).host;
    stack = await startStack({
      nodePort,
      openReader: (location) => new IndexReader(location),
      api: {
        env: {
          RPC_URL: proxy.url,
          SETTLE_RPC_TIMEOUT_MS: String(TIMEOUT_MS),
          LOG_LEVEL: "warn",
          // The relayer (account 16): its preflight asks the node for the gas price and simulates the payment.
          RELAYER_PRIVATE_KEY: testAccount(16).privateKey,
          RELAYER_IP_LIMIT_PER_HOUR: "1000",
        },
      },
    });
    api = stack.api!.url;
    const from = testAccount(18).address;
    txHash = await stack.node.rpc<string>("eth_sendTransaction", [{ from, to: Wallet.createRandom().address, value: "0x1" }]);
    const escrow = new Interface(artifactAbi("PaymentEscrow.sol/PaymentEscrow.json"));
    const to = stack.deployment.contracts.PaymentEscrow.address;
    const terms = invoiceTerms({
      token: stack.deployment.tokens!.TestUSD!.address,
      amount: 1_000_000n,
      dueDate: Math.floor(Date.now() / 1000) + 30 * 86_400,
    });
    await stack.node.rpc("eth_sendTransaction", [{ from, to, data: escrow.encodeFunctionData("createInvoice", [terms]) }]);
    invoiceId = BigInt(await stack.node.rpc<string>("eth_call", [{ to, data: escrow.encodeFunctionData("invoiceCount") }, "latest"]));
    await waitFor("the index to be ready and current", async () => {
      const res = await fetch(`${api}/blockchain/status`);
      const status = (await res.json()) as { indexReady?: boolean; lagBlocks?: number };
      return res.status === 200 && status.indexReady === true && status.lagBlocks === 0;
    });
  });
  after(async function () {
    await stack?.stop();
    await proxy?.close();
  });
  afterEach(function () {
    proxy.endOutage();
    proxy.setProfile({});
  });

  /** The routes that ask the node, one of each kind (head, receipt, eth_call). */
  const nodeRoutes = () => ["/blockchain/status", `/transactions/${txHash}`, `/blockchain/staking/${testAccount(18).address}`];

  /** GETs `path` and checks it is the 503 of `code` naming the proxy's host, with Retry-After and no stack. */
  async function expectNodeProblem(path: string, code: RpcProblemCode, retryAfter?: string): Promise<void> {
    const res = await fetch(`${api}${path}`);
    const text = await res.text();
    expect(res.status, `${path}: ${text}`).to.equal(503);
    const body = JSON.parse(text) as { error: { code: string; message: string; details: { host: string } } };
    expect(body.error.code, path).to.equal(code);
    expect(body.error.message).to.contain(host);
    expect(body.error.details.host).to.equal(host);
    expect(text).to.not.match(/\bat \S+ \(|node_modules|Error:/);
    const header = res.headers.get("retry-after");
    if (retryAfter !== undefined) expect(header).to.equal(retryAfter);
    else expect(Number(header)).to.be.greaterThan(0);
  }

  /** Every node route answers 200 again (the fault is off). */
  async function expectRecovered(): Promise<void> {
    for (const path of nodeRoutes()) {
      const res = await fetch(`${api}${path}`);
      expect(res.status, `${path} after the fault: ${await res.clone().text()}`).to.equal(200);
    }
  }

  it("answers normally through a clean proxy", async function () {
    await expectRecovered();
    const status = (await (await fetch(`${api}/blockchain/status`)).json()) as { chainHead: number };
    expect(status.chainHead).to.equal(await stack.node.blockNumber());
  });

  for (const fault of Object.values(FAULTS) as Fault[]) {
    it(fault.title, async function () {
      proxy.setProfile(fault.profile);
      for (const path of nodeRoutes().slice(0, fault.headAndReceiptOnly ? 2 : 3))
        await expectNodeProblem(path, fault.code, fault.retryAfter);
      proxy.setProfile({});
      await expectRecovered();
    });
  }

  it("429: the node is asked once per request (no retry storm inside ethers)", async function () {
    proxy.setProfile(FAULTS.rateLimit.profile);
    const before = proxy.counts.rateLimited;
    await expectNodeProblem("/blockchain/status", FAULTS.rateLimit.code, FAULTS.rateLimit.retryAfter);
    expect(proxy.counts.rateLimited - before).to.equal(1);
  });

  it("latency under the timeout: answers normally", async function () {
    proxy.setProfile({ latencyMs: 150 });
    await expectRecovered();
  });

  it("an outage: node_unreachable; /health stays served and names the problem; recovery after it", async function () {
    proxy.startOutage();
    for (const path of nodeRoutes()) await expectNodeProblem(path, "node_unreachable");
    const health = await fetch(`${api}/health`);
    expect(health.status).to.equal(200);
    const body = (await health.json()) as {
      status: string;
      checks: { node: { ok: boolean; code?: string; host?: string; detail?: string } };
    };
    expect(body.status).to.equal("degraded");
    expect(body.checks.node).to.include({ ok: false, code: "node_unreachable", host });
    expect(body.checks.node.detail).to.contain(host);
    proxy.endOutage();
    await expectRecovered();
    const after = (await (await fetch(`${api}/health`)).json()) as { checks: { node: { ok: boolean } } };
    expect(after.checks.node.ok).to.equal(true);
  });

  it("a lagging head: answers stay consistent (no negative lag, confirmations from the receipt)", async function () {
    await stack.node.mine(5);
    const truth = await stack.node.blockNumber();
    proxy.setProfile({ headLagBlocks: 3 });
    const status = (await (await fetch(`${api}/blockchain/status`)).json()) as { chainHead: number; lagBlocks: number | null };
    expect(status.chainHead).to.equal(truth - 3);
    expect(status.lagBlocks).to.be.at.least(0);
    const tx = await fetch(`${api}/transactions/${txHash}`);
    expect(tx.status).to.equal(200);
    expect(((await tx.json()) as { confirmations: number }).confirmations).to.be.at.least(1);
  });

  it("every fault at once: only 200s and 503s naming the node, never a 500 or a hang; then recovery", async function () {
    proxy.setProfile({
      latencyMs: 20,
      rateLimitProbability: 0.2,
      retryAfterSeconds: 1,
      serverErrorProbability: 0.2,
      dropProbability: 0.15,
      stallProbability: 0.1,
      stallMs: 20_000,
      truncateProbability: 0.15,
      headLagBlocks: 2,
    });
    const seen = new Set<string>();
    for (let round = 0; round < 6; round++) {
      for (const path of nodeRoutes()) {
        const res = await fetch(`${api}${path}`);
        const text = await res.text();
        expect([200, 503], `${path}: ${res.status} ${text}`).to.include(res.status);
        if (res.status === 503) {
          const { error } = JSON.parse(text) as { error: { code: string; message: string } };
          expect(RPC_PROBLEM_CODES as readonly string[]).to.include(error.code);
          expect(error.message).to.contain(host);
          seen.add(error.code);
        }
      }
    }
    expect(seen.size, `codes seen: ${[...seen].join(", ")}`).to.be.greaterThan(1);
    proxy.setProfile({});
    await expectRecovered();
  });

  describe("the relay route", function () {
    /** POST /invoices/{id}/relay with a payment whose signature is junk: the preflight asks the node, then the chain refuses. */
    const relay = () =>
      fetch(`${api}/invoices/${invoiceId}/relay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          payment: {
            id: invoiceId.toString(),
            amount: "1000000",
            payer: Wallet.createRandom().address,
            nonce: "1",
            deadline: String(Math.floor(Date.now() / 1000) + 3600),
          },
          signature: `0x${"11".repeat(65)}`,
          pull: { kind: "ReceiveWithAuthorization" },
        }),
      });

    it("answers 503 with the node's problem during the preflight, and its own refusal (a revert, 400) once the node is back", async function () {
      for (const { profile, code } of [FAULTS.rateLimit, FAULTS.serverError, FAULTS.drop]) {
        proxy.setProfile(profile);
        const res = await relay();
        const text = await res.text();
        expect(res.status, text).to.equal(503);
        expect((JSON.parse(text) as { error: { code: string; message: string } }).error).to.include({ code });
        expect(text).to.contain(host);
      }
      proxy.setProfile({});
      const res = await relay();
      const text = await res.text();
      expect(res.status, text).to.equal(400);
      expect((JSON.parse(text) as { error: { code: string } }).error.code).to.equal("relay_refused");
    });
  });

  describe("the relayer", function () {
    /** A relayer (Hardhat account 17) on its own connection through the proxy, as api/main.ts builds it. */
    const relayerOnProxy = () => {
      const node = jsonRpcChain(proxy.url, stack.deployment.chainId, TIMEOUT_MS);
      return { relayer: walletRelayer(testAccount(17).privateKey, node.provider), destroy: node.destroy };
    };
    const nonce = async () => Number(await stack.node.rpc<string>("eth_getTransactionCount", [testAccount(17).address, "latest"]));
    const MAX_FEE = 100_000_000_000n;

    it("the answer of eth_sendRawTransaction is lost: finds the sent transaction by hash, sends nothing twice", async function () {
      const { relayer, destroy } = relayerOnProxy();
      try {
        const before = await nonce();
        proxy.setProfile({ truncateProbability: 1, onlyMethods: ["eth_sendRawTransaction"] });
        const hash = await relayer.send(Wallet.createRandom().address, "0x", MAX_FEE);
        expect(proxy.counts.truncated).to.be.greaterThan(0);
        proxy.setProfile({});
        const receipt = await stack.node.rpc<{ status: string } | null>("eth_getTransactionReceipt", [hash]);
        expect(receipt?.status).to.equal("0x1");
        expect(await nonce()).to.equal(before + 1);
      } finally {
        destroy();
      }
    });

    it("the send never reaches the node: 503 node_unreachable, nothing sent; the next send goes through", async function () {
      const { relayer, destroy } = relayerOnProxy();
      try {
        const before = await nonce();
        proxy.setProfile({ dropProbability: 1, onlyMethods: ["eth_sendRawTransaction"] });
        const failure = await relayer.send(Wallet.createRandom().address, "0x", MAX_FEE).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).to.be.instanceOf(NodeProblemError);
        expect((failure as NodeProblemError).code).to.equal("node_unreachable");
        expect((failure as NodeProblemError).message).to.contain(host);
        expect(await nonce()).to.equal(before);
        proxy.setProfile({});
        await relayer.send(Wallet.createRandom().address, "0x", MAX_FEE);
        expect(await nonce()).to.equal(before + 1);
      } finally {
        destroy();
      }
    });

    it("a node that rate-limits: the relayer's reads are node_rate_limited (the relay route answers 503 with it)", async function () {
      const { relayer, destroy } = relayerOnProxy();
      try {
        proxy.setProfile(FAULTS.rateLimit.profile);
        const failure = await relayer.gasPrice().then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).to.be.instanceOf(NodeProblemError);
        expect((failure as NodeProblemError).code).to.equal(FAULTS.rateLimit.code);
        expect((failure as NodeProblemError).retryAfterSeconds).to.equal(FAULTS.rateLimit.profile.retryAfterSeconds);
      } finally {
        destroy();
      }
    });
  });
});
