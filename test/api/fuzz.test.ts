import { expect } from "chai";
import fc from "fast-check";
import { testAccount } from "../../scripts/lib/test-accounts";
import { type TestApp, makeApp, signIn } from "../helpers/api-app";
import { useRealIndex } from "../helpers/real-index";

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
  ["POST", "/invoices/:id/relay"],
  ["GET", "/transactions"],
  ["GET", "/transactions/:hash"],
  ["GET", "/blockchain/contracts"],
  ["GET", "/blockchain/status"],
  ["GET", "/blockchain/staking/:address"],
  ["GET", "/health"],
  ["GET", "/openapi.json"],
  ["GET", "/docs"],
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
  useRealIndex();
  this.timeout(300_000);
  let t: TestApp;
  let auth: Record<string, string>;

  /** Path parameters the index knows: the payer's invoices, its address, a real transaction. */
  let known: string[];

  before(async function () {
    // The relayer on (Hardhat account 15), so that the relay route is fuzzed past its relayer_off answer.
    t = await makeApp({ env: { RELAYER_PRIVATE_KEY: testAccount(15).privateKey } });
    const { payer, invoices, transfers } = t.real;
    auth = (await signIn(t, payer)).auth;
    known = [...Object.values(invoices).map(String), "0", "999", payer.address, transfers[1]!];
  });
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
        fc.constantFrom(...known),
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
