import { expect } from "chai";
import { ethers } from "hardhat";
import { Interface, Wallet, ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import { canonicalJson, invoiceReference } from "../../api/lib/invoice-hash";
import { loadAbis } from "../../api/lib/deployment";
import type { Hex, InvoiceRowLike } from "../../api/lib/index-source";
import { linkPendingDrafts } from "../../api/routes/invoices";
import { FakeIndex } from "./fake-index";
import { DEPLOYMENT, type TestApp, errorCode, jsonRequest, makeApp, signIn } from "./helpers";

/** A stand-in escrow ABI with the createInvoice shape used until the real artifact exists. */
const STAND_IN_ESCROW_ABI = [
  "function createInvoice(address payer, address token, uint256 amount, uint64 dueDate, uint32 disputeWindow, address arbiter, bytes32 referenceHash) returns (uint256 id)",
];

/** Stand-in for the other escrow functions (names from the issue). */
const STAND_IN_ESCROW_ABI_FULL = [
  ...STAND_IN_ESCROW_ABI,
  "function pay(uint256 id, uint256 amount)",
  "function payNative(uint256 id) payable",
  "function release(uint256 id, uint256 amount)",
  "function refund(uint256 id, uint256 amount)",
  "function cancel(uint256 id)",
  "function dispute(uint256 id)",
  "function resolve(uint256 id, uint256 toMerchant, uint256 toPayer)",
  "function claim(uint256 id)",
  "function reclaim(uint256 id)",
  "function proposeSettlement(uint256 id, uint256 toMerchant)",
  "function acceptSettlement(uint256 id, uint256 toMerchant)",
  "function withdraw(address token)",
];

const TOKEN = DEPLOYMENT.contracts.SettleToken.address;

describe("API invoices: drafts", function () {
  let t: TestApp;
  let auth: Record<string, string>;
  let merchant: string;
  const payer = Wallet.createRandom().address;
  const abi = loadAbis().PaymentEscrow ?? STAND_IN_ESCROW_ABI_FULL;

  const draft = (over: Record<string, unknown> = {}) => ({
    token: TOKEN,
    payer,
    dueDate: new Date(Date.now() + 7 * 86400_000).toISOString(),
    lineItems: [
      { description: "Design work", quantity: 3, unitPrice: "1000000000000000000" },
      { description: "Hosting", quantity: 1, unitPrice: "250000000000000000" },
    ],
    notes: "Thanks!",
    ...over,
  });

  beforeEach(async function () {
    t = await makeApp({ abis: { ...loadAbis(), PaymentEscrow: abi } });
    ({ auth, address: merchant } = await signIn(t, Wallet.createRandom()));
  });
  afterEach(async function () {
    await t.close();
  });

  it("computes the amounts and total, the canonical hash, and the unsigned createInvoice tx", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", draft(), auth));
    expect(res.status).to.equal(201);
    const body = (await res.json()) as {
      id: string;
      total: string;
      reference: string;
      canonical: string;
      merchant: string;
      lineItems: Array<{ amount: string }>;
      detailsMatch: boolean;
      transaction: { to: string; data: string; value: string; chainId: number };
    };
    expect(res.headers.get("location")).to.equal(`/invoices/${body.id}`);
    expect(body.merchant).to.equal(merchant);
    expect(body.lineItems.map((i) => i.amount)).to.deep.equal(["3000000000000000000", "250000000000000000"]);
    expect(body.total).to.equal("3250000000000000000");
    expect(body.reference).to.equal(keccak256(toUtf8Bytes(body.canonical)));
    expect(body.detailsMatch).to.equal(true);
    expect(body.transaction).to.include({ to: DEPLOYMENT.contracts.PaymentEscrow.address, value: "0", chainId: 31337 });
    const call = new Interface(abi).parseTransaction({ data: body.transaction.data });
    expect(call?.name).to.equal("createInvoice");
    const args = JSON.stringify(call!.args, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(args).to.include(body.reference).and.include("3250000000000000000").and.include(payer);
  });

  it("hashes a canonical document anyone can rebuild from the stored fields", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", draft({ payer: null, arbiter: null }), auth));
    const body = (await res.json()) as { id: string; canonical: string; reference: string; dueDate: string };
    const doc = JSON.parse(body.canonical) as Record<string, unknown>;
    expect(Object.keys(doc)).to.deep.equal([...Object.keys(doc)].sort());
    expect(doc).to.include({
      schema: "settle.invoice.v1",
      draftId: body.id,
      payer: null,
      arbiter: null,
      merchant,
      total: "3250000000000000000",
    });
    expect(doc.dueDate).to.equal(Date.parse(body.dueDate) / 1000);
    expect(canonicalJson(doc as never)).to.equal(body.canonical);
    expect(invoiceReference(doc as never).reference).to.equal(body.reference);
  });

  it("stores the draft and its line items in one transaction", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", draft(), auth));
    const { id } = (await res.json()) as { id: string };
    const items = await t.db.selectFrom("invoice_line_items").selectAll().where("draft_id", "=", id).orderBy("position").execute();
    expect(items.map((i) => i.description)).to.deep.equal(["Design work", "Hosting"]);
  });

  describe("Idempotency-Key", function () {
    it("returns the first result for the same key and body", async function () {
      const headers = { ...auth, "Idempotency-Key": "order-1" };
      const body = draft();
      const first = await t.app.request("/invoices", jsonRequest("POST", body, headers));
      const firstBody = await first.text();
      const second = await t.app.request("/invoices", jsonRequest("POST", body, headers));
      expect(second.status).to.equal(201);
      expect(second.headers.get("idempotent-replayed")).to.equal("true");
      const a = JSON.parse(firstBody) as { id: string };
      const b = (await second.json()) as { id: string };
      expect(b.id).to.equal(a.id);
      expect(await t.db.selectFrom("invoice_drafts").select("id").execute()).to.have.length(1);
    });

    it("answers 409 for the same key with another body", async function () {
      const headers = { ...auth, "Idempotency-Key": "order-2" };
      const body = draft();
      expect((await t.app.request("/invoices", jsonRequest("POST", body, headers))).status).to.equal(201);
      const res = await t.app.request("/invoices", jsonRequest("POST", { ...body, notes: "other" }, headers));
      expect(res.status).to.equal(409);
      expect(await errorCode(res)).to.equal("idempotency_key_reused");
    });

    it("keeps keys per caller, and forgets a key whose first attempt failed", async function () {
      const headers = { ...auth, "Idempotency-Key": "order-3" };
      const bad = await t.app.request("/invoices", jsonRequest("POST", draft({ lineItems: [] }), headers));
      expect(bad.status).to.equal(400);
      expect((await t.app.request("/invoices", jsonRequest("POST", draft(), headers))).status).to.equal(201);
      const other = await signIn(t, Wallet.createRandom());
      const res = await t.app.request("/invoices", jsonRequest("POST", draft(), { ...other.auth, "Idempotency-Key": "order-3" }));
      expect(res.status).to.equal(201);
      expect(res.headers.get("idempotent-replayed")).to.equal(null);
    });

    it("refuses a malformed key (400)", async function () {
      const res = await t.app.request("/invoices", jsonRequest("POST", draft(), { ...auth, "Idempotency-Key": "has space" }));
      expect(res.status).to.equal(400);
    });
  });

  const refusals: Array<[string, Record<string, unknown>, string]> = [
    ["a due date in the past", { dueDate: "2001-01-01T00:00:00Z" }, "dueDate"],
    ["a due date that is not ISO 8601", { dueDate: "tomorrow" }, "dueDate"],
    ["no line items", { lineItems: [] }, "lineItems"],
    ["a zero total", { lineItems: [{ description: "x", quantity: 1, unitPrice: "0" }] }, "lineItems"],
    ["a fractional quantity", { lineItems: [{ description: "x", quantity: 1.5, unitPrice: "1" }] }, "lineItems.0.quantity"],
    ["a negative price", { lineItems: [{ description: "x", quantity: 1, unitPrice: "-1" }] }, "lineItems.0.unitPrice"],
    ["a bad token address", { token: "0x123" }, "token"],
    ["an unknown field", { discount: 5 }, ""],
    [
      "a total over uint96 (the escrow's storage)",
      { lineItems: [{ description: "x", quantity: 2, unitPrice: (2n ** 95n).toString() }] },
      "lineItems",
    ],
  ];
  for (const [what, over, path] of refusals) {
    it(`refuses ${what} (400 with the field)`, async function () {
      const res = await t.app.request("/invoices", jsonRequest("POST", draft(over), auth));
      expect(res.status).to.equal(400);
      const error = ((await res.json()) as { error: { code: string; details: Array<{ path: string }> } }).error;
      expect(error.code).to.equal("validation_failed");
      expect(error.details.map((d) => d.path)).to.include(path);
    });
  }

  it("refuses the merchant as payer", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", draft({ payer: merchant }), auth));
    expect(res.status).to.equal(400);
  });

  it("is 401 when signed out", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", draft()));
    expect(res.status).to.equal(401);
  });

  it("is 503 while the escrow ABI is missing", async function () {
    const bare = await makeApp({ abis: {} });
    const session = await signIn(bare, Wallet.createRandom());
    const res = await bare.app.request("/invoices", jsonRequest("POST", draft(), session.auth));
    expect(res.status).to.equal(503);
    expect(await errorCode(res)).to.equal("escrow_abi_missing");
    await bare.close();
  });

  it("accepts ETH as the zero address", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", draft({ token: ZeroAddress }), auth));
    expect(res.status).to.equal(201);
  });
});

