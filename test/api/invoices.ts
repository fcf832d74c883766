import { expect } from "chai";
import { Interface, Wallet, ZeroAddress, keccak256, toUtf8Bytes } from "ethers";
import { canonicalJson, invoiceReference } from "../../api/lib/invoice-hash";
import { loadAbis } from "../../api/lib/deployment";
import { DEPLOYMENT, type TestApp, errorCode, jsonRequest, makeApp, signIn } from "./helpers";

/** A stand-in escrow ABI with the createInvoice shape used until the real artifact exists. */
const STAND_IN_ESCROW_ABI = [
  "function createInvoice(address payer, address token, uint128 amount, uint64 dueDate, uint32 disputeWindow, address arbiter, bytes32 reference) returns (uint256)",
];

const TOKEN = DEPLOYMENT.contracts.SettleToken.address;

describe("API invoices: drafts", function () {
  let t: TestApp;
  let auth: Record<string, string>;
  let merchant: string;
  const payer = Wallet.createRandom().address;
  const abi = loadAbis().PaymentEscrow ?? STAND_IN_ESCROW_ABI;

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
    expect(doc).to.include({ schema: "settle.invoice.v1", draftId: body.id, payer: null, arbiter: null, merchant, total: "3250000000000000000" });
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
    ["a total over uint128", { lineItems: [{ description: "x", quantity: 2, unitPrice: (2n ** 128n).toString() }] }, "lineItems"],
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
