import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { expect } from "chai";
import type { JsonRpcSigner } from "ethers";
import { waitFor } from "../helpers/processes";
import { type TestApp, cookiesOf, makeApp, siweMessage } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";
import { useRealIndex } from "../helpers/real-index";

interface InvoiceBody {
  id: string;
  onchain: { id: string; status: string; merchant: string; payer: string; amount: string; paid: string; reference: string } | null;
  details: { id: string; reference: string; total: string; lineItems: Array<{ description: string }> } | null;
  detailsMatch: boolean | null;
}
interface HistoryBody {
  items: Array<{ kind: string; invoiceId: string | null; amount: string; txHash: string; counterparty: string | null }>;
}

describeBackends("API end to end: real server, real node, running indexer", function () {
  useRealIndex();
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let base: string;

  before(async function () {
    // No history page cache: the test reads the history right after the index changed.
    t = await makeApp({ env: { HISTORY_CACHE_MS: "0" } });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  /** Signs in over HTTP with a real personal_sign from the node's account; returns the Authorization header. */
  async function signIn(signer: JsonRpcSigner): Promise<Record<string, string>> {
    const issued = await fetch(`${base}/auth/nonce`);
    const { nonce } = (await issued.json()) as { nonce: string };
    const message = siweMessage({ address: signer.address, nonce });
    const signature = await signer.signMessage(message);
    const res = await fetch(`${base}/auth/verify`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: cookiesOf(issued) },
      body: JSON.stringify({ message, signature }),
    });
    expect(res.status, await res.clone().text()).to.equal(200);
    return { Authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
  }
  const get = async <T>(path: string, auth: Record<string, string>): Promise<T> => {
    const res = await fetch(`${base}${path}`, { headers: auth });
    expect(res.status, `${path}: ${await res.clone().text()}`).to.equal(200);
    return (await res.json()) as T;
  };
  const post = async <T>(path: string, body: unknown, auth: Record<string, string>, status = 200): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...auth },
      body: JSON.stringify(body),
    });
    expect(res.status, `${path}: ${await res.clone().text()}`).to.equal(status);
    return (await res.json()) as T;
  };
  const sendAll = async (signer: JsonRpcSigner, txs: Array<{ to: string; data: string; value: string }>) => {
    const mined: Array<{ hash: string; block: number }> = [];
    for (const tx of txs) {
      const sent = await signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) });
      const receipt = (await sent.wait())!;
      expect(receipt.status).to.equal(1);
      mined.push({ hash: sent.hash.toLowerCase(), block: receipt.blockNumber });
    }
    return mined;
  };
  /** Waits until the API reports the index at `block` or later: every row of that block is readable. */
  const waitForIndexedBlock = (block: number) =>
    waitFor(
      `the index to reach block ${block}`,
      async () => ((await get<{ indexedHead: number | null }>("/blockchain/status", {})).indexedHead ?? -1) >= block,
      { timeoutMs: 60_000, intervalMs: 100 },
    );

  it("signs in, drafts an invoice, creates it on chain, reads it back linked, pays it, and lists both histories", async function () {
    const { real } = t;
    const merchant = await real.signer(10);
    const payer = await real.signer(11);
    const token = real.deployment.contracts.SettleToken.address;
    await (await real.contracts.setl.getFunction("transfer")(payer.address, 10n ** 21n)).wait();
    const merchantAuth = await signIn(merchant);
    const payerAuth = await signIn(payer);

    const draft = await post<{
      id: string;
      reference: string;
      total: string;
      transaction: { to: string; data: string; value: string; chainId: number };
    }>(
      "/invoices",
      {
        token,
        payer: payer.address,
        dueDate: new Date(Date.now() + 14 * 86400_000).toISOString(),
        lineItems: [
          { description: "Audit", quantity: 2, unitPrice: "300000000000000000" },
          { description: "Report", quantity: 1, unitPrice: "150000000000000000" },
        ],
        notes: "end to end",
      },
      merchantAuth,
      201,
    );
    expect(draft.total).to.equal("750000000000000000");
    expect(draft.transaction.chainId).to.equal(31337);
    const [{ hash: createHash }] = await sendAll(merchant, [draft.transaction]);

    // The indexer sees the invoice created with the draft's reference; the API links the draft.
    const linked = await waitFor(
      "the index to have the invoice",
      async () => {
        const body = await get<InvoiceBody>(`/invoices/${draft.id}`, merchantAuth);
        return body.onchain ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const id = linked.onchain!.id;
    const invoice = await get<InvoiceBody>(`/invoices/${id}`, payerAuth);
    expect(invoice.id).to.equal(id);
    expect(invoice.onchain).to.include({
      status: "open",
      merchant: merchant.address.toLowerCase(),
      payer: payer.address.toLowerCase(),
      amount: draft.total,
      paid: "0",
      reference: draft.reference,
    });
    expect(invoice.details!.id).to.equal(draft.id);
    expect(invoice.details!.lineItems.map((i) => i.description)).to.deep.equal(["Audit", "Report"]);
    expect(invoice.detailsMatch).to.equal(true);

    // The payer asks for the transactions to pay it (approve first: no allowance yet) and sends them.
    const { transactions } = await post<{ transactions: Array<{ action: string; to: string; data: string; value: string }> }>(
      `/invoices/${id}/transactions`,
      { action: "pay" },
      payerAuth,
    );
    expect(transactions.map((x) => x.action)).to.deep.equal(["approve", "pay"]);
    const [, { hash: payHash, block: payBlock }] = await sendAll(payer, transactions);
    await waitForIndexedBlock(payBlock);
    expect((await get<InvoiceBody>(`/invoices/${id}`, payerAuth)).onchain!.status).to.equal("paid");

    const merchantHistory = await get<HistoryBody>(`/transactions?invoice=${id}`, merchantAuth);
    expect(merchantHistory.items.map((i) => [i.kind, i.txHash])).to.deep.equal([
      ["invoice_paid", payHash],
      ["invoice_created", createHash],
    ]);
    expect(merchantHistory.items[0]).to.include({ amount: draft.total, counterparty: payer.address.toLowerCase() });
    const payerHistory = await get<HistoryBody>(`/transactions?limit=10`, payerAuth);
    const payment = payerHistory.items.find((i) => i.kind === "invoice_paid");
    expect(payment).to.include({ invoiceId: id, amount: draft.total, txHash: payHash, counterparty: merchant.address.toLowerCase() });
    expect(payerHistory.items.some((i) => i.kind === "transfer_out" && i.txHash === payHash)).to.equal(true);
  });
});
