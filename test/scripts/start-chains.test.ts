import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Interface } from "ethers";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2, nodeChainIdFromEnv } from "../../core/chains";
import { type Deployment } from "../../core/deployment";
import { statusValue } from "../../core/invoice/status";
import { MORE_CHAINS_DEMO_INVOICES } from "../../scripts/lib/demo-more-chains";
import { parseStartArgs } from "../../scripts/lib/start-args";
import { REPO_ROOT } from "../../scripts/stack/paths";
import { waitForProcess } from "../../scripts/stack/processes";
import { freePort, startProcess, waitFor, type ManagedProcess } from "../helpers/processes";

const ESCROW = new Interface(PaymentEscrowAbi);

/** One JSON-RPC call to `url`; the result, or undefined when nothing answers. */
async function rpc(url: string, method: string, params: unknown[] = []): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(2_000),
    });
    return ((await response.json()) as { result?: string }).result;
  } catch {
    return undefined;
  }
}

describe("npm start -- --chains", function () {
  describe("its command line", function () {
    it("takes --chains 1 or 2, with --demo and --postgres, one chain by default", function () {
      expect(parseStartArgs([])).to.deep.equal({ demo: false, postgres: false, chains: 1 });
      expect(parseStartArgs(["--chains", "2", "--demo", "--postgres"])).to.deep.equal({ demo: true, postgres: true, chains: 2 });
      expect(parseStartArgs(["--chains=2"]).chains).to.equal(2);
    });

    it("gives the second node its chain id through SETTLE_NODE_CHAIN_ID, refusing any other than the local ones", function () {
      expect(nodeChainIdFromEnv({})).to.equal(LOCAL_CHAIN_ID);
      expect(nodeChainIdFromEnv({ SETTLE_NODE_CHAIN_ID: "31338" })).to.equal(LOCAL_CHAIN_ID_2);
      expect(() => nodeChainIdFromEnv({ SETTLE_NODE_CHAIN_ID: "8453" })).to.throw(
        'SETTLE_NODE_CHAIN_ID must be 31337 or 31338, got "8453"',
      );
    });

    for (const bad of [["--chains", "3"], ["--chains", "x"], ["--chains"], ["--chain", "2"]]) {
      it(`refuses \`npm start -- ${bad.join(" ")}\` in one line naming what it accepts, starting nothing`, async function () {
        const run = promisify(execFile)("npm", ["start", "--silent", "--", ...bad], { cwd: REPO_ROOT });
        const failure = (await run.then(
          () => expect.fail("npm start accepted a bad command line"),
          (error: unknown) => error,
        )) as { code: number; stderr: string };
        expect(failure.code).to.not.equal(0);
        const lines = failure.stderr.split("\n").filter((line) => line.startsWith("[settle]"));
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(bad[0] === "--chains" ? /--chains must be 1 or 2/ : /unknown option "--chain"/);
      });
    }
  });

  describe("with two chains and the demo", function () {
    this.timeout(600_000);
    let dir: string;
    let start: ManagedProcess;
    let ports: { node: number; node2: number; indexer: number; api: number };
    const urls = () => ({
      node: `http://127.0.0.1:${ports.node}`,
      node2: `http://127.0.0.1:${ports.node2}`,
      api: `http://127.0.0.1:${ports.api}`,
    });

    before(async function () {
      dir = mkdtempSync(join(tmpdir(), "settle-start-"));
      ports = { node: await freePort(), node2: await freePort(), indexer: await freePort(), api: await freePort() };
      start = startProcess({
        name: "npm start",
        command: "npm",
        args: ["start", "--", "--chains", "2", "--demo"],
        cwd: REPO_ROOT,
        env: {
          SETTLE_NODE_PORT: String(ports.node),
          SETTLE_NODE_PORT_2: String(ports.node2),
          SETTLE_INDEXER_PORT: String(ports.indexer),
          PORT: String(ports.api),
          SETTLE_STATE_DIR: join(dir, "state"),
          SETTLE_DEPLOYMENTS_DIR: join(dir, "deployments"),
          APP_DB_PATH: join(dir, "app", "app.sqlite"),
        },
        logFile: join(dir, "start.log"),
      });
      try {
        await waitForProcess(start, "npm start to say it is running", () => readFileSync(start.logFile, "utf8").includes("Press Ctrl-C"), {
          timeoutMs: 540_000,
          intervalMs: 1_000,
        });
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${readFileSync(start.logFile, "utf8").slice(-4_000)}`);
      }
    });
    after(async function () {
      await start?.stop("SIGINT", 30_000);
      if (!process.env.SETTLE_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    });

    it("runs a node on each chain and says so, chain by chain", async function () {
      expect(Number(await rpc(urls().node, "eth_chainId"))).to.equal(LOCAL_CHAIN_ID);
      expect(Number(await rpc(urls().node2, "eth_chainId"))).to.equal(LOCAL_CHAIN_ID_2);
      const log = readFileSync(start.logFile, "utf8");
      expect(log).to.include(`starting the Hardhat node of chain ${LOCAL_CHAIN_ID} (localhost)`);
      expect(log).to.include(`starting the Hardhat node of chain ${LOCAL_CHAIN_ID_2} (localhost2)`);
      expect(log).to.include(`Settle is running on chain ${LOCAL_CHAIN_ID_2} (Hardhat (local 2), ${urls().node2})`);
    });

    it("deploys onto each chain, one deployment file each", async function () {
      for (const [network, chainId, url] of [
        ["localhost", LOCAL_CHAIN_ID, urls().node],
        ["localhost2", LOCAL_CHAIN_ID_2, urls().node2],
      ] as const) {
        const path = join(dir, "deployments", `${network}.json`);
        expect(existsSync(path), path).to.equal(true);
        const deployment = JSON.parse(readFileSync(path, "utf8")) as Deployment;
        expect(deployment.chainId).to.equal(chainId);
        expect(await rpc(url, "eth_getCode", [deployment.contracts.PaymentEscrow.address, "latest"])).to.not.equal("0x");
      }
    });

    it("serves both chains from one healthy API", async function () {
      const health = await fetch(`${urls().api}/health`);
      expect(health.status).to.equal(200);
      const contracts = (await (await fetch(`${urls().api}/blockchain/contracts`)).json()) as {
        chainId: number;
        networks: { chainId: number; network: string; chainName: string }[];
      };
      expect(contracts.chainId).to.equal(LOCAL_CHAIN_ID);
      expect(contracts.networks.map((n) => [n.chainId, n.network, n.chainName])).to.deep.equal([
        [LOCAL_CHAIN_ID, "localhost", "Hardhat (local)"],
        [LOCAL_CHAIN_ID_2, "localhost2", "Hardhat (local 2)"],
      ]);
      const nonce = (await (await fetch(`${urls().api}/auth/nonce`)).json()) as { chainIds: number[] };
      expect(nonce.chainIds).to.deep.equal([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);
      // The second chain's status is read from the second node.
      const status = (await (await fetch(`${urls().api}/blockchain/status?chainId=${LOCAL_CHAIN_ID_2}`)).json()) as {
        chainId: number;
        chainHead: number;
      };
      expect(status.chainId).to.equal(LOCAL_CHAIN_ID_2);
      expect(status.chainHead).to.equal(Number(await rpc(urls().node2, "eth_blockNumber")));
      const unknown = await fetch(`${urls().api}/blockchain/status?chainId=1`);
      expect(unknown.status).to.equal(400);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).to.equal("unknown_chain");
    });

    it("fills the second chain with its few demo invoices, one paid", async function () {
      const deployment = JSON.parse(readFileSync(join(dir, "deployments", "localhost2.json"), "utf8")) as Deployment;
      const escrow = deployment.contracts.PaymentEscrow.address;
      const call = async (fn: string, args: unknown[] = []) =>
        BigInt((await rpc(urls().node2, "eth_call", [{ to: escrow, data: ESCROW.encodeFunctionData(fn, args) }, "latest"]))!);
      expect(await call("invoiceCount")).to.equal(BigInt(MORE_CHAINS_DEMO_INVOICES.length));
      for (const [i, invoice] of MORE_CHAINS_DEMO_INVOICES.entries()) {
        expect(await call("status", [i + 1])).to.equal(BigInt(statusValue(invoice.expect)));
      }
      expect(MORE_CHAINS_DEMO_INVOICES.filter((invoice) => invoice.expect === "paid")).to.have.length(1);
    });

    it("stops every process it started on Ctrl-C", async function () {
      await start.stop("SIGINT", 30_000);
      expect(start.hasExited()).to.equal(true);
      await waitFor(
        "both nodes and the API to stop answering",
        async () => {
          const answers = await Promise.all([
            rpc(urls().node, "eth_chainId"),
            rpc(urls().node2, "eth_chainId"),
            fetch(`${urls().api}/health`).then(
              () => "up",
              () => undefined,
            ),
          ]);
          return answers.every((answer) => answer === undefined);
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const log = readFileSync(start.logFile, "utf8");
      expect(log).to.include("[settle] stopping");
    });
  });
});
