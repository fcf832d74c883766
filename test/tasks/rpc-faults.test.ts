import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Contract, JsonRpcProvider, parseEther } from "ethers";
import { startFaultProxy, type FaultProfile, type FaultProxy } from "../../scripts/stack/rpc-fault-proxy";
import { deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { freePort, stopAllProcesses, waitFor } from "../helpers/processes";
import { hardhatKey } from "../helpers/settle-stack";
import { runTaskProcess, type TaskProcessRun } from "../helpers/task-runner";

/** One waiting line of the tasks, for any problem. */
const WAITING = /^node at 127\.0\.0\.1:\d+ (.+): retrying in \d+\.\d s \(attempt \d+\)$/m;

describe("Tasks through a misbehaving RPC (the fault proxy in front of a real node)", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let deployment: TestDeployment;
  let proxy: FaultProxy;
  let provider: JsonRpcProvider;
  let accounts: string[];
  let escrow: Contract;
  let token: Contract;
  let staking: Contract;

  /** Runs a task with --json in its own process, `--network localhost` (or `network`) pointed at the proxy. */
  function task(
    name: string,
    args: Record<string, string>,
    env: Record<string, string> = {},
    network = "localhost",
  ): Promise<TaskProcessRun> {
    return runTaskProcess(
      name,
      { ...args, json: true },
      {
        network,
        env: {
          RPC_URL_LOCALHOST: proxy.url,
          SETTLE_DEPLOYMENTS_DIR: deployment.deploymentsDir,
          SETTLE_RPC_PATIENCE_MS: "60000",
          SETTLE_RPC_TIMEOUT_MS: "3000",
          ...env,
        },
      },
    );
  }

  /** Runs a task that must succeed; returns what it printed as JSON, and its stderr. */
  async function succeed(name: string, args: Record<string, string>): Promise<{ json: Record<string, string>; err: string }> {
    const run = await task(name, args);
    expect(run.exitCode, run.err).to.equal(0);
    return { json: JSON.parse(run.out) as Record<string, string>, err: run.err };
  }

  /** An account's transaction count, asked of the node itself (not through the proxy). */
  const nonceOf = async (account: string) => provider.getTransactionCount(account, "latest");

  /** Creates an invoice of `amount` SETL from merchant #1 to `payer` on a clean RPC; returns its id. */
  async function invoiceFor(payer: string, amount: string): Promise<string> {
    proxy.setProfile({});
    return (await succeed("invoice:create", { amount, payer, from: "1" })).json.invoice!;
  }

  before(async function () {
    node = await startHardhatNode();
    deployment = await deploySettle(node);
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    accounts = await node.rpc<string[]>("eth_accounts");
    escrow = new Contract(
      deployment.contracts.PaymentEscrow.address,
      ["function invoiceCount() view returns (uint256)", "function amountDue(uint256) view returns (uint256)"],
      provider,
    );
    token = new Contract(deployment.contracts.SettleToken.address, ["function balanceOf(address) view returns (uint256)"], provider);
    staking = new Contract(deployment.contracts.StakingRewards.address, ["function balanceOf(address) view returns (uint256)"], provider);
    proxy = await startFaultProxy(node.url, {}, 13);
  });

  afterEach(function () {
    proxy?.endOutage();
    proxy?.setProfile({});
  });

  after(async function () {
    await proxy?.close();
    provider?.destroy();
    await stopAllProcesses();
  });

  /** Sets `profile` on the proxy and runs `body`; the proxy's counts of `kind` must have grown meanwhile. */
  async function withFaults<T>(profile: FaultProfile, kind: keyof FaultProxy["counts"], body: () => Promise<T>): Promise<T> {
    const before = proxy.counts[kind];
    proxy.setProfile(profile);
    const result = await body();
    proxy.setProfile({});
    expect(proxy.counts[kind], `faults of kind ${kind} injected`).to.be.greaterThan(before);
    return result;
  }

  it("reads a balance through 429 answers, waiting as long as Retry-After says", async function () {
    const { json, err } = await withFaults({ rateLimitProbability: 0.3, retryAfterSeconds: 1 }, "rateLimited", () =>
      succeed("token:balance", { account: "1" }),
    );
    expect(json.balance).to.equal(String(await token.balanceOf(accounts[1])));
    expect(err).to.match(/^node at 127\.0\.0\.1:\d+ is rate-limiting requests \(HTTP 429\): retrying in 1\.0 s \(attempt \d+\)$/m);
  });

  it("creates an invoice through 503 answers, once, backing off from 0.5 s", async function () {
    const [count, nonce] = [await escrow.invoiceCount(), await nonceOf(accounts[1])];
    const { json, err } = await withFaults({ serverErrorProbability: 0.25 }, "serverErrors", () =>
      succeed("invoice:create", { amount: "25", payer: "2", from: "1" }),
    );
    expect(await escrow.invoiceCount()).to.equal(count + 1n);
    expect(await nonceOf(accounts[1])).to.equal(nonce + 1);
    expect(json.invoice).to.equal(String(count + 1n));
    expect(err).to.match(/is unavailable \(it answered with a server error\): retrying in 0\.5 s \(attempt 2\)$/m);
  });

  it("pays once when the node took the payment but its answer was lost, or never reached it", async function () {
    const id = await invoiceFor(accounts[2]!, "10");
    const nonce = await nonceOf(accounts[2]!);
    // Every answer to a send is cut after the node has taken the transaction; some sends never reach it.
    const profile = { onlyMethods: ["eth_sendTransaction"], dropProbability: 0.3, truncateProbability: 1 };
    const { err } = await withFaults(profile, "truncated", () => succeed("invoice:pay", { id, from: "2" }));
    expect(await escrow.amountDue(id)).to.equal(0n);
    expect(await nonceOf(accounts[2]!), "approve + pay, each sent once").to.equal(nonce + 2);
    expect(err).to.match(/cannot be reached \(connection refused or dropped\): retrying in 0\.5 s \(attempt 2\)$/m);
  });

  it("sends a locally signed transaction once when the node took it but the answer was cut (PRIVATE_KEY, eth_sendRawTransaction)", async function () {
    // The `remote` network (scripts/lib/env-network.ts) signs with PRIVATE_KEY: account #4's key, on the same deployment.
    const file = JSON.parse(readFileSync(deployment.path, "utf8")) as { network: string };
    writeFileSync(join(deployment.deploymentsDir, "remote.json"), JSON.stringify({ ...file, network: "remote" }));
    const [balance, nonce] = [await token.balanceOf(accounts[3]), await nonceOf(accounts[4]!)];
    const profile = { onlyMethods: ["eth_sendRawTransaction"], truncateProbability: 1 };
    const run = await withFaults(profile, "truncated", () =>
      task(
        "token:transfer",
        { to: accounts[3]!, amount: "2" },
        { PRIVATE_KEY: hardhatKey(4), RPC_URL: proxy.url, CHAIN_ID: "31337" },
        "remote",
      ),
    );
    expect(run.exitCode, run.err).to.equal(0);
    expect(await token.balanceOf(accounts[3])).to.equal(balance + parseEther("2"));
    expect(await nonceOf(accounts[4]!), "one transfer").to.equal(nonce + 1);
    expect(run.err).to.match(/cannot be reached \(connection refused or dropped\): retrying in 0\.5 s \(attempt 2\)$/m);
  });

  it("stakes through dropped connections on every call", async function () {
    const [staked, nonce] = [await staking.balanceOf(accounts[3]), await nonceOf(accounts[3]!)];
    const { err } = await withFaults({ dropProbability: 0.3 }, "dropped", () => succeed("staking:stake", { amount: "5", from: "3" }));
    expect(await staking.balanceOf(accounts[3])).to.equal(staked + parseEther("5"));
    expect(await nonceOf(accounts[3]!), "one stakeWithPermit").to.equal(nonce + 1);
    expect(err).to.match(WAITING);
  });

  it("waits out a short outage that starts once the task talks to the node", async function () {
    const [balance, nonce] = [await token.balanceOf(accounts[4]), await nonceOf(accounts[3]!)];
    const requests = proxy.counts.requests;
    const run = task("token:transfer", { to: "4", amount: "1", from: "3" });
    await waitFor("the task's first request", () => proxy.counts.requests > requests, { timeoutMs: 60_000, intervalMs: 5 });
    proxy.startOutage(4_000);
    const result = await run;
    expect(result.exitCode, result.err).to.equal(0);
    expect(await token.balanceOf(accounts[4])).to.equal(balance + parseEther("1"));
    expect(await nonceOf(accounts[3]!)).to.equal(nonce + 1);
    expect(result.err).to.match(/cannot be reached \(connection refused or dropped\): retrying in \d+\.\d s \(attempt \d+\)$/m);
  });

  it("creates and pays an invoice with every fault at once, each transaction on the chain once", async function () {
    const all: FaultProfile = {
      latencyMs: 30,
      rateLimitProbability: 0.1,
      retryAfterSeconds: 1,
      serverErrorProbability: 0.05,
      dropProbability: 0.05,
      truncateProbability: 0.05,
      stallProbability: 0.03,
      stallMs: 2_000,
    };
    const [count, merchantNonce, payerNonce] = [await escrow.invoiceCount(), await nonceOf(accounts[1]!), await nonceOf(accounts[2]!)];
    const requests = proxy.counts.requests;
    proxy.setProfile(all);
    const create = task("invoice:create", { amount: "7", payer: "2", from: "1" });
    await waitFor("the task's first request", () => proxy.counts.requests > requests, { timeoutMs: 60_000, intervalMs: 5 });
    proxy.startOutage(3_000);
    const created = await create;
    expect(created.exitCode, created.err).to.equal(0);
    const id = (JSON.parse(created.out) as { invoice: string }).invoice;
    const paid = await task("invoice:pay", { id, from: "2" });
    expect(paid.exitCode, paid.err).to.equal(0);
    proxy.setProfile({});
    expect(await escrow.invoiceCount()).to.equal(count + 1n);
    expect(await nonceOf(accounts[1]!)).to.equal(merchantNonce + 1);
    expect(await escrow.amountDue(id)).to.equal(0n);
    expect(await nonceOf(accounts[2]!), "approve + pay, each sent once").to.equal(payerNonce + 2);
    expect(`${created.err}\n${paid.err}`).to.match(WAITING);
  });

  it("gives up on a node that stays down: one line naming the host and the problem, exit code 1", async function () {
    proxy.startOutage();
    const run = await task("token:balance", { account: "1" }, { SETTLE_RPC_PATIENCE_MS: "3000" });
    expect(run.exitCode, `${run.out}\n${run.err}`).to.not.equal(0);
    const lines = run.err.trim().split("\n");
    expect(lines.at(-1)).to.match(
      /^error: node at 127\.0\.0\.1:\d+ cannot be reached \(connection refused or dropped\): gave up after \d+ attempts in \d+\.\d s \(check the node or RPC_URL_LOCALHOST; SETTLE_RPC_PATIENCE_MS_LOCALHOST waits longer\)$/,
    );
    expect(
      lines.slice(0, -1).every((line) => WAITING.test(line)),
      run.err,
    ).to.equal(true);
    expect(run.out).to.equal("");
  });

  it("says at once that a local node is not running when nothing listens at its address", async function () {
    const port = await freePort();
    const run = await task("token:balance", { account: "1" }, { RPC_URL_LOCALHOST: `http://127.0.0.1:${port}` });
    expect(run.exitCode).to.not.equal(0);
    expect(run.err.trim()).to.equal(
      `error: nothing answers at 127.0.0.1:${port}: is the node of network localhost running (\`npm start\`)?`,
    );
  });
});
