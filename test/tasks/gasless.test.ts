import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "hardhat";
import { TOKEN_PULL, type RelayRequestBody } from "../../core/relay";
import type { PaymentEscrow } from "../../typechain-types";
import { invoiceTerms } from "../helpers/constants";
import { runJson, runTask } from "../helpers/task-runner";

/**
 * invoice:pay --gasless against a stand-in for the API's relay endpoint that submits what it receives with account 9
 * (the real endpoint is specified in test/api/relay.test.ts): the task's signatures must pay the invoice on chain.
 */
describe("Hardhat tasks: invoice:pay --gasless", function () {
  let dir: string;
  let server: Server;
  let apiUrl: string;
  let escrow: PaymentEscrow;
  let usd: string;
  /** What the stand-in received. */
  const received: RelayRequestBody[] = [];

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), "settle-gasless-"));
    process.env.SETTLE_DEPLOYMENTS_DIR = dir;
    const deploy = await runTask("settle:deploy");
    expect(deploy.failed, deploy.err).to.equal(false);
    const deployment = (await import(join(dir, "hardhat.json"))) as {
      contracts: { PaymentEscrow: { address: string } };
      tokens: { TestUSD: { address: string } };
    };
    const relayer = (await ethers.getSigners())[9]!;
    escrow = await ethers.getContractAt("PaymentEscrow", deployment.contracts.PaymentEscrow.address, relayer);
    usd = deployment.tokens.TestUSD.address;
    server = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString()));
      req.on("end", () => {
        const body = JSON.parse(text) as RelayRequestBody;
        received.push(body);
        escrow
          .payRelayed(body.payment, body.signature, { ...body.pull, kind: TOKEN_PULL[body.pull.kind] })
          .then((tx) =>
            res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ txHash: tx.hash, relayer: relayer.address })),
          )
          .catch((error: Error) =>
            res
              .writeHead(400, { "Content-Type": "application/json" })
              .end(JSON.stringify({ error: { code: "relay_refused", message: error.message } })),
          );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async function () {
    await new Promise((resolve) => server?.close(resolve));
    delete process.env.SETTLE_DEPLOYMENTS_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A TestUSD invoice of `amount` base units from account 1 to account 2; returns its id. */
  const invoice = async (amount: bigint) => {
    const [, merchant, payer] = await ethers.getSigners();
    const block = await ethers.provider.getBlock("latest");
    const terms = invoiceTerms({ payer: payer!.address, token: usd, amount, dueDate: block!.timestamp + 30 * 86_400 });
    await (await escrow.connect(merchant!).createInvoice(terms)).wait();
    return (await escrow.invoiceCount()).toString();
  };

  it("signs an EIP-3009 payment with --from and posts it to the relay endpoint: the invoice is paid, the payer spent no ETH", async function () {
    const id = await invoice(40_000_000n);
    const payer = (await ethers.getSigners())[2]!.address;
    const ethBefore = await ethers.provider.getBalance(payer);
    const out = await runJson("invoice:pay", { id, from: "2", gasless: true, api: apiUrl });
    expect(out).to.include({ invoice: id, relayer: (await ethers.getSigners())[9]!.address });
    expect(received.at(-1)!.pull.kind).to.equal("ReceiveWithAuthorization");
    expect((await escrow.getInvoice(id)).paid).to.equal(40_000_000n);
    expect(await ethers.provider.getBalance(payer)).to.equal(ethBefore);
  });

  it("refuses more than is due before signing anything", async function () {
    const id = await invoice(10_000_000n);
    const posted = received.length;
    const run = await runTask("invoice:pay", { id, amount: "20", from: "2", gasless: true, api: apiUrl });
    expect(run.failed).to.equal(true);
    expect(run.err).to.contain("has only 10");
    expect(received.length).to.equal(posted);
  });

  it("says so when the API cannot be reached", async function () {
    const id = await invoice(10_000_000n);
    const run = await runTask("invoice:pay", { id, from: "2", gasless: true, api: "http://127.0.0.1:9" });
    expect(run.failed).to.equal(true);
    expect(run.err).to.contain("cannot reach the Settle API at http://127.0.0.1:9");
  });
});
