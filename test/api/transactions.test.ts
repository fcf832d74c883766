import { expect } from "chai";
import { Interface } from "ethers";
import type { HistoryRow } from "../../api/index/rows";
import { type TestApp, errorCode, makeApp, signIn, unbuiltIndex } from "../helpers/api-app";
import { type RealIndex, artifactAbi, useRealIndex } from "../helpers/real-index";
import { describeBackends } from "../helpers/app-db";

interface Item {
  id: string;
  kind: string;
  amount: string;
  invoiceId: string | null;
  txHash: string;
  blockNumber: number;
  timestamp: string;
  confirmations: number;
  final: boolean;
}
interface ListBody {
  items: Item[];
  nextCursor: string | null;
  chainHead: number;
}

describeBackends("API transactions (real index)", function () {
  useRealIndex();
  let t: TestApp;
  let real: RealIndex;
  let auth: Record<string, string>;
  /** The payer's rows in the index, newest first. */
  let rows: HistoryRow[];

  before(async function () {
    t = await makeApp();
    real = t.real;
    ({ auth } = await signIn(t, real.payer));
    rows = (await real.reader.historyByAccount(real.payer.address, { limit: 500 })).items;
  });
  after(async function () {
    await t?.close();
  });

  const list = async (query: string) => {
    const res = await t.app.request(`/transactions?${query}`, { headers: auth });
    expect(res.status, await res.clone().text()).to.equal(200);
    return (await res.json()) as ListBody;
  };

  describe("GET /transactions", function () {
    it("lists the signed-in account's indexed rows newest first with confirmations and finality", async function () {
      const body = await list("");
      expect(rows.length).to.be.greaterThan(3);
      expect(body.items.map((i) => i.id)).to.deep.equal(rows.map((r) => r.id));
      const head = await real.node.blockNumber();
      expect(body.chainHead).to.equal(head);
      for (const item of body.items) {
        expect(item.confirmations).to.equal(head - item.blockNumber + 1);
        expect(item.final).to.equal(item.confirmations >= 12);
      }
      // The SETL transfer admin -> payer is there with its receipt's block.
      const receipt = (await real.provider.getTransactionReceipt(real.transfers[1]!))!;
      const transfer = body.items.find((i) => i.txHash === receipt.hash.toLowerCase());
      expect(transfer).to.deep.include({ kind: "transfer_in", amount: (1000n * 10n ** 18n).toString(), blockNumber: receipt.blockNumber });
      expect(body.nextCursor).to.equal(null);
    });

    it("paginates with the cursor without gaps or repeats", async function () {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: ListBody = await list(`limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        expect(page.items.length).to.be.at.most(2);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).to.deep.equal(rows.map((r) => r.id));
    });

    it("filters by kind, token, invoice and time range", async function () {
      const { invoices, invoiceAmount, deployment } = real;
      const paid = (await list("kind=invoice_paid")).items;
      expect(paid.map((i) => i.invoiceId).sort()).to.deep.equal([invoices.released, invoices.resolved, invoices.paid].map(String).sort());
      expect(paid.every((i) => i.amount === invoiceAmount.toString())).to.equal(true);
      const token = deployment.contracts.SettleToken.address;
      expect((await list(`token=${token}`)).items.map((i) => i.id)).to.deep.equal(
        rows.filter((r) => r.token === token.toLowerCase()).map((r) => r.id),
      );
      expect((await list(`token=0x${"aa".repeat(20)}`)).items).to.have.length(0);
      const resolved = (await list(`invoice=${invoices.resolved}`)).items;
      expect(resolved.map((i) => i.id)).to.deep.equal(rows.filter((r) => r.invoiceId === invoices.resolved).map((r) => r.id));
      expect(resolved.map((i) => i.kind)).to.include.members(["invoice_paid", "disputed", "resolved"]);
      // A window holding only the middle rows' timestamps.
      const times = [...new Set(rows.map((r) => r.timestamp))].sort();
      const from = times[1]!;
      const to = times[times.length - 1]!;
      const expected = rows.filter((r) => r.timestamp >= from && r.timestamp < to).map((r) => r.id);
      expect(expected.length).to.be.greaterThan(0);
      expect((await list(`from=${from}&to=${new Date(Number(to) * 1000).toISOString()}`)).items.map((i) => i.id)).to.deep.equal(expected);
    });

    it("shows the fee and the net the merchant received on releases and the merchant's part of a split", async function () {
      const { invoices, invoiceAmount } = real;
      const fee = invoiceAmount / 100n; // the local deploy's 1%
      const [released] = (await list(`kind=released&invoice=${invoices.released}`)).items;
      expect(released).to.include({ amount: invoiceAmount.toString(), fee: fee.toString(), net: (invoiceAmount - fee).toString() });
      const [paid] = (await list(`kind=invoice_paid&invoice=${invoices.paid}`)).items;
      expect(paid).to.include({ fee: null, net: null });
      // The payer's part of the arbiter's split carries no fee.
      const [resolved] = (await list(`kind=resolved&invoice=${invoices.resolved}`)).items;
      expect(resolved).to.include({ amount: ((invoiceAmount * 4n) / 10n).toString(), fee: null });
    });

    it("answers a CSV page with ?format=csv", async function () {
      const res = await t.app.request("/transactions?format=csv&limit=2", { headers: auth });
      expect(res.status).to.equal(200);
      expect(res.headers.get("content-type")).to.match(/^text\/csv/);
      expect(res.headers.get("x-next-cursor")).to.equal(rows[1]!.id);
      const lines = (await res.text()).trim().split("\r\n");
      expect(lines[0]).to.equal(
        "id,timestamp,blockNumber,txHash,logIndex,kind,account,counterparty,token,amount,fee,net,invoiceId,confirmations,final,chainId,chainName",
      );
      expect(lines).to.have.length(3);
      expect(lines[1]).to.include(`,${rows[0]!.kind},`);
      expect(lines[1]).to.include(rows[0]!.txHash);
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

    it("is 401 when signed out", async function () {
      expect((await t.app.request("/transactions")).status).to.equal(401);
    });

    it("is 503 when there is no index file yet", async function () {
      const app = await makeApp({ index: unbuiltIndex() });
      const session = await signIn(app, real.payer);
      const res = await app.app.request("/transactions", { headers: session.auth });
      expect(res.status).to.equal(503);
      expect(await errorCode(res)).to.equal("index_not_ready");
      await app.close();
    });
  });

  describe("GET /transactions/:hash", function () {
    it("verifies a mined transaction: status, confirmations, decoded Settle events, index coverage", async function () {
      const hash = real.transfers[1]!;
      const receipt = (await real.provider.getTransactionReceipt(hash))!;
      const res = await t.app.request(`/transactions/${hash}`);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as {
        status: string;
        blockNumber: number;
        confirmations: number;
        events: Array<{ contract: string; event: string; args: Record<string, unknown>; indexed: boolean }>;
        index: { ready: boolean; indexedHead: number; hasTransaction: boolean; rows: number };
      };
      expect(body.status).to.equal("success");
      expect(body.blockNumber).to.equal(receipt.blockNumber);
      expect(body.confirmations).to.equal((await real.node.blockNumber()) - receipt.blockNumber + 1);
      const token = new Interface(artifactAbi("SettleToken.sol/SettleToken.json"));
      const transfer = token.parseLog(receipt.logs[0]!)!;
      expect(body.events).to.have.length(receipt.logs.length);
      expect(body.events[0]).to.deep.include({ contract: "SettleToken", event: "Transfer", indexed: true });
      expect(body.events[0]!.args).to.deep.equal({ from: transfer.args[0], to: transfer.args[1], value: transfer.args[2].toString() });
      const { indexedHead, ...coverage } = body.index;
      // The route caches the index's status for a moment and other suites may index blocks meanwhile: the head it
      // reports covers the transaction and is no newer than the index's.
      expect(indexedHead).to.be.within(receipt.blockNumber, Number((await real.reader.headBlock()).number));
      expect(coverage).to.deep.equal({
        ready: true,
        hasTransaction: true,
        rows: (await real.reader.historyByTxHash(hash)).length,
      });
    });

    it("is 404 for an unknown hash and 400 for a malformed one", async function () {
      const unknown = await t.app.request(`/transactions/0x${"ab".repeat(32)}`);
      expect(unknown.status).to.equal(404);
      expect(await errorCode(unknown)).to.equal("transaction_not_found");
      expect((await t.app.request("/transactions/0x1234")).status).to.equal(400);
    });
  });
});
