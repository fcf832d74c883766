import { expect } from "chai";
import { Interface, type JsonRpcSigner, Wallet, ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import { canonicalJson, invoiceReference } from "../../core/invoice/reference";
import { keccak256Utf8 } from "../../api/documents/hash";
import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { linkPendingDrafts } from "../../api/jobs/draft-linker";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn, unbuiltIndex } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";
import { type RealIndex, useRealIndex } from "../helpers/real-index";

const abi = PaymentEscrowAbi;

describeBackends("API invoices: drafts", function () {
  useRealIndex();
  let t: TestApp;
  let auth: Record<string, string>;
  let merchant: string;
  let token: string;
  const payer = Wallet.createRandom().address;

  const draft = (over: Record<string, unknown> = {}) => ({
    token,
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
    t = await makeApp();
    token = t.real.deployment.contracts.SettleToken.address;
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
    expect(body.transaction).to.include({ to: t.real.deployment.contracts.PaymentEscrow.address, value: "0", chainId: 31337 });
    const call = new Interface(abi).parseTransaction({ data: body.transaction.data });
    expect(call?.name).to.equal("createInvoice");
    const args = JSON.stringify(call!.args, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(args).to.include(body.reference).and.include("3250000000000000000").and.include(payer);
    expect(call!.args[0].maxFeeBps, "the fee cap defaults to the fee now").to.equal(100n);
  });

  it("carries the merchant's own fee cap into the terms", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", draft({ maxFeeBps: 250 }), auth));
    expect(res.status).to.equal(201);
    const { transaction } = (await res.json()) as { transaction: { data: string } };
    expect(new Interface(abi).parseTransaction({ data: transaction.data })!.args[0].maxFeeBps).to.equal(250n);
  });

  it("hashes a canonical document anyone can rebuild from the stored fields", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", draft({ payer: null, arbiter: null }), auth));
    const body = (await res.json()) as { id: string; canonical: string; reference: string; dueDate: string };
    const doc = JSON.parse(body.canonical) as Record<string, unknown>;
    expect(Object.keys(doc)).to.deep.equal([...Object.keys(doc)].sort());
    expect(doc).to.include({
      schema: "settle.invoice.v2",
      draftId: body.id,
      payer: null,
      arbiter: null,
      merchant,
      total: "3250000000000000000",
    });
    expect(doc.dueDate).to.equal(Date.parse(body.dueDate) / 1000);
    expect(canonicalJson(doc as never)).to.equal(body.canonical);
    expect(invoiceReference(doc as never, keccak256Utf8).reference).to.equal(body.reference);
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
    ["a token address with no contract code", { token: Wallet.createRandom().address }, "token"],
    ["a fee cap below the escrow's fee now (1%)", { maxFeeBps: 99 }, "maxFeeBps"],
    ["a fee cap above the escrow's maximum", { maxFeeBps: 501 }, "maxFeeBps"],
    ["a tax rate over 100", { lineItems: [{ description: "x", quantity: 1, unitPrice: "1", taxRate: "120" }] }, "lineItems.0.taxRate"],
    ["a discount over the line", { lineItems: [{ description: "x", quantity: 1, unitPrice: "5", discount: "6" }] }, "lineItems.0.discount"],
    [
      "a tax mention on a taxed line",
      { lineItems: [{ description: "x", quantity: 1, unitPrice: "5", taxRate: "20", taxMention: "exempt" }] },
      "lineItems.0.taxMention",
    ],
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

  it("accepts ETH as the zero address", async function () {
    const res = await t.app.request("/invoices", jsonRequest("POST", draft({ token: ZeroAddress }), auth));
    expect(res.status).to.equal(201);
  });
});

describe("API invoices: on-chain (real index)", function () {
  useRealIndex();
  /** A signed-in account of the node that sends its own transactions. */
  type Party = { signer: JsonRpcSigner; address: string; auth: Record<string, string> };
  /** A draft put on chain in `before`. */
  type OnChain = { draft: string; reference: string; id: bigint };
  const AMOUNT = 1000n;
  let t: TestApp;
  let real: RealIndex;
  let merchant: Party;
  let payer: Party;
  let arbiter: Party;
  let stranger: Party;
  let setl: string;
  // The drafts, by what happened to them on chain (each created by the merchant for AMOUNT).
  let open: OnChain; // created only; the payer's allowance is short for it
  let background: OnChain; // created only, left for the background linking pass
  let altered: OnChain; // created only; its stored details are altered afterwards
  let paid: OnChain; // paid in full
  let disputed: OnChain; // with an arbiter, paid, disputed by the payer
  let eth: OnChain; // in ETH, created only
  let copied: OnChain; // its reference reused by the stranger on an invoice of its own

  const party = async (i: number): Promise<Party> => {
    const signer = await real.signer(i);
    return { signer, ...(await signIn(t, signer)) };
  };
  const send = async (from: Party, tx: { to: string; data: string; value?: string }) => {
    await (await from.signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value ?? "0") })).wait();
  };
  /** POSTs a draft as the merchant and sends its createInvoice transaction. */
  const createOnChain = async (over: Record<string, unknown> = {}, creator: Party = merchant): Promise<OnChain> => {
    const res = await t.app.request(
      "/invoices",
      jsonRequest(
        "POST",
        {
          token: setl,
          payer: payer.address,
          dueDate: new Date(Date.now() + 30 * 86400_000).toISOString(),
          lineItems: [{ description: "Work", quantity: 2, unitPrice: (AMOUNT / 2n).toString() }],
          ...over,
        },
        merchant.auth,
      ),
    );
    expect(res.status, await res.clone().text()).to.equal(201);
    const body = (await res.json()) as { id: string; reference: string; transaction: { to: string; data: string; value: string } };
    await send(creator, body.transaction);
    return { draft: body.id, reference: body.reference, id: 0n };
  };
  const onchainId = async (draft: string) =>
    (await t.db.selectFrom("invoice_drafts").select("onchain_id").where("id", "=", draft).executeTakeFirst())?.onchain_id ?? null;

  before(async function () {
    t = await makeApp();
    real = t.real;
    [merchant, payer, arbiter, stranger] = await Promise.all([6, 7, 8, 9].map(party));
    setl = real.deployment.contracts.SettleToken.address;
    const escrow = real.deployment.contracts.PaymentEscrow.address;
    await (await real.contracts.setl.getFunction("transfer")(payer.address, 10n * AMOUNT)).wait();

    open = await createOnChain();
    background = await createOnChain();
    altered = await createOnChain();
    paid = await createOnChain();
    disputed = await createOnChain({ arbiter: arbiter.address });
    eth = await createOnChain({ token: ZeroAddress });
    // The stranger sends the merchant's transaction as its own: same reference, another merchant.
    copied = await createOnChain({ payer: null }, stranger);
    const escrowAs = (who: Party) => real.contracts.escrow.connect(who.signer);
    // Exactly what the two payments need: the allowance left for `open` is zero.
    await (await real.contracts.setl.connect(payer.signer).getFunction("approve")(escrow, 2n * AMOUNT)).wait();
    await real.waitForIndex();
    for (const invoice of [open, background, altered, paid, disputed, eth, copied]) {
      invoice.id = (await real.reader.invoiceByReference(invoice.reference))!.id;
    }
    await (await escrowAs(payer).getFunction("pay")(paid.id, AMOUNT)).wait();
    await (await escrowAs(payer).getFunction("pay")(disputed.id, AMOUNT)).wait();
    await (await escrowAs(payer).getFunction("dispute")(disputed.id)).wait();
    await real.waitForIndex();
  });
  after(async function () {
    await t?.close();
  });

  // The tests below run in order: the first links one draft by reading it, the second links the rest.

  it("GET /invoices/:id merges the index's state with the draft's details and links the draft", async function () {
    const res = await t.app.request(`/invoices/${open.id}`, { headers: payer.auth });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as {
      id: string;
      onchain: { status: string; amount: string; merchant: string; reference: string };
      details: { id: string; lineItems: unknown[] };
      detailsMatch: boolean;
    };
    expect(body.id).to.equal(open.id.toString());
    expect(body.onchain).to.include({
      status: "open",
      amount: AMOUNT.toString(),
      merchant: merchant.address.toLowerCase(),
      reference: open.reference,
    });
    expect(body.details.id).to.equal(open.draft);
    expect(body.details.lineItems).to.have.length(1);
    expect(body.detailsMatch).to.equal(true);
    expect(await onchainId(open.draft)).to.equal(open.id.toString());
    expect(await onchainId(background.draft)).to.equal(null);
    const byDraft = (await (await t.app.request(`/invoices/${open.draft}`, { headers: merchant.auth })).json()) as { id: string };
    expect(byDraft.id).to.equal(open.id.toString());
  });

  it("links the pending drafts in the background pass, except one whose on-chain terms differ (copied reference)", async function () {
    expect(await linkPendingDrafts(t.db, real.reader, Date.now())).to.equal(5);
    for (const invoice of [background, altered, paid, disputed, eth])
      expect(await onchainId(invoice.draft)).to.equal(invoice.id.toString());
    expect(await onchainId(copied.draft)).to.equal(null);
    const body = (await (await t.app.request(`/invoices/${copied.id}`, { headers: stranger.auth })).json()) as {
      onchain: { merchant: string };
      details: unknown;
      detailsMatch: unknown;
    };
    expect(body.onchain.merchant).to.equal(stranger.address.toLowerCase());
    expect(body.details).to.equal(null);
    expect(body.detailsMatch).to.equal(null);
  });

  it("reports details that no longer match the reference", async function () {
    await t.db.updateTable("invoice_drafts").set({ canonical: "{}" }).where("id", "=", altered.draft).execute();
    const body = (await (await t.app.request(`/invoices/${altered.id}`, { headers: merchant.auth })).json()) as { detailsMatch: boolean };
    expect(body.detailsMatch).to.equal(false);
  });

  it("GET /invoices/:id is 403 for a stranger, 404 for an unknown id, 400 for a bad id", async function () {
    const forbidden = await t.app.request(`/invoices/${open.id}`, { headers: stranger.auth });
    expect(forbidden.status).to.equal(403);
    const missing = await t.app.request("/invoices/999999", { headers: merchant.auth });
    expect(missing.status).to.equal(404);
    expect(await errorCode(missing)).to.equal("invoice_not_found");
    expect((await t.app.request("/invoices/abc", { headers: merchant.auth })).status).to.equal(400);
  });

  it("GET /invoices/:id is 503 while there is no index", async function () {
    const building = await makeApp({ index: unbuiltIndex() });
    const session = await signIn(building, merchant.signer);
    const res = await building.app.request(`/invoices/${open.id}`, { headers: session.auth });
    expect(res.status).to.equal(503);
    expect(await errorCode(res)).to.equal("index_not_ready");
    await building.close();
  });

  it("GET /invoices lists by role, status and token with a cursor; status=draft lists unlinked drafts", async function () {
    const list = async (auth: Record<string, string>, query: string) => {
      const res = await t.app.request(`/invoices?${query}`, { headers: auth });
      expect(res.status).to.equal(200);
      return (await res.json()) as { items: Array<{ id: string }>; nextCursor: string | null };
    };
    const mine = [open, background, altered, paid, disputed, eth]
      .map((i) => i.id)
      .sort((a, b) => Number(b - a))
      .map(String);
    expect((await list(merchant.auth, "role=merchant")).items.map((i) => i.id)).to.deep.equal(mine);
    expect((await list(payer.auth, "role=payer&status=paid")).items.map((i) => i.id)).to.deep.equal([paid.id.toString()]);
    expect((await list(payer.auth, "role=payer&status=disputed")).items.map((i) => i.id)).to.deep.equal([disputed.id.toString()]);
    expect((await list(payer.auth, `role=payer&token=${ZeroAddress}`)).items.map((i) => i.id)).to.deep.equal([eth.id.toString()]);
    expect((await list(payer.auth, "role=merchant")).items).to.have.length(0);
    const first = await list(merchant.auth, "role=merchant&limit=4");
    expect(first.items.map((i) => i.id)).to.deep.equal(mine.slice(0, 4));
    expect((await list(merchant.auth, `role=merchant&limit=4&cursor=${first.nextCursor}`)).items.map((i) => i.id)).to.deep.equal(
      mine.slice(4),
    );
    t.clock.now += 1000; // the newest draft
    const res = await t.app.request(
      "/invoices",
      jsonRequest(
        "POST",
        {
          token: setl,
          dueDate: new Date(Date.now() + 86400_000).toISOString(),
          lineItems: [{ description: "x", quantity: 1, unitPrice: "1" }],
        },
        merchant.auth,
      ),
    );
    const { id } = (await res.json()) as { id: string };
    // Every other draft is linked by now, except the one whose reference the stranger reused.
    expect((await list(merchant.auth, "status=draft")).items.map((i) => i.id)).to.deep.equal([id, copied.draft]);
    expect((await t.app.request("/invoices?status=lost", { headers: merchant.auth })).status).to.equal(400);
  });

  it("GET /invoices/:id/events lists the invoice's events from the index, oldest first", async function () {
    const res = await t.app.request(`/invoices/${disputed.id}/events`, { headers: payer.auth });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { items: Array<{ kind: string; actor: string; amount: string | null; txHash: string }> };
    expect(body.items.map((e) => e.kind)).to.deep.equal((await real.reader.invoiceEvents(disputed.id)).map((e) => e.kind));
    expect(body.items.map((e) => e.kind)).to.include.members(["InvoiceCreated", "InvoicePaid", "InvoiceDisputed"]);
    const created = body.items.find((e) => e.kind === "InvoiceCreated")!;
    expect(created.actor).to.equal(merchant.address.toLowerCase());
    const payment = body.items.find((e) => e.kind === "InvoicePaid")!;
    expect(payment).to.include({ actor: payer.address.toLowerCase(), amount: AMOUNT.toString() });
    expect((await real.provider.getTransactionReceipt(payment.txHash))!.from).to.equal(payer.address);
  });

  describe("POST /invoices/:id/transactions", function () {
    const prepare = (id: bigint, body: Record<string, unknown>, who: Party) =>
      t.app.request(`/invoices/${id}/transactions`, jsonRequest("POST", body, who.auth));

    it("prepares approve then pay when the allowance is short", async function () {
      const res = await prepare(open.id, { action: "pay" }, payer);
      expect(res.status).to.equal(200);
      const { transactions } = (await res.json()) as { transactions: Array<{ action: string; to: string; data: string; value: string }> };
      expect(transactions.map((x) => x.action)).to.deep.equal(["approve", "pay"]);
      expect(transactions[0]!.to).to.equal(setl.toLowerCase());
      const call = new Interface(abi).parseTransaction({ data: transactions[1]!.data });
      expect(call?.name).to.equal("pay");
      expect(call?.args.map((a: unknown) => String(a))).to.deep.equal([open.id.toString(), AMOUNT.toString()]);
    });

    it("prepares payNative with the value for an ETH invoice", async function () {
      const res = await prepare(eth.id, { action: "pay", amount: "400" }, payer);
      const { transactions } = (await res.json()) as { transactions: Array<{ action: string; value: string }> };
      expect(transactions).to.have.length(1);
      expect(transactions[0]).to.include({ action: "payNative", value: "400" });
    });

    it("refuses the wrong party (403), an overpayment (400), an unknown action (400), and paying a paid invoice (409)", async function () {
      expect((await prepare(open.id, { action: "pay" }, stranger)).status).to.equal(403);
      expect((await prepare(open.id, { action: "refund" }, payer)).status).to.equal(403);
      expect((await prepare(open.id, { action: "pay", amount: (AMOUNT + 1n).toString() }, payer)).status).to.equal(400);
      expect((await prepare(paid.id, { action: "pay" }, payer)).status).to.equal(409);
      expect((await prepare(paid.id, { action: "steal" }, payer)).status).to.equal(400);
    });

    it("asks for the whole amount of an invoice open to anyone (400 for a part)", async function () {
      const res = await prepare(copied.id, { action: "pay", amount: "1" }, payer);
      expect(res.status).to.equal(400);
      const error = ((await res.json()) as { error: { details: Array<{ message: string }> } }).error;
      expect(error.details[0]!.message).to.equal(`must be ${AMOUNT}: an invoice open to anyone is paid in full in one payment`);
      expect((await prepare(copied.id, { action: "pay" }, payer)).status).to.equal(200);
    });

    it("prepares release for the payer and refund for the merchant", async function () {
      expect((await prepare(paid.id, { action: "release", amount: "300" }, payer)).status).to.equal(200);
      const refund = await prepare(paid.id, { action: "refund" }, merchant);
      expect(refund.status).to.equal(200);
      const { transactions } = (await refund.json()) as { transactions: Array<{ action: string }> };
      expect(transactions[0]!.action).to.equal("refund");
    });

    it("prepares resolve for the arbiter with the split, and refuses it without toMerchant", async function () {
      expect((await prepare(disputed.id, { action: "resolve" }, arbiter)).status).to.equal(400);
      const res = await prepare(disputed.id, { action: "resolve", toMerchant: "600" }, arbiter);
      expect(res.status).to.equal(200);
      const { transactions } = (await res.json()) as { transactions: Array<{ data: string }> };
      const call = new Interface(abi).parseTransaction({ data: transactions[0]!.data });
      expect(call?.args.map((a: unknown) => String(a))).to.deep.equal([disputed.id.toString(), "600", "400"]);
    });
  });
});
