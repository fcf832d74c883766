import { expect } from "chai";
import { Wallet } from "ethers";
import { readFileSync } from "node:fs";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "../../core/chains";
import type { Deployment } from "../../core/deployment";
import { jsonRpcChain } from "../../api/services/chain";
import { staticDeployment } from "../../api/services/deployment";
import { chainDirectory } from "../../api/services/networks";
import { linkPendingDrafts } from "../../api/jobs/draft-linker";
import { EmailOutbox } from "../../api/jobs/email/outbox";
import pino from "pino";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { pdfText } from "../helpers/pdf-text";
import { waitFor } from "../helpers/processes";
import { useRealIndex } from "../helpers/real-index";
import { type SettleStack, hardhatKey, startSettleStack } from "../helpers/settle-stack";

interface Candidate {
  chainId: number;
  chainName: string;
  id: string;
  merchant: string;
  status: string;
}
interface InvoiceBody {
  id: string;
  chainId: number;
  chainName: string;
  onchain: { id: string; amount: string; merchant: string } | null;
  details: { id: string; chainId: number; number: string | null } | null;
}

/**
 * Two local chains (31337 and 31338, the same contract addresses on both), one indexer over both, the API over both:
 * invoice #1 exists on each chain, created from a draft of that chain with different amounts.
 */
