import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { IndexNotReadyError, IndexQueryError } from "../../api/index/errors";
import { IndexReader } from "../../api/index/reader";
import type { HistoryRow } from "../../api/index/rows";
import { dumpIndex, type IndexDump } from "../helpers/index-dump";
import { describeBackends } from "../helpers/app-db";
import { deleteIndex, startIndexer, type RunningIndexer } from "../helpers/indexer";
import { deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { stopAllProcesses } from "../helpers/processes";
import { runScenario, type ScenarioResult } from "../helpers/scenario-actions";
import { expectIndexMatchesChain } from "../helpers/index-truth";

describeBackends("Indexer: every contract action", function () {
  this.timeout(240_000);

  let node: HardhatNode;
  let deployment: TestDeployment;
  let provider: JsonRpcProvider;
  let indexer: RunningIndexer;
  let scenario: ScenarioResult;
  let indexed: IndexDump;

  before(async function () {
    node = await startHardhatNode();
    deployment = await deploySettle(node);
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
    // The indexer follows the chain while the scenario runs: the realtime path.
    indexer = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir });
    await indexer.waitUntilIndexed();
    scenario = await runScenario(node, deployment);
    await indexer.waitUntilIndexed();
  });

  after(async function () {
    provider?.destroy();
    await stopAllProcesses();
  });

  it("matches the chain row by row: logs, invoice and stake views, balances", async function () {
    indexed = await expectIndexMatchesChain(provider, deployment, indexer.location, scenario);
    // Every status of the scenario is there.
    expect(Object.keys((await indexer.reader.stats()).invoicesByStatus).sort()).to.deep.equal(
      ["cancelled", "expired", "open", "paid", "partially_paid", "refunded", "released", "resolved"].sort(),
    );
  });

  describe("read module", function () {
    it("pages an account's history with a cursor, newest first, without gaps or repeats", async function () {
      const payer = scenario.accounts[2]!;
      const all = indexed.History.filter((row) => row.account === payer.toLowerCase())
        .map((row) => row.id as string)
        .reverse();
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = (await indexer.reader.historyByAccount(payer, { limit: 7, cursor }));
        expect(page.items.length).to.be.at.most(7);
        seen.push(...page.items.map((row) => row.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).to.deep.equal(all);
      const ascending = (await indexer.reader.historyByAccount(payer, { limit: 500, order: "asc" })).items.map((row) => row.id);
      expect(ascending).to.deep.equal([...all].reverse());
    });

    it("filters history by kind, token, invoice and time", async function () {
      const payer = scenario.accounts[2]!;
      const rows = (await indexer.reader.historyByAccount(payer, { limit: 500 })).items;
      const check = async (query: Parameters<IndexReader["historyByAccount"]>[1], keep: (row: HistoryRow) => boolean) => {
        const expected = rows.filter(keep).map((row) => row.id);
        expect(expected.length, JSON.stringify(query, (_, v) => (typeof v === "bigint" ? v.toString() : v))).to.be.greaterThan(0);
        expect((await indexer.reader.historyByAccount(payer, { ...query, limit: 500 })).items.map((row) => row.id)).to.deep.equal(expected);
      };
      await check({ kinds: ["staked", "withdrawn"] }, (row) => row.kind === "staked" || row.kind === "withdrawn");
      await check({ token: scenario.tokens[0]! }, (row) => row.token === scenario.tokens[0]!.toLowerCase());
      await check({ invoiceId: 1n }, (row) => row.invoiceId === 1n);
      const middle = rows[Math.floor(rows.length / 2)]!.timestamp;
      await check({ fromTimestamp: middle }, (row) => row.timestamp >= middle);
      await check({ toTimestamp: middle }, (row) => row.timestamp < middle);
      await check({ kinds: ["invoice_paid"], token: deployment.contracts.SettleToken.address }, (row) => {
        return row.kind === "invoice_paid" && row.token === deployment.contracts.SettleToken.address.toLowerCase();
      });
    });

    it("finds history by transaction hash and by invoice", async function () {
      const payment = indexed.History.find((row) => row.kind === "invoice_paid")!;
      const byTx = (await indexer.reader.historyByTxHash(payment.txHash as string));
      // A payment is a row for the payer and one for the merchant (plus the token transfer's rows).
      expect(byTx.filter((row) => row.kind === "invoice_paid").map((row) => row.account).sort()).to.have.length(2);
      expect(byTx.every((row) => row.txHash === payment.txHash)).to.equal(true);
      const byInvoice = (await indexer.reader.historyByInvoice(payment.invoiceId as bigint));
      expect(byInvoice.map((row) => row.id)).to.deep.equal(
        indexed.History.filter((row) => row.invoiceId === payment.invoiceId).map((row) => row.id),
      );
    });

    it("lists an account's invoices by role and status, with a cursor", async function () {
      const merchant = scenario.accounts[1]!;
      const asMerchant = indexed.Invoice.filter((row) => row.merchant === merchant.toLowerCase())
        .map((row) => row.invoiceId as bigint)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const pages: bigint[] = [];
      let cursor: string | undefined;
      do {
        const page = (await indexer.reader.invoicesByAccount(merchant, { role: "merchant", limit: 4, cursor }));
        pages.push(...page.items.map((row) => row.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(pages).to.deep.equal([...asMerchant].reverse());
      const expired = (await indexer.reader.invoicesByAccount(merchant, { status: ["expired"] })).items;
      expect(expired.map((row) => row.status)).to.deep.equal(expired.map(() => "expired"));
      // I12 expired unpaid; I8 expired part-paid and was reclaimed, which closes it as refunded.
      expect(expired.map((row) => row.id)).to.deep.equal([12n]);
      expect((await indexer.reader.invoice(8n))!.status).to.equal("refunded");
      const payer = scenario.accounts[2]!;
      const anyRole = (await indexer.reader.invoicesByAccount(payer, { limit: 500 })).items;
      expect(anyRole.every((row) => row.payer === payer.toLowerCase() || row.merchant === payer.toLowerCase())).to.equal(true);
      expect((await indexer.reader.invoicesByAccount(payer, { token: scenario.tokens[0]!, limit: 500 })).items.every((row) => row.token === scenario.tokens[0]!.toLowerCase())).to.equal(
        true,
      );
    });

    it("returns an invoice, its events in order, and the latest invoice of a reference", async function () {
      const invoice = (await indexer.reader.invoice(5n))!;
      expect(invoice.status).to.equal("resolved");
      const events = (await indexer.reader.invoiceEvents(5n));
      expect(events.map((event) => event.kind)).to.deep.equal([
        "InvoiceCreated",
        "InvoicePaid",
        "InvoiceDisputed",
        "SettlementProposed",
        "SettlementProposed",
        "InvoiceSettled",
      ]);
      expect(events[events.length - 1]!.args).to.include({ id: "5" });
      expect((await indexer.reader.invoice(999n))).to.equal(undefined);
      const eleven = (await indexer.reader.invoice(11n))!;
      const sameReference = indexed.Invoice.filter((row) => row.reference === eleven.reference);
      expect(sameReference).to.have.length(2);
      expect((await indexer.reader.invoiceByReference((await indexer.reader.invoice(11n))!.reference))!.id).to.equal(11n);
    });

    it("rejects malformed arguments with IndexQueryError", async function () {
      await expect(indexer.reader.historyByAccount("0x1234")).to.be.rejectedWith(IndexQueryError);
      await expect(indexer.reader.historyByAccount(scenario.accounts[0]!, { limit: 0 })).to.be.rejectedWith(IndexQueryError);
      await expect(indexer.reader.invoicesByAccount(scenario.accounts[0]!, { cursor: "abc" })).to.be.rejectedWith(IndexQueryError);
      await expect(indexer.reader.historyByTxHash("0xzz")).to.be.rejectedWith(IndexQueryError);
    });

    it("refuses to serve a missing index with IndexNotReadyError", async function () {
      const reader = new IndexReader({ path: "/nonexistent/settle/public.db" });
      expect((await reader.isReady())).to.equal(false);
      await expect(reader.historyByAccount(scenario.accounts[0]!)).to.be.rejectedWith(IndexNotReadyError).and.eventually.have.property("reason", "missing");
    });
  });

  describe("rebuild", function () {
    it("deleting the index and running again gives the same rows", async function () {
      await indexer.stop();
      await deleteIndex(indexer);
      // Bury everything below Ponder's finality so that the rebuild takes the backfill path.
      await node.mine(35);
      const rebuilt = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir, indexDir: indexer.indexDir });
      await expect(rebuilt.reader.assertReady()).to.be.rejectedWith(IndexNotReadyError);
      await rebuilt.waitUntilIndexed();
      expect((await dumpIndex(rebuilt.location))).to.deep.equal(indexed);
      indexer = rebuilt;
    });
  });
});
