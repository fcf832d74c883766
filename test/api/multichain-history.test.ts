import { expect } from "chai";
import { Transaction, Wallet, parseEther } from "ethers";
import { readFileSync } from "node:fs";
import pino from "pino";
import { createTransport } from "nodemailer";
import { EmailOutbox } from "../../api/jobs/email/outbox";
import { EmailSender } from "../../api/jobs/email/sender";
import { WebhookOutbox } from "../../api/jobs/webhooks/outbox";
import { invoiceDocuments } from "../../api/services/invoice-document";
import { WebhookSender } from "../../api/jobs/webhooks/sender";
import { jsonRpcChain } from "../../api/services/chain";
import { WebhookPayloadSchema } from "../../api/services/webhooks/events";
import type { Deployment } from "../../core/deployment";
import { LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2 } from "../../core/chains";
import { Actor } from "../helpers/actor";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { type SettleStack, startSettleStack } from "../helpers/settle-stack";
import { waitFor } from "../helpers/processes";
import { type TestSmtpServer, startSmtpServer } from "../helpers/smtp";
import { type WebhookReceiver, startWebhookReceiver } from "../helpers/webhook-receiver";

interface HistoryPage {
  items: { txHash: string; chainId: number; chainName: string; kind: string; invoiceId: string | null; confirmations: number }[];
  nextCursor: string | null;
  chains: { chainId: number; chainName: string; chainHead: number; indexedHead: number }[];
}