describe("API invoices: on-chain (index-backed)", function () {
  let t: TestApp;
  let index: FakeIndex;
  let merchant: { auth: Record<string, string>; address: string };
  let payer: { auth: Record<string, string>; address: string };
  let stranger: { auth: Record<string, string>; address: string };
  const abi = loadAbis().PaymentEscrow ?? STAND_IN_ESCROW_ABI_FULL;

  beforeEach(async function () {
    index = new FakeIndex();
    t = await makeApp({ index, abis: { ...loadAbis(), PaymentEscrow: abi } });
    merchant = await signIn(t, Wallet.createRandom());
    payer = await signIn(t, Wallet.createRandom());
    stranger = await signIn(t, Wallet.createRandom());
  });
  afterEach(async function () {
    await t.close();
  });

  /** Creates a draft and puts the matching invoice #id into the index, as the indexer would. */
  async function onchain(id: bigint, over: Partial<InvoiceRowLike> = {}) {
    const res = await t.app.request(
      "/invoices",
      jsonRequest(
        "POST",
        {
          token: TOKEN,
          payer: payer.address,
          dueDate: new Date(Date.now() + 86400_000).toISOString(),
          lineItems: [{ description: "Work", quantity: 2, unitPrice: "500" }],
        },
        merchant.auth,
      ),
    );
    const draft = (await res.json()) as { id: string; reference: string; dueDate: string };
    const row: InvoiceRowLike = {
      id,
      merchant: merchant.address.toLowerCase() as Hex,
      payer: payer.address.toLowerCase() as Hex,
      token: TOKEN.toLowerCase() as Hex,
      amount: 1000n,
      paid: 0n,
      released: 0n,
      refunded: 0n,
      status: "open",
      dueDate: BigInt(Date.parse(draft.dueDate) / 1000),
      arbiter: null,
      reference: draft.reference as Hex,
      createdBlock: 10n,
      createdTimestamp: 1_700_000_000n,
      createdTxHash: `0x${"cd".repeat(32)}`,
      updatedBlock: 10n,
      updatedTimestamp: 1_700_000_000n,
      ...over,
    };
    index.invoices.set(id, row);
    return { draft, row };
  }

  it("GET /invoices/:id merges the index's state with the draft's details and links the draft", async function () {
    const { draft } = await onchain(1n);
    const res = await t.app.request("/invoices/1", { headers: payer.auth });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as {
      id: string;
      onchain: { status: string; amount: string };
      details: { id: string; lineItems: unknown[] };
      detailsMatch: boolean;
    };
    expect(body.id).to.equal("1");
    expect(body.onchain).to.include({ status: "open", amount: "1000" });
    expect(body.details.id).to.equal(draft.id);
    expect(body.details.lineItems).to.have.length(1);
    expect(body.detailsMatch).to.equal(true);
    const row = await t.db.selectFrom("invoice_drafts").select("onchain_id").where("id", "=", draft.id).executeTakeFirst();
    expect(row?.onchain_id).to.equal("1");
    const byDraft = (await (await t.app.request(`/invoices/${draft.id}`, { headers: merchant.auth })).json()) as { id: string };
    expect(byDraft.id).to.equal("1");
  });

  it("does not attach a draft to an invoice whose on-chain terms differ (copied reference)", async function () {
    const { draft } = await onchain(2n, { merchant: stranger.address.toLowerCase() as Hex, payer: null });
    const body = (await (await t.app.request("/invoices/2", { headers: stranger.auth })).json()) as {
      details: unknown;
      detailsMatch: unknown;
    };
    expect(body.details).to.equal(null);
    expect(body.detailsMatch).to.equal(null);
    expect(await linkPendingDrafts(t.db, index, Date.now())).to.equal(0);
    void draft;
  });

  it("reports details that no longer match the reference", async function () {
    const { draft } = await onchain(3n);
    await t.db.updateTable("invoice_drafts").set({ canonical: "{}" }).where("id", "=", draft.id).execute();
    const body = (await (await t.app.request("/invoices/3", { headers: merchant.auth })).json()) as { detailsMatch: boolean };
    expect(body.detailsMatch).to.equal(false);
  });

  it("links pending drafts in the background pass", async function () {
    const { draft } = await onchain(4n);
    expect(await linkPendingDrafts(t.db, index, Date.now())).to.equal(1);
    const row = await t.db.selectFrom("invoice_drafts").select("onchain_id").where("id", "=", draft.id).executeTakeFirst();
    expect(row?.onchain_id).to.equal("4");
  });

  it("GET /invoices/:id is 403 for a stranger, 404 for an unknown id, 400 for a bad id, 503 while the index builds", async function () {
    await onchain(5n);
    const forbidden = await t.app.request("/invoices/5", { headers: stranger.auth });
    expect(forbidden.status).to.equal(403);
    const missing = await t.app.request("/invoices/999", { headers: merchant.auth });
    expect(missing.status).to.equal(404);
    expect(await errorCode(missing)).to.equal("invoice_not_found");
    expect((await t.app.request("/invoices/abc", { headers: merchant.auth })).status).to.equal(400);
    index.ready = false;
    expect((await t.app.request("/invoices/5", { headers: merchant.auth })).status).to.equal(503);
  });

  it("GET /invoices lists by role, status and token with a cursor; status=draft lists unlinked drafts", async function () {
    await onchain(6n);
    await onchain(7n, { status: "paid", paid: 1000n });
    await onchain(8n);
    const list = async (auth: Record<string, string>, query: string) =>
      (await (await t.app.request(`/invoices?${query}`, { headers: auth })).json()) as {
        items: Array<{ id: string }>;
        nextCursor: string | null;
      };
    expect((await list(merchant.auth, "role=merchant")).items.map((i) => i.id)).to.deep.equal(["8", "7", "6"]);
    expect((await list(payer.auth, "role=payer&status=paid")).items.map((i) => i.id)).to.deep.equal(["7"]);
    expect((await list(payer.auth, "role=merchant")).items).to.have.length(0);
    const first = await list(merchant.auth, "limit=2");
    expect(first.items.map((i) => i.id)).to.deep.equal(["8", "7"]);
    expect((await list(merchant.auth, `limit=2&cursor=${first.nextCursor}`)).items.map((i) => i.id)).to.deep.equal(["6"]);
    await t.app.request(
      "/invoices",
      jsonRequest(
        "POST",
        {
          token: TOKEN,
          dueDate: new Date(Date.now() + 86400_000).toISOString(),
          lineItems: [{ description: "x", quantity: 1, unitPrice: "1" }],
        },
        merchant.auth,
      ),
    );
    const drafts = await list(merchant.auth, "status=draft");
    // 6, 7 and 8 were linked by the list above: only the new draft is left.
    expect(drafts.items).to.have.length(1);
    expect((await t.app.request("/invoices?status=lost", { headers: merchant.auth })).status).to.equal(400);
  });

  it("GET /invoices/:id/events lists the invoice's events", async function () {
    await onchain(9n);
    index.events.push({
      id: "a",
      invoiceId: 9n,
      kind: "created",
      actor: merchant.address.toLowerCase() as Hex,
      amount: 1000n,
      txHash: `0x${"cd".repeat(32)}`,
      logIndex: 0,
      blockNumber: 10n,
      timestamp: 1_700_000_000n,
    });
    index.events.push({
      id: "b",
      invoiceId: 10n,
      kind: "created",
      actor: null,
      amount: null,
      txHash: `0x${"ce".repeat(32)}`,
      logIndex: 0,
      blockNumber: 11n,
      timestamp: 1_700_000_001n,
    });
    const res = await t.app.request("/invoices/9/events", { headers: payer.auth });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { items: Array<{ kind: string; amount: string }> };
    expect(body.items).to.deep.equal([
      {
        id: "a",
        kind: "created",
        actor: merchant.address.toLowerCase(),
        amount: "1000",
        txHash: `0x${"cd".repeat(32)}`,
        logIndex: 0,
        blockNumber: 10,
        timestamp: new Date(1_700_000_000_000).toISOString(),
      },
    ]);
  });

  describe("POST /invoices/:id/transactions", function () {
    it("prepares approve then pay when the allowance is short", async function () {
      const token = await ethers.deployContract("TestToken", ["Test", "TST", 18]);
      await onchain(11n, { token: (await token.getAddress()).toLowerCase() as Hex });
      const res = await t.app.request("/invoices/11/transactions", jsonRequest("POST", { action: "pay" }, payer.auth));
      expect(res.status).to.equal(200);
      const { transactions } = (await res.json()) as { transactions: Array<{ action: string; to: string; data: string; value: string }> };
      expect(transactions.map((x) => x.action)).to.deep.equal(["approve", "pay"]);
      expect(transactions[0]!.to).to.equal((await token.getAddress()).toLowerCase());
      const call = new Interface(abi).parseTransaction({ data: transactions[1]!.data });
      expect(call?.name).to.equal("pay");
      expect(call?.args.map((a: unknown) => String(a))).to.include("1000");
    });

    it("prepares payNative with the value for an ETH invoice", async function () {
      await onchain(12n, { token: ZeroAddress as Hex });
      const res = await t.app.request("/invoices/12/transactions", jsonRequest("POST", { action: "pay", amount: "400" }, payer.auth));
      const { transactions } = (await res.json()) as { transactions: Array<{ action: string; value: string }> };
      expect(transactions).to.have.length(1);
      expect(transactions[0]).to.include({ action: "payNative", value: "400" });
    });

    it("refuses the wrong party (403), an overpayment (400), and paying a paid invoice (409)", async function () {
      await onchain(13n);
      expect((await t.app.request("/invoices/13/transactions", jsonRequest("POST", { action: "pay" }, stranger.auth))).status).to.equal(
        403,
      );
      expect((await t.app.request("/invoices/13/transactions", jsonRequest("POST", { action: "refund" }, payer.auth))).status).to.equal(
        403,
      );
      expect(
        (await t.app.request("/invoices/13/transactions", jsonRequest("POST", { action: "pay", amount: "1001" }, payer.auth))).status,
      ).to.equal(400);
      await onchain(14n, { paid: 1000n, status: "paid" });
      const paid = await t.app.request("/invoices/14/transactions", jsonRequest("POST", { action: "pay" }, payer.auth));
      expect(paid.status).to.equal(409);
      expect((await t.app.request("/invoices/14/transactions", jsonRequest("POST", { action: "steal" }, payer.auth))).status).to.equal(400);
    });

    it("prepares release for the payer and refund for the merchant", async function () {
      await onchain(15n, { paid: 1000n, status: "paid" });
      const release = await t.app.request(
        "/invoices/15/transactions",
        jsonRequest("POST", { action: "release", amount: "300" }, payer.auth),
      );
      expect(release.status).to.equal(200);
      const refund = await t.app.request("/invoices/15/transactions", jsonRequest("POST", { action: "refund" }, merchant.auth));
      expect(refund.status).to.equal(200);
      const { transactions } = (await refund.json()) as { transactions: Array<{ action: string }> };
      expect(transactions[0]!.action).to.equal("refund");
    });

    it("prepares resolve for the arbiter with the split, and refuses it without toMerchant", async function () {
      const arbiter = await signIn(t, Wallet.createRandom());
      await onchain(16n, { paid: 1000n, status: "disputed", arbiter: arbiter.address.toLowerCase() as Hex });
      const missing = await t.app.request("/invoices/16/transactions", jsonRequest("POST", { action: "resolve" }, arbiter.auth));
      expect(missing.status).to.equal(400);
      const res = await t.app.request(
        "/invoices/16/transactions",
        jsonRequest("POST", { action: "resolve", toMerchant: "600" }, arbiter.auth),
      );
      expect(res.status).to.equal(200);
      const { transactions } = (await res.json()) as { transactions: Array<{ data: string }> };
      const call = new Interface(abi).parseTransaction({ data: transactions[0]!.data });
      expect(call?.args.map((a: unknown) => String(a))).to.deep.equal(["16", "600", "400"]);
    });
  });
});