describe("API invoices on several chains", function () {
  this.timeout(600_000);
  useRealIndex();
  let stack: SettleStack;
  let t: TestApp;
  let auth: Record<string, string>;
  /** The API's own node connections, one per chain. */
  const nodes: ReturnType<typeof jsonRpcChain>[] = [];
  const merchant = new Wallet(hardhatKey(1));
  const payerWallet = new Wallet(hardhatKey(2));
  const payer = payerWallet.address;
  /** Draft ids by chain id. */
  const drafts = new Map<number, string>();
  /** Totals by chain id: each chain's invoice #1 has its own amount. */
  const totals = new Map<number, string>([
    [LOCAL_CHAIN_ID, "1000000000000000000"],
    [LOCAL_CHAIN_ID_2, "2500000000000000000"],
  ]);

  before(async function () {
    stack = await startSettleStack({ chains: 2 });
    const networks = stack.chains.map((chain) => {
      const node = jsonRpcChain(chain.node.url, chain.node.chainId);
      nodes.push(node);
      const deployment = JSON.parse(readFileSync(chain.deployment.path, "utf8")) as Deployment;
      return { name: chain.network, deployment: staticDeployment(deployment), chain: node.chain };
    });
    t = await makeApp({
      index: stack.indexer.reader,
      chain: networks[0]!.chain,
      deployment: stack.deploymentJson,
      env: { SETTLE_NETWORKS: "localhost,localhost2" },
    });
    // Each network on its own node (makeApp serves extra networks over the first node).
    t.deps.chains = chainDirectory(networks);
    ({ auth } = await signIn(t, merchant));

    for (const chain of stack.chains) {
      const chainId = chain.deployment.chainId;
      const res = await t.app.request(
        "/invoices",
        jsonRequest(
          "POST",
          {
            chainId,
            token: chain.deployment.contracts.SettleToken.address,
            payer,
            dueDate: new Date(Date.now() + 7 * 86400_000).toISOString(),
            customer: { name: `Customer on ${chainId}`, email: `buyer-${chainId}@example.com` },
            lineItems: [{ description: `Work on chain ${chainId}`, quantity: 1, unitPrice: totals.get(chainId)! }],
          },
          auth,
        ),
      );
      expect(res.status, await res.clone().text()).to.equal(201);
      const body = (await res.json()) as { id: string; chainId: number; transaction: { to: string; data: string; chainId: number } };
      expect([body.chainId, body.transaction.chainId]).to.deep.equal([chainId, chainId]);
      drafts.set(chainId, body.id);
      await chain.node.rpc("eth_sendTransaction", [
        { from: merchant.address, to: body.transaction.to, data: body.transaction.data, gas: "0x1000000" },
      ]);
    }
    await waitFor("invoice #1 indexed on both chains", async () => (await stack.indexer.reader.invoiceMatches(1n)).length === 2, {
      timeoutMs: 180_000,
      intervalMs: 200,
    });
  });

  after(async function () {
    await t?.close();
    for (const node of nodes) node.destroy();
    await stack?.stop();
  });

  const get = (path: string, headers: Record<string, string> = auth) => t.app.request(path, { headers });

  it("links each draft to the invoice created on its own chain, not to #1 of the other", async function () {
    expect(await linkPendingDrafts(t.db, stack.indexer.reader, Date.now())).to.equal(2);
    const rows = await t.db.selectFrom("invoice_drafts").select(["id", "chain_id", "onchain_id", "number"]).orderBy("chain_id").execute();
    expect(rows.map((row) => [row.id, row.chain_id, row.onchain_id])).to.deep.equal([
      [drafts.get(LOCAL_CHAIN_ID), LOCAL_CHAIN_ID, "1"],
      [drafts.get(LOCAL_CHAIN_ID_2), LOCAL_CHAIN_ID_2, "1"],
    ]);
    expect(rows.every((row) => row.number !== null)).to.equal(true);
    expect(rows[0]!.number).to.not.equal(rows[1]!.number);
  });

  it("answers 409 ambiguous_id with both candidates for an id on both chains without ?chainId=", async function () {
    for (const path of ["/invoices/1", "/invoices/1/document", "/invoices/1/payments", "/invoices/1/events"]) {
      const res = await get(path);
      expect(res.status, path).to.equal(409);
      const body = (await res.json()) as { error: { code: string; message: string; details: { candidates: Candidate[] } } };
      expect(body.error.code).to.equal("ambiguous_id");
      expect(body.error.message).to.equal("invoice 1 exists on chains 31337, 31338: give the chain (?chainId=)");
      expect(body.error.details.candidates).to.deep.equal([
        { chainId: LOCAL_CHAIN_ID, chainName: "Hardhat (local)", id: "1", merchant: merchant.address.toLowerCase(), status: "open" },
        { chainId: LOCAL_CHAIN_ID_2, chainName: "Hardhat (local 2)", id: "1", merchant: merchant.address.toLowerCase(), status: "open" },
      ]);
    }
  });

  it("answers each chain's invoice with ?chainId=, and a draft id on its own chain", async function () {
    for (const chainId of [LOCAL_CHAIN_ID_2, LOCAL_CHAIN_ID]) {
      const res = await get(`/invoices/1?chainId=${chainId}`);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as InvoiceBody;
      expect(body.chainId).to.equal(chainId);
      expect(body.onchain!.amount).to.equal(totals.get(chainId));
      expect(body.onchain!.merchant.toLowerCase()).to.equal(merchant.address.toLowerCase());
      expect(body.details!.id).to.equal(drafts.get(chainId));
    }
    const second = (await (await get(`/invoices/${drafts.get(LOCAL_CHAIN_ID_2)}`)).json()) as InvoiceBody;
    expect([second.id, second.chainId, second.chainName, second.onchain!.amount]).to.deep.equal([
      "1",
      LOCAL_CHAIN_ID_2,
      "Hardhat (local 2)",
      totals.get(LOCAL_CHAIN_ID_2),
    ]);
    const wrongChain = await get(`/invoices/${drafts.get(LOCAL_CHAIN_ID_2)}?chainId=${LOCAL_CHAIN_ID}`);
    expect(wrongChain.status).to.equal(404);
  });

  it("lists the invoices of every chain, each with its chain, and filters them by ?chainId=", async function () {
    const all = (await (await get("/invoices?role=merchant")).json()) as { items: InvoiceBody[] };
    expect(all.items.map((item) => [item.chainId, item.id]).sort()).to.deep.equal([
      [LOCAL_CHAIN_ID, "1"],
      [LOCAL_CHAIN_ID_2, "1"],
    ]);
    const second = (await (await get(`/invoices?role=merchant&chainId=${LOCAL_CHAIN_ID_2}`)).json()) as { items: InvoiceBody[] };
    expect(second.items.map((item) => [item.chainId, item.chainName, item.onchain!.amount])).to.deep.equal([
      [LOCAL_CHAIN_ID_2, "Hardhat (local 2)", totals.get(LOCAL_CHAIN_ID_2)],
    ]);
    const unknown = await get("/invoices?chainId=5");
    expect(unknown.status).to.equal(400);
    expect(await errorCode(unknown)).to.equal("unknown_chain");
  });

  it("names the second chain on its invoice's HTML and PDF documents", async function () {
    const html = await get(`/invoices/1/document?chainId=${LOCAL_CHAIN_ID_2}`);
    expect(html.status).to.equal(200);
    const text = await html.text();
    expect(text).to.include("Hardhat (local 2)");
    expect(text).to.include(`Work on chain ${LOCAL_CHAIN_ID_2}`);
    expect(text).to.not.include(`Work on chain ${LOCAL_CHAIN_ID}<`);
    const pdf = await get(`/invoices/1/document.pdf?chainId=${LOCAL_CHAIN_ID_2}`);
    expect(pdf.status).to.equal(200);
    const { text: pdfContent } = await pdfText(new Uint8Array(await pdf.arrayBuffer()));
    expect(pdfContent).to.include("Hardhat (local 2)");
    expect(pdfContent).to.include(`Work on chain ${LOCAL_CHAIN_ID_2}`);
  });

  it("opens a share link of the second chain's invoice on that chain, and on no other", async function () {
    const created = await t.app.request(`/invoices/1/share-links?chainId=${LOCAL_CHAIN_ID_2}`, jsonRequest("POST", {}, auth));
    expect(created.status, await created.clone().text()).to.equal(201);
    const link = (await created.json()) as { url: string; token: string };
    const shared = await t.app.request(new URL(link.url).pathname + new URL(link.url).search);
    expect(shared.status).to.equal(200);
    const text = await shared.text();
    expect(text).to.include(`Work on chain ${LOCAL_CHAIN_ID_2}`);
    expect(text).to.include("Hardhat (local 2)");
    const byId = await t.app.request(`/invoices/1/document?share=${link.token}`);
    expect(byId.status).to.equal(200);
    expect(await byId.text()).to.include(`Work on chain ${LOCAL_CHAIN_ID_2}`);
    const elsewhere = await t.app.request(`/invoices/1/document?chainId=${LOCAL_CHAIN_ID}&share=${link.token}`);
    expect(elsewhere.status).to.equal(403);
    expect(await errorCode(elsewhere)).to.equal("share_link_invalid");
    const listed = (await (await get(`/invoices/1/share-links?chainId=${LOCAL_CHAIN_ID}`)).json()) as { items: unknown[] };
    expect(listed.items).to.have.length(0);
  });

  it("prepares transactions and batches for the invoice's own chain", async function () {
    const escrow2 = stack.chains[1]!.deployment.contracts.PaymentEscrow.address;
    const cancel = await t.app.request(
      `/invoices/1/transactions?chainId=${LOCAL_CHAIN_ID_2}`,
      jsonRequest("POST", { action: "cancel" }, auth),
    );
    expect(cancel.status, await cancel.clone().text()).to.equal(200);
    const { transactions } = (await cancel.json()) as { transactions: { to: string; chainId: number }[] };
    expect(transactions.map((tx) => [tx.to, tx.chainId])).to.deep.equal([[escrow2, LOCAL_CHAIN_ID_2]]);
    const ambiguous = await t.app.request("/invoices/1/transactions", jsonRequest("POST", { action: "cancel" }, auth));
    expect(ambiguous.status).to.equal(409);

    const batch = await t.app.request(
      `/invoices/batch-transactions?chainId=${LOCAL_CHAIN_ID_2}`,
      jsonRequest("POST", { invoiceIds: ["1"], payer }, auth),
    );
    expect(batch.status, await batch.clone().text()).to.equal(200);
    const plan = (await batch.json()) as { transactions: { chainId: number }[]; payments: { id: string; amount: string }[] };
    expect(plan.payments).to.deep.equal([
      { id: "1", token: stack.chains[1]!.deployment.contracts.SettleToken.address.toLowerCase(), amount: totals.get(LOCAL_CHAIN_ID_2) },
    ]);
    expect(plan.transactions.every((tx) => tx.chainId === LOCAL_CHAIN_ID_2)).to.equal(true);
    const mixed = await t.app.request(
      "/invoices/batch-transactions",
      jsonRequest("POST", { invoiceIds: [drafts.get(LOCAL_CHAIN_ID)!, drafts.get(LOCAL_CHAIN_ID_2)!], payer }, auth),
    );
    expect(mixed.status).to.equal(400);
    expect(await errorCode(mixed)).to.equal("batch_mixed_chains");
  });

  it("refuses a chain it does not serve, on reads and on new drafts, with unknown_chain", async function () {
    const read = await get("/invoices/1?chainId=5");
    expect(read.status).to.equal(400);
    expect(await errorCode(read)).to.equal("unknown_chain");
    const create = await t.app.request(
      "/invoices",
      jsonRequest(
        "POST",
        {
          chainId: 5,
          token: stack.deployment.contracts.SettleToken.address,
          dueDate: new Date(Date.now() + 86400_000).toISOString(),
          lineItems: [{ description: "Nowhere", quantity: 1, unitPrice: "1" }],
        },
        auth,
      ),
    );
    expect(create.status).to.equal(400);
    expect(await errorCode(create)).to.equal("unknown_chain");
  });

  // The tests below send mail and pay: they come after those that expect invoice #1 open and without share links.
  it("shows each chain's invoice its own emails, never those of #1 on the other chain", async function () {
    const outbox = new EmailOutbox(
      t.db,
      stack.indexer.reader,
      { publicOrigin: "http://localhost:8000", confirmations: 1 },
      pino({ level: "silent" }),
    );
    expect(await outbox.poll()).to.equal(2);
    for (const chainId of [LOCAL_CHAIN_ID_2, LOCAL_CHAIN_ID]) {
      const body = (await (await get(`/invoices/1?chainId=${chainId}`)).json()) as { emails: { kind: string; to: string }[] };
      expect(body.emails.map((email) => [email.kind, email.to])).to.deep.equal([["invoice_issued", `buyer-${chainId}@example.com`]]);
    }
  });

  it("issues a refund's credit note on the invoice's chain, and the export tells invoice #1 of each chain apart", async function () {
    const node = stack.chains[1]!.node;
    const payerAuth = (await signIn(t, payerWallet)).auth;
    const act = async (who: Record<string, string>, from: string, body: Record<string, unknown>) => {
      const res = await t.app.request(`/invoices/1/transactions?chainId=${LOCAL_CHAIN_ID_2}`, jsonRequest("POST", body, who));
      expect(res.status, await res.clone().text()).to.equal(200);
      for (const tx of ((await res.json()) as { transactions: { to: string; data: string; value: string }[] }).transactions)
        await node.rpc("eth_sendTransaction", [
          { from, to: tx.to, data: tx.data, value: `0x${BigInt(tx.value).toString(16)}`, gas: "0x1000000" },
        ]);
    };
    await act(payerAuth, payer, { action: "pay" });
    await act(auth, merchant.address, { action: "refund", amount: "1000" });
    await waitFor(
      "the refund indexed on the second chain",
      async () => (await stack.indexer.reader.invoice(1n, LOCAL_CHAIN_ID_2))?.refunded === 1000n,
      {
        timeoutMs: 120_000,
        intervalMs: 200,
      },
    );

    const to = Math.floor(Date.now() / 1000) + 365 * 86400;
    const res = await get(`/invoices/export?from=0&to=${to}&format=csv`);
    expect(res.status, await res.clone().text()).to.equal(200);
    const [header, ...lines] = (await res.text()).trimEnd().split("\r\n");
    const columns = header!.split(",");
    expect(columns.slice(columns.indexOf("status"), columns.indexOf("onchain_id") + 1)).to.deep.equal([
      "status",
      "chain_id",
      "chain_name",
      "onchain_id",
    ]);
    const rows = lines.map((line) => Object.fromEntries(line.split(",").map((cell, n) => [columns[n]!, cell])));
    const numbers = new Map(
      (await t.db.selectFrom("invoice_drafts").select(["chain_id", "number"]).execute()).map((d) => [d.chain_id, d.number]),
    );
    expect(rows.map((r) => [r.kind, r.onchain_id, r.chain_id, r.chain_name, r.number, r.gross]).sort()).to.deep.equal(
      [
        ["invoice", "1", `${LOCAL_CHAIN_ID}`, "Hardhat (local)", numbers.get(LOCAL_CHAIN_ID), totals.get(LOCAL_CHAIN_ID)],
        ["invoice", "1", `${LOCAL_CHAIN_ID_2}`, "Hardhat (local 2)", numbers.get(LOCAL_CHAIN_ID_2), totals.get(LOCAL_CHAIN_ID_2)],
        ["credit_note", "1", `${LOCAL_CHAIN_ID_2}`, "Hardhat (local 2)", rows.find((r) => r.kind === "credit_note")?.number, "1000"],
      ].sort(),
    );
    const note = rows.find((r) => r.kind === "credit_note")!;
    expect([note.refers_to, note.customer, note.token]).to.deep.equal([
      numbers.get(LOCAL_CHAIN_ID_2),
      payer.toLowerCase(),
      stack.chains[1]!.deployment.contracts.SettleToken.address.toLowerCase(),
    ]);
    const stored = await t.db.selectFrom("credit_notes").select(["chain_id", "invoice_id", "draft_id"]).execute();
    expect(stored).to.deep.equal([{ chain_id: LOCAL_CHAIN_ID_2, invoice_id: "1", draft_id: drafts.get(LOCAL_CHAIN_ID_2) }]);

    // The ZIP finds each row's invoice on its own chain (an id alone would be ambiguous).
    const zip = await get(`/invoices/export?from=0&to=${to}&format=ubl`);
    expect(zip.status, await zip.clone().text()).to.equal(200);
    expect(zip.headers.get("content-type")).to.equal("application/zip");
  });
});
