import { expect } from "chai";
import { Wallet } from "ethers";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn, unbuiltIndex } from "../helpers/api-app";
import { useRealIndex } from "../helpers/real-index";
import { describeBackends } from "../helpers/app-db";

describeBackends("API users", function () {
  useRealIndex();
  let t: TestApp;
  let auth: Record<string, string>;
  let address: string;

  beforeEach(async function () {
    t = await makeApp();
    ({ auth, address } = await signIn(t, Wallet.createRandom()));
  });
  afterEach(async function () {
    await t.close();
  });

  it("GET /users/me returns the row created at first sign-in", async function () {
    const res = await t.app.request("/users/me", { headers: auth });
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.include({ address, displayName: null, email: null, billingAddress: null, taxId: null });
  });

  it("GET /users/me is 401 when signed out", async function () {
    const res = await t.app.request("/users/me");
    expect(res.status).to.equal(401);
  });

  it("PATCH /users/me updates each field and null clears it", async function () {
    const patch = {
      displayName: "  Ada Lovelace ",
      email: "Ada@Example.com",
      company: "Analytical Engines Ltd",
      billingAddress: { line1: "1 Engine Street", city: "London", postalCode: "EC1A 1BB", country: "GB" },
      taxId: "gb123456789",
    };
    const res = await t.app.request("/users/me", jsonRequest("PATCH", patch, auth));
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.include({
      displayName: "Ada Lovelace",
      email: "ada@example.com",
      company: "Analytical Engines Ltd",
      billingAddress: patch.billingAddress,
      taxId: "GB123456789",
    });
    const cleared = await t.app.request("/users/me", jsonRequest("PATCH", { company: null }, auth));
    expect(((await cleared.json()) as { company: unknown; displayName: unknown }).company).to.equal(null);
  });

  const invalid: Array<[string, unknown, string]> = [
    ["a bad email", { email: "not-an-email" }, "email"],
    ["an empty display name", { displayName: "   " }, "displayName"],
    ["a too long company", { company: "x".repeat(121) }, "company"],
    ["a control character", { displayName: "a\u0007b" }, "displayName"],
    ["a bad country", { billingAddress: { line1: "x", city: "y", country: "France" } }, "billingAddress.country"],
    ["a bad tax id", { taxId: "!!" }, "taxId"],
    ["an unknown field", { admin: true }, ""],
    ["no field at all", {}, ""],
  ];
  for (const [what, body, path] of invalid) {
    it(`PATCH /users/me refuses ${what} (400 with the field)`, async function () {
      const res = await t.app.request("/users/me", jsonRequest("PATCH", body, auth));
      expect(res.status).to.equal(400);
      const error = ((await res.json()) as { error: { code: string; details: Array<{ path: string }> } }).error;
      expect(error.code).to.equal("validation_failed");
      expect(error.details.map((d) => d.path)).to.include(path);
    });
  }

  it("PATCH /users/me refuses a non-JSON content type (415)", async function () {
    const res = await t.app.request("/users/me", {
      method: "PATCH",
      body: "displayName=x",
      headers: { ...auth, "Content-Type": "text/plain" },
    });
    expect(res.status).to.equal(415);
    expect(await errorCode(res)).to.equal("unsupported_media_type");
  });

  it("PATCH /users/me refuses malformed JSON (400)", async function () {
    const res = await t.app.request("/users/me", { method: "PATCH", body: "{", headers: { ...auth, "Content-Type": "application/json" } });
    expect(res.status).to.equal(400);
    expect(await errorCode(res)).to.equal("bad_request");
  });

  it("GET /users/:address returns the public subset only", async function () {
    await t.app.request("/users/me", jsonRequest("PATCH", { displayName: "Ada", email: "ada@example.com" }, auth));
    const res = await t.app.request(`/users/${address.toLowerCase()}`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).to.include({ address, displayName: "Ada" });
    expect(body).to.not.have.property("email");
  });

  it("GET /users/:address is 404 for an unknown address and 400 for a bad one", async function () {
    const unknown = await t.app.request(`/users/${Wallet.createRandom().address}`);
    expect(unknown.status).to.equal(404);
    expect(await errorCode(unknown)).to.equal("user_not_found");
    const bad = await t.app.request("/users/0x1234");
    expect(bad.status).to.equal(400);
    const letter = address.slice(2).search(/[a-fA-F]/) + 2;
    const flipped = address[letter] === address[letter]!.toLowerCase() ? address[letter]!.toUpperCase() : address[letter]!.toLowerCase();
    const checksum = await t.app.request(`/users/${address.slice(0, letter)}${flipped}${address.slice(letter + 1)}`);
    expect(checksum.status).to.equal(400);
  });

  it("GET /users/:address/stats counts invoices issued and paid, volumes per token and the stake, from the index", async function () {
    const { merchant, payer, staker, invoiceAmount, staked, deployment, reader } = t.real;
    const token = deployment.contracts.SettleToken.address.toLowerCase();
    const stats = async (who: string) => {
      const res = await t.app.request(`/users/${who}/stats`);
      expect(res.status).to.equal(200);
      return (await res.json()) as Record<string, unknown>;
    };
    const indexedBefore = Number((await reader.headBlock()).number);
    // The script: four invoices from the merchant to the payer, three of them paid in full.
    const merchantStats = await stats(merchant.address);
    // Other suites may mine blocks or stop the shared indexer meanwhile: the answer is at least as current as the
    // index was before it, and may be marked stale (indexStale, tested in test/indexer/rpc-faults.test.ts).
    expect(merchantStats.indexedBlock as number).to.be.at.least(indexedBefore);
    delete merchantStats.indexedBlock;
    delete merchantStats.indexStale;
    expect(merchantStats).to.deep.equal({
      address: merchant.address,
      invoicesIssued: 4,
      invoicesPaid: 0,
      chainId: null,
      volumeByToken: [{ chainId: deployment.chainId, token, issued: (4n * invoiceAmount).toString(), paid: "0" }],
      staked: "0",
      truncated: false,
    });
    expect(await stats(payer.address)).to.deep.include({
      invoicesIssued: 0,
      invoicesPaid: 3,
      volumeByToken: [{ chainId: deployment.chainId, token, issued: "0", paid: (3n * invoiceAmount).toString() }],
    });
    expect(await stats(staker.address)).to.deep.include({
      invoicesIssued: 0,
      invoicesPaid: 0,
      volumeByToken: [],
      staked: staked.toString(),
    });
  });

  it("GET /users/:address/stats is 503 while the index is not there", async function () {
    const building = await makeApp({ index: unbuiltIndex() });
    const res = await building.app.request(`/users/${address}/stats`);
    expect(res.status).to.equal(503);
    expect(await errorCode(res)).to.equal("index_not_ready");
    await building.close();
  });
});
