import { expect } from "chai";
import { Wallet } from "ethers";
import { artifacts, ethers } from "hardhat";
import type { Deployment } from "../../scripts/lib/deployments";
import { FakeIndex, historyRow } from "./fake-index";
import { DEPLOYMENT, type TestApp, errorCode, makeApp, signIn } from "./helpers";

describe("API transactions", function () {
  let t: TestApp;
  let index: FakeIndex;
  let auth: Record<string, string>;
  let account: string;

  beforeEach(async function () {
    index = new FakeIndex();
    t = await makeApp({ index });
    ({ auth, address: account } = await signIn(t, Wallet.createRandom()));
    const me = account.toLowerCase() as `0x${string}`;
    index.history = [
      historyRow(1, { account: me, kind: "transfer_in" }),
      historyRow(2, { account: me, kind: "invoice_paid", invoiceId: 7n, amount: 5n }),
      historyRow(3, { account: me, kind: "staked", token: "0x00000000000000000000000000000000000000aa" }),
      historyRow(4, { account: "0x0000000000000000000000000000000000000009", kind: "transfer_in" }),
      historyRow(5, { account: me, kind: "released", invoiceId: 7n, counterparty: "0x00000000000000000000000000000000000000bb" }),
    ];
    index.head = { number: 5n, timestamp: 1_700_000_005n };
  });
  afterEach(async function () {
    await t.close();
  });

  describe("GET /transactions", function () {
    it("lists the signed-in account's rows newest first with confirmations and finality", async function () {
      const res = await t.app.request("/transactions", { headers: auth });
      expect(res.status).to.equal(200);
      const body = (await res.json()) as {
        items: Array<{ id: string; confirmations: number; final: boolean; amount: string }>;
        nextCursor: null;
        chainHead: number;
      };
      expect(body.items.map((i) => i.id)).to.deep.equal(["000000000005", "000000000003", "000000000002", "000000000001"]);
      const head = body.chainHead;
      expect(head).to.be.at.least(5);
      expect(body.items[0]!.confirmations).to.equal(head - 5 + 1);
      expect(body.items[0]!.final).to.equal(head - 5 + 1 >= 12);
      expect(body.items[2]!.amount).to.equal("5");
      expect(body.nextCursor).to.equal(null);
    });

    it("paginates with the cursor", async function () {
      const first = (await (await t.app.request("/transactions?limit=2", { headers: auth })).json()) as {
        items: Array<{ id: string }>;
        nextCursor: string;
      };
      expect(first.items.map((i) => i.id)).to.deep.equal(["000000000005", "000000000003"]);
      const second = (await (await t.app.request(`/transactions?limit=2&cursor=${first.nextCursor}`, { headers: auth })).json()) as {
        items: Array<{ id: string }>;
        nextCursor: string | null;
      };
      expect(second.items.map((i) => i.id)).to.deep.equal(["000000000002", "000000000001"]);
      expect(second.nextCursor).to.equal(null);
    });

    it("filters by kind, token, invoice and time range", async function () {
      const ids = async (query: string) =>
        ((await (await t.app.request(`/transactions?${query}`, { headers: auth })).json()) as { items: Array<{ id: string }> }).items.map(
          (i) => i.id,
        );
      expect(await ids("kind=invoice_paid,released")).to.deep.equal(["000000000005", "000000000002"]);
      expect(await ids("token=0x00000000000000000000000000000000000000aa")).to.deep.equal(["000000000003"]);
      expect(await ids("invoice=7")).to.deep.equal(["000000000005", "000000000002"]);
      expect(await ids(`from=${1_700_000_002}&to=${new Date(1_700_000_004_000).toISOString()}`)).to.deep.equal([
        "000000000003",
        "000000000002",
      ]);
    });

    it("answers a CSV page with ?format=csv", async function () {
      const res = await t.app.request("/transactions?format=csv&limit=2", { headers: auth });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^text\/csv/);
      expect(res.headers.get("x-next-cursor")).to.equal("000000000003");
      const lines = (await res.text()).trim().split("\r\n");
      expect(lines[0]).to.equal(
        "id,timestamp,blockNumber,txHash,logIndex,kind,account,counterparty,token,amount,invoiceId,confirmations,final",
      );
      expect(lines).to.have.length(3);
      expect(lines[1]).to.include(",released,");
    });

    const bad: Array<[string, string]> = [
      ["an unknown kind", "kind=stolen"],
      ["a bad token", "token=0x12"],
      ["a bad invoice id", "invoice=-1"],
      ["a bad time", "from=yesterday"],
      ["a limit over 500", "limit=501"],
      ["a bad cursor", "cursor=%27%20OR%201%3D1"],
      ["a bad format", "format=xml"],
    ];
    for (const [what, query] of bad) {
      it(`refuses ${what} (400)`, async function () {
        const res = await t.app.request(`/transactions?${query}`, { headers: auth });
        expect(res.status).to.equal(400);
        expect(await errorCode(res)).to.equal("validation_failed");
      });
    }

    it("is 401 when signed out and 503 while the index is building", async function () {
      expect((await t.app.request("/transactions")).status).to.equal(401);
      index.ready = false;
      const res = await t.app.request("/transactions", { headers: auth });
      expect(res.status).to.equal(503);
      expect(await errorCode(res)).to.equal("index_not_ready");
    });
  });

  describe("GET /transactions/:hash", function () {
    it("verifies a mined transaction: status, confirmations, decoded Settle events, index coverage", async function () {
      const [owner, other] = await ethers.getSigners();
      const factory = await ethers.getContractFactory("TestToken");
      const token = await factory.deploy("Test", "TST", 18);
      await token.waitForDeployment();
      const deployment: Deployment = {
        ...DEPLOYMENT,
        contracts: { ...DEPLOYMENT.contracts, SettleToken: { address: await token.getAddress(), deployBlock: 0, txHash: "0x" } },
      };
      const app = await makeApp({ index, deployment, abis: { SettleToken: (await artifacts.readArtifact("TestToken")).abi } });
      await (await token.mint(owner!.address, 100n)).wait();
      const tx = await token.transfer(other!.address, 40n);
      const receipt = (await tx.wait())!;
      index.head = { number: BigInt(receipt.blockNumber), timestamp: 1n };
      index.history.push(historyRow(99, { txHash: tx.hash.toLowerCase() as `0x${string}`, logIndex: receipt.logs[0]!.index }));

      const res = await app.app.request(`/transactions/${tx.hash}`);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as {
        status: string;
        blockNumber: number;
        confirmations: number;
        events: Array<{ contract: string; event: string; args: Record<string, unknown>; indexed: boolean }>;
        index: { hasTransaction: boolean; rows: number };
      };
      expect(body.status).to.equal("success");
      expect(body.blockNumber).to.equal(receipt.blockNumber);
      expect(body.confirmations).to.equal(1);
      expect(body.events).to.have.length(1);
      expect(body.events[0]).to.deep.include({ contract: "SettleToken", event: "Transfer", indexed: true });
      expect(body.events[0]!.args).to.deep.equal({ from: owner!.address, to: other!.address, value: "40" });
      expect(body.index).to.deep.equal({ ready: true, indexedHead: receipt.blockNumber, hasTransaction: true, rows: 1 });
      await app.close();
    });

    it("is 404 for an unknown hash and 400 for a malformed one", async function () {
      const unknown = await t.app.request(`/transactions/0x${"ab".repeat(32)}`);
      expect(unknown.status).to.equal(404);
      expect(await errorCode(unknown)).to.equal("transaction_not_found");
      expect((await t.app.request("/transactions/0x1234")).status).to.equal(400);
    });
  });
});