// Two local chains (31337 and 31338, two nodes mining on one clock, a deploy on each) behind one indexer and one API.
describe("API: history, transactions and webhooks on two chains", function () {
  this.timeout(480_000);

  let stack: SettleStack;
  /** The API's own node connections (no response cache: a head is never served stale). */
  let nodes: ReturnType<typeof jsonRpcChain>[];
  let t: TestApp;
  let actors: Actor[];
  let merchant: { auth: Record<string, string>; address: string };
  let receiver: WebhookReceiver;
  let smtp: TestSmtpServer | undefined;
  /** The id of the invoice the webhook test pays on the second chain. */
  let secondInvoiceId: string;
  /** The hashes of a paid invoice's two transactions on each chain, by chain id. */
  const paid = new Map<number, string[]>();

  /** Waits until the index has reached both chains' current heads. */
  async function waitUntilBothIndexed(): Promise<void> {
    const heads = await Promise.all(stack.chains.map((chain) => chain.node.blockNumber()));
    await waitFor(
      "the index to reach both chains' heads",
      async () => {
        if (!(await stack.indexer.reader.isReady())) return false;
        const status = await stack.indexer.reader.status();
        return stack.chains.every((chain, i) => {
          const indexed = status.chains.find((head) => head.chainId === chain.node.chainId)?.block;
          return indexed !== null && indexed !== undefined && indexed.number >= BigInt(heads[i]!);
        });
      },
      { timeoutMs: 180_000, intervalMs: 100 },
    );
  }

  before(async function () {
    stack = await startSettleStack({ chains: 2 });
    nodes = stack.chains.map((chain) => jsonRpcChain(chain.node.url, chain.node.chainId));
    const second = JSON.parse(readFileSync(stack.chains[1]!.deployment.path, "utf8")) as Deployment;
    t = await makeApp({
      deployment: stack.deploymentJson,
      chain: nodes[0]!.chain,
      index: stack.indexer.reader,
      env: { SETTLE_NETWORKS: "localhost,localhost2", WEBHOOK_CONFIRMATIONS: "1" },
      moreNetworks: [second],
      moreChains: [nodes[1]!.chain],
    });
    merchant = await signIn(t, stack.wallets[1]!);
    actors = await Promise.all(
      stack.chains.map(async (chain) => new Actor(chain.node, chain.deployment, await chain.node.rpc<string[]>("eth_accounts"))),
    );
    for (const [i, actor] of actors.entries()) paid.set(stack.chains[i]!.node.chainId, await actor.paidInvoice(`history-${i}`));
    await waitUntilBothIndexed();
  });

  after(async function () {
    await receiver?.close();
    await smtp?.stop();
    for (const node of nodes ?? []) node.destroy();
    await t?.close();
    await stack?.stop();
  });

  async function history(query = ""): Promise<HistoryPage> {
    const res = await t.app.request(`/transactions${query}`, { headers: merchant.auth });
    expect(res.status, await res.clone().text()).to.equal(200);
    return (await res.json()) as HistoryPage;
  }

  it("lists the account's history of both chains, each row with its chain, and one chain with ?chainId=", async function () {
    const all = await history("?limit=500");
    const chainsOfRows = new Set(all.items.map((row) => row.chainId));
    expect([...chainsOfRows].sort()).to.deep.equal([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);
    for (const [chainId, hashes] of paid) {
      const rows = all.items.filter((row) => hashes.includes(row.txHash));
      expect(rows.length, `rows of chain ${chainId}`).to.be.greaterThan(0);
      expect(rows.every((row) => row.chainId === chainId)).to.equal(true);
      expect(rows.every((row) => row.confirmations >= 1)).to.equal(true);
    }
    expect(all.items.find((row) => row.chainId === LOCAL_CHAIN_ID_2)!.chainName).to.equal("Hardhat (local 2)");
    expect(all.chains.map((chain) => chain.chainId)).to.deep.equal([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);

    const second = await history(`?limit=500&chainId=${LOCAL_CHAIN_ID_2}`);
    expect(second.items.length).to.be.greaterThan(0);
    expect(second.items.every((row) => row.chainId === LOCAL_CHAIN_ID_2)).to.equal(true);
    expect(second.items.length).to.equal(all.items.filter((row) => row.chainId === LOCAL_CHAIN_ID_2).length);
    expect(second.chains.map((chain) => chain.chainId)).to.deep.equal([LOCAL_CHAIN_ID_2]);

    // A cursor walks one chain's rows only when the filter comes with it.
    const firstPage = await history(`?limit=1&chainId=${LOCAL_CHAIN_ID_2}`);
    const nextPage = await history(`?limit=500&chainId=${LOCAL_CHAIN_ID_2}&cursor=${firstPage.nextCursor}`);
    expect([...firstPage.items, ...nextPage.items].map((row) => row.txHash)).to.deep.equal(second.items.map((row) => row.txHash));

    const csv = await t.app.request(`/transactions?format=csv&chainId=${LOCAL_CHAIN_ID}`, { headers: merchant.auth });
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).to.match(/,chainId,chainName$/);
    expect(lines.slice(1).every((line) => line.includes(`,${LOCAL_CHAIN_ID},Hardhat (local)`))).to.equal(true);
  });

  it("answers 400 unknown_chain for a chain it does not serve", async function () {
    const res = await t.app.request("/transactions?chainId=8453", { headers: merchant.auth });
    expect(res.status).to.equal(400);
    expect(await errorCode(res)).to.equal("unknown_chain");
    const stats = await t.app.request(`/users/${merchant.address}/stats?chainId=8453`);
    expect(stats.status).to.equal(400);
  });

  it("verifies a transaction on whichever chain has it, and on the chain asked", async function () {
    const [created] = paid.get(LOCAL_CHAIN_ID_2)!;
    const res = await t.app.request(`/transactions/${created}`);
    expect(res.status, await res.clone().text()).to.equal(200);
    const body = (await res.json()) as {
      chainId: number;
      chainName: string;
      status: string;
      events: { event: string }[];
      index: { rows: number };
    };
    expect(body.chainId).to.equal(LOCAL_CHAIN_ID_2);
    expect(body.chainName).to.equal("Hardhat (local 2)");
    expect(body.status).to.equal("success");
    expect(body.events.map((e) => e.event)).to.include("InvoiceCreated");
    expect(body.index.rows).to.be.greaterThan(0);
    const elsewhere = await t.app.request(`/transactions/${created}?chainId=${LOCAL_CHAIN_ID}`);
    expect(elsewhere.status).to.equal(404);
    expect(await errorCode(elsewhere)).to.equal("transaction_not_found");
  });

  it("answers 409 with the candidates for a hash on both chains (a pre-EIP-155 transaction), and the chain's with ?chainId=", async function () {
    // Transactions signed with the chain id (EIP-155, what nodes and wallets sign) never share a hash across chains;
    // one signed without it, from the same account at the same nonce, is the same transaction on both.
    const wallet = Wallet.createRandom();
    for (const chain of stack.chains) {
      const [funder] = await chain.node.rpc<string[]>("eth_accounts");
      await chain.node.rpc("eth_sendTransaction", [{ from: funder, to: wallet.address, value: `0x${parseEther("1").toString(16)}` }]);
    }
    const unprotected = Transaction.from({ type: 0, to: wallet.address, value: 1n, nonce: 0, gasLimit: 21_000n, gasPrice: 10n ** 11n });
    const raw = await wallet.signTransaction(unprotected);
    let hash: string | undefined;
    for (const chain of stack.chains) {
      try {
        hash = await chain.node.rpc<string>("eth_sendRawTransaction", [raw]);
      } catch (error) {
        // A node that refuses unprotected transactions cannot have the same hash twice: nothing to ask then.
        this.skip();
        throw error;
      }
    }
    const res = await t.app.request(`/transactions/${hash}`);
    expect(res.status, await res.clone().text()).to.equal(409);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { candidates: { chainId: number; chainName: string; block: number }[] } };
    };
    expect(body.error.code).to.equal("ambiguous_transaction");
    expect(body.error.message).to.include("?chainId=");
    expect(body.error.details.candidates.map((c) => [c.chainId, c.chainName])).to.deep.equal([
      [LOCAL_CHAIN_ID, "Hardhat (local)"],
      [LOCAL_CHAIN_ID_2, "Hardhat (local 2)"],
    ]);
    expect(body.error.details.candidates.every((c) => typeof c.block === "number")).to.equal(true);
    const one = await t.app.request(`/transactions/${hash}?chainId=${LOCAL_CHAIN_ID_2}`);
    expect(one.status).to.equal(200);
    expect(((await one.json()) as { chainId: number }).chainId).to.equal(LOCAL_CHAIN_ID_2);
  });

  it("gives each chain's figures in the user's stats, and each chain's heads in /blockchain/status and /health", async function () {
    const all = (await (await t.app.request(`/users/${merchant.address}/stats`)).json()) as {
      invoicesIssued: number;
      volumeByToken: { chainId: number }[];
    };
    const second = (await (await t.app.request(`/users/${merchant.address}/stats?chainId=${LOCAL_CHAIN_ID_2}`)).json()) as {
      invoicesIssued: number;
      chainId: number;
      volumeByToken: { chainId: number }[];
    };
    expect(second.chainId).to.equal(LOCAL_CHAIN_ID_2);
    expect(second.invoicesIssued).to.be.greaterThan(0);
    expect(all.invoicesIssued).to.be.greaterThan(second.invoicesIssued);
    expect(second.volumeByToken.every((v) => v.chainId === LOCAL_CHAIN_ID_2)).to.equal(true);
    expect(new Set(all.volumeByToken.map((v) => v.chainId)).size).to.equal(2);

    // The index first, the API then: both nodes keep mining, so the API's indexed head is at least the one read before.
    const indexed = await stack.indexer.reader.status();
    const secondHead = Number(indexed.chains.find((chain) => chain.chainId === LOCAL_CHAIN_ID_2)!.block!.number);
    const status = (await (await t.app.request(`/blockchain/status?chainId=${LOCAL_CHAIN_ID_2}`)).json()) as {
      chainId: number;
      indexedHead: number;
      chains: { chainId: number; chainHead: number; indexedHead: number }[];
    };
    expect(status.chainId).to.equal(LOCAL_CHAIN_ID_2);
    expect(status.indexedHead).to.be.at.least(secondHead);
    expect(status.chains.map((chain) => chain.chainId)).to.deep.equal([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);
    expect(status.chains.every((chain) => chain.chainHead >= chain.indexedHead)).to.equal(true);

    const health = (await (await t.app.request("/health")).json()) as { networks: Record<string, { chainId: number | null }> };
    expect(
      Object.values(health.networks)
        .map((n) => n.chainId)
        .sort(),
    ).to.deep.equal([LOCAL_CHAIN_ID, LOCAL_CHAIN_ID_2]);
  });

  it("delivers the second chain's invoice events to the merchant's endpoint once each, naming the chain", async function () {
    receiver = await startWebhookReceiver();
    const created = await t.app.request(
      "/webhooks",
      jsonRequest("POST", { url: receiver.url, events: ["*"], confirmations: 1 }, merchant.auth),
    );
    expect(created.status, await created.clone().text()).to.equal(201);
    const outbox = new WebhookOutbox(t.db, stack.indexer.reader, pino({ level: "silent" }));
    const sender = new WebhookSender(t.db, { production: false, timeoutMs: 2000, retryScheduleMs: [100] }, pino({ level: "silent" }));
    const settle = async () => {
      await waitUntilBothIndexed();
      await outbox.poll();
      await sender.drain();
    };
    await settle();
    const before = receiver.received.length;

    const hashes = await actors[1]!.paidInvoice("webhook-on-31338");
    await actors[0]!.paidInvoice("webhook-on-31337");
    await stack.chains[0]!.node.mine(1);
    await stack.chains[1]!.node.mine(1);
    await settle();
    await settle();
    const invoiceId = (await stack.indexer.reader.historyByTxHash(hashes[0]!.toLowerCase(), LOCAL_CHAIN_ID_2))[0]!.invoiceId!.toString();

    const fresh = receiver.received.slice(before);
    const ofSecond = fresh.filter((w) => w.json.data.chainId === LOCAL_CHAIN_ID_2 && w.json.data.invoiceId === invoiceId);
    expect(ofSecond.map((w) => w.json.type).sort()).to.deep.equal(["invoice.created", "invoice.paid"]);
    for (const w of ofSecond) {
      expect(w.json.data.chainName).to.equal("Hardhat (local 2)");
      expect((w.json.data.event as { txHash: string }).txHash).to.be.oneOf(hashes.map((h) => h.toLowerCase()));
      expect(WebhookPayloadSchema.safeParse(w.json).success, w.body).to.equal(true);
    }
    // The first chain's invoice of the same round comes with its own chain id; no event is delivered twice.
    expect(fresh.some((w) => w.json.data.chainId === LOCAL_CHAIN_ID && w.json.type === "invoice.paid")).to.equal(true);
    expect(fresh.every((w) => w.json.data.chainId === LOCAL_CHAIN_ID || w.json.data.chainId === LOCAL_CHAIN_ID_2)).to.equal(true);
    const ids = receiver.received.map((w) => w.json.id);
    expect(new Set(ids).size).to.equal(ids.length);
    secondInvoiceId = invoiceId;
  });

  it("moves the second chain's enqueue mark past what it delivered, and leaves the first chain's mark alone", async function () {
    const endpoint = (await t.db.selectFrom("webhook_endpoints").select(["id", "enqueued_through"]).executeTakeFirstOrThrow()).id;
    const marks = async () => ({
      first: Number(
        (await t.db.selectFrom("webhook_endpoints").select("enqueued_through").where("id", "=", endpoint).executeTakeFirstOrThrow())
          .enqueued_through,
      ),
      second: (
        await t.db
          .selectFrom("webhook_chain_marks")
          .select("enqueued_through")
          .where("endpoint_id", "=", endpoint)
          .where("chain_id", "=", LOCAL_CHAIN_ID_2)
          .executeTakeFirst()
      )?.enqueued_through,
    });
    // The last test's rounds already moved the second chain's mark up to what it had delivered.
    const delivered = await t.db
      .selectFrom("webhook_events")
      .select((eb) => eb.fn.max("block_number").as("block"))
      .where("source_id", "like", `${LOCAL_CHAIN_ID_2}:%`)
      .executeTakeFirstOrThrow();
    expect(Number((await marks()).second)).to.be.at.least(Number(delivered.block));

    // New events on the second chain, at blocks the first chain has already gone past (and enqueued through).
    const sent = receiver.received.length;
    const hashes = await actors[1]!.paidInvoice("marks-on-31338");
    const lastBlock = (await nodes[1]!.chain.getReceipt(hashes[1]!))!.blockNumber;
    await stack.chains[0]!.node.mine(Math.max(1, lastBlock + 5 - (await stack.chains[0]!.node.blockNumber())));
    await stack.chains[1]!.node.mine(1);
    await waitUntilBothIndexed();
    const outbox = new WebhookOutbox(t.db, stack.indexer.reader, pino({ level: "silent" }));
    const sender = new WebhookSender(t.db, { production: false, timeoutMs: 2000, retryScheduleMs: [100] }, pino({ level: "silent" }));
    await outbox.poll();
    await sender.drain();

    const after = await marks();
    // The second chain's mark moved past its new events (delivered); the first's stayed past the blocks it had enqueued.
    expect(Number(after.second)).to.be.at.least(lastBlock);
    expect(after.first).to.be.at.least(lastBlock);
    const fresh = receiver.received.slice(sent);
    expect(fresh.map((w) => [w.json.data.chainId, w.json.type]).sort()).to.deep.equal([
      [LOCAL_CHAIN_ID_2, "invoice.created"],
      [LOCAL_CHAIN_ID_2, "invoice.paid"],
    ]);
    const ids = receiver.received.map((w) => w.json.id);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it("mails the merchant's notice of the second chain's invoice from that chain's deployment, naming the chain", async function () {
    const profile = await t.app.request("/users/me", jsonRequest("PATCH", { email: "merchant@example.com" }, merchant.auth));
    expect(profile.status, await profile.clone().text()).to.equal(200);
    smtp = await startSmtpServer();
    const silent = pino({ level: "silent" });
    const outbox = new EmailOutbox(t.db, stack.indexer.reader, { publicOrigin: "http://localhost:8000", confirmations: 1 }, silent);
    const sender = new EmailSender(
      t.db,
      stack.indexer.reader,
      invoiceDocuments(t.deps, Date.now),
      createTransport({ url: smtp.url }),
      { from: "billing@example.com", publicOrigin: "http://localhost:8000", retryScheduleMs: [100] },
      silent,
    );
    await outbox.poll();
    await sender.drain();
    // Invoice ids repeat across chains: the second chain's message is keyed `<chainId>:<id>`, the first's by its id.
    const messages = await t.db.selectFrom("email_messages").selectAll().where("kind", "=", "invoice_paid").execute();
    const keys = messages.map((m) => m.invoice_id);
    expect(keys).to.include(`${LOCAL_CHAIN_ID_2}:${secondInvoiceId}`);
    expect(keys).to.include(secondInvoiceId);
    expect(
      messages.every((m) => m.state === "sent"),
      JSON.stringify(messages.map((m) => [m.state, m.last_error])),
    ).to.equal(true);
    const mail = smtp.received.find((m) => m.mail.headers.get("x-settle-invoice") === `${LOCAL_CHAIN_ID_2}:${secondInvoiceId}`);
    expect(mail, "the second chain's notice").to.not.equal(undefined);
    expect(mail!.mail.text).to.include(`Network: Hardhat (local 2) (chain id ${LOCAL_CHAIN_ID_2}).`);
    const first = smtp.received.find((m) => m.mail.headers.get("x-settle-invoice") === secondInvoiceId);
    expect(first!.mail.text).to.include(`Network: Hardhat (local) (chain id ${LOCAL_CHAIN_ID}).`);
  });
});
