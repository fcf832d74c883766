import { expect } from "chai";
import { Wallet } from "ethers";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadAbis } from "../../api/lib/deployment";
import type { Deployment } from "../../scripts/lib/deployments";
import { FakeIndex, historyRow } from "./fake-index";
import { DEPLOYMENT, type TestApp, makeApp, signIn } from "./helpers";

/** Every route, with `:x` placeholders filled from arbitraries. */
const ROUTES: Array<[string, string]> = [
  ["GET", "/auth/nonce"],
  ["POST", "/auth/verify"],
  ["POST", "/auth/logout"],
  ["GET", "/auth/me"],
  ["GET", "/users/me"],
  ["PATCH", "/users/me"],
  ["GET", "/users/:address"],
  ["GET", "/users/:address/stats"],
  ["POST", "/invoices"],
  ["GET", "/invoices"],
  ["GET", "/invoices/:id"],
  ["GET", "/invoices/:id/events"],
  ["POST", "/invoices/:id/transactions"],
  ["GET", "/transactions"],
  ["GET", "/transactions/:hash"],
  ["GET", "/blockchain/contracts"],
  ["GET", "/blockchain/status"],
  ["GET", "/blockchain/staking/:address"],
  ["GET", "/health"],
  ["GET", "/openapi.json"],
  ["GET", "/docs"],
];

const STAND_IN_ESCROW_ABI = [
  "function createInvoice(address payer, address token, uint256 amount, uint64 dueDate, uint32 disputeWindow, address arbiter, bytes32 referenceHash) returns (uint256 id)",
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

const hexString = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => "0x" + Buffer.from(b).toString("hex"));
const weirdText = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom("", " ", "%", "../..", "%00", "null", "0x", "-1", "1e400", "\u0000"),
);
const segment = fc.oneof(weirdText, hexString(20), hexString(32), fc.bigInt({ min: -5n, max: 2n ** 260n }).map(String), fc.uuid());
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const bodyValue = fc.oneof(
  jsonValue,
  fc.record(
    {
      message: weirdText,
      signature: fc.oneof(weirdText, hexString(65)),
      token: fc.oneof(weirdText, hexString(20)),
      payer: fc.oneof(fc.constant(null), hexString(20), weirdText),
      dueDate: fc.oneof(
        weirdText,
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
      lineItems: fc.array(
        fc.record({
          description: weirdText,
          quantity: fc.oneof(fc.integer(), fc.double()),
          unitPrice: fc.oneof(weirdText, fc.bigInt().map(String)),
        }),
        { maxLength: 3 },
      ),
      action: fc.oneof(weirdText, fc.constantFrom("pay", "release", "refund", "resolve", "withdraw")),
      amount: fc.oneof(weirdText, fc.bigInt({ min: -1n, max: 2n ** 257n }).map(String)),
      toMerchant: fc.bigInt({ min: -1n, max: 2n ** 100n }).map(String),
      displayName: weirdText,
      email: weirdText,
      billingAddress: jsonValue,
    },
    { requiredKeys: [] },
  ),
);
const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom("kind", "token", "invoice", "from", "to", "cursor", "limit", "format", "role", "status"), weirdText),
      fc.oneof(
        weirdText,
        fc.constantFrom("csv", "json", "merchant", "payer", "draft", "paid", "invoice_paid", "0", "501", "2030-01-01T00:00:00Z"),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => new URLSearchParams(pairs).toString());
const headerSet = fc.record(
  {
    "content-type": fc.constantFrom(
      "application/json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/json; charset=utf-8",
      "garbage",
    ),
    "idempotency-key": fc.oneof(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
      fc.constant("k"),
    ),
    authorization: fc.oneof(
      fc.constantFrom("Bearer", "Bearer x.y.z", "Basic abc", "Bearer " + "a".repeat(300)),
      fc.string({ maxLength: 20 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    ),
    cookie: fc.constantFrom("settle_session=abc", "settle_session=", "x=1"),
    origin: fc.constantFrom("http://localhost:8000", "https://evil.example.com", "null"),
  },
  { requiredKeys: [] },
);

describe("API fuzz: random bodies, headers and query strings on every route", function () {
  this.timeout(300_000);
  let t: TestApp;
  let auth: Record<string, string>;

  before(async function () {
    const [deployer] = await ethers.getSigners();
    const e18 = 10n ** 18n;
    const token = await ethers.deployContract("SettleToken", [deployer!.address, 1_000_000n * e18, deployer!.address, 1000n * e18]);
    const staking = await ethers.deployContract("StakingRewards", [
      deployer!.address,
      await token.getAddress(),
      await token.getAddress(),
      86400,
    ]);
    const deployment: Deployment = {
      ...DEPLOYMENT,
      contracts: {
        ...DEPLOYMENT.contracts,
        SettleToken: { address: await token.getAddress(), deployBlock: 0, txHash: "0x" },
        StakingRewards: { address: await staking.getAddress(), deployBlock: 0, txHash: "0x" },
      },
    };
    const index = new FakeIndex();
    index.status = () => ({ ready: true, block: { number: BigInt(headNow), timestamp: 1n } });
    const abis = loadAbis();
    t = await makeApp({ index, deployment, abis: { ...abis, PaymentEscrow: abis.PaymentEscrow ?? STAND_IN_ESCROW_ABI } });
    const session = await signIn(t, Wallet.createRandom());
    auth = session.auth;
    const me = session.address.toLowerCase() as `0x${string}`;
    for (let n = 1; n <= 20; n++) index.history.push(historyRow(n, { account: me, invoiceId: BigInt(n % 3) }));
    index.invoices.set(1n, {
      id: 1n,
      merchant: me,
      payer: null,
      token: (await token.getAddress()).toLowerCase() as `0x${string}`,
      amount: 100n,
      paid: 10n,
      released: 0n,
      refunded: 0n,
      status: "partially_paid",
      dueDate: 2_000_000_000n,
      arbiter: null,
      reference: `0x${"11".repeat(32)}`,
      createdBlock: 1n,
      createdTimestamp: 1n,
      createdTxHash: `0x${"22".repeat(32)}`,
      updatedBlock: 1n,
      updatedTimestamp: 1n,
    });
    headNow = await ethers.provider.getBlockNumber();
  });
  let headNow = 0;
  after(async function () {
    await t?.close();
  });

  const statuses: Record<number, number> = {};
  after(function () {
    if (process.env.FUZZ_STATS) console.log("statuses", statuses);
  });

  it("never answers 5xx, and every error is { error: { code, message } }", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.constantFrom("1", "0", "999"),
        segment,
        fc.boolean(),
        queryString,
        headerSet,
        fc.oneof(
          bodyValue.map((v) => JSON.stringify(v)),
          weirdText,
          fc.constant(undefined),
        ),
        fc.boolean(),
        async ([method, template], knownId, random, useKnown, query, headers, body, signedIn) => {
          const path = template.replace(/:(\w+)/g, () => encodeURIComponent(useKnown ? knownId : random));
          const { authorization, ...rest } = headers;
          // Logout would revoke the shared session; its own tests cover it signed in.
          if (template === "/auth/logout") signedIn = false;
          const init: RequestInit = {
            method,
            headers: signedIn ? { ...rest, ...auth } : { ...rest, ...(authorization === undefined ? {} : { authorization }) },
          };
          if (body !== undefined && method !== "GET") init.body = body;
          const res = await t.app.request(`${path}${query ? `?${query}` : ""}`, init);
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          expect(res.status, `${method} ${path}?${query} -> ${res.status}`).to.be.below(500);
          if (res.status >= 400) {
            const text = await res.text();
            const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            expect(parsed.error?.code, text).to.be.a("string");
            expect(parsed.error?.message, text).to.be.a("string");
            expect(text).to.not.match(/\bat .+\.ts:\d+|SQLITE|node_modules|\/work\//);
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 600), verbose: 1 },
    );
  });
});
