import { expect } from "chai";
import { Wallet, getAddress } from "ethers";
import { sign } from "hono/jwt";
import {
  SECRET,
  ORIGIN,
  type TestApp,
  cookiesOf,
  errorCode,
  getNonce,
  jsonRequest,
  makeApp,
  signIn,
  siweMessage,
} from "../helpers/api-app";
import { useRealIndex } from "../helpers/real-index";
import { describeBackends } from "../helpers/app-db";

/** Runtime code answering the EIP-1271 magic value to any isValidSignature call. */
const ACCEPT_ALL_WALLET = "0x631626ba7e60e01b60005260206000f3";
/** Runtime code answering zero. */
const REJECT_ALL_WALLET = "0x60006000526020" + "6000f3";

describeBackends("API auth (SIWE + JWT)", function () {
  useRealIndex();
  let t: TestApp;
  let signer: Wallet;

  beforeEach(async function () {
    t = await makeApp();
    signer = Wallet.createRandom() as unknown as Wallet;
  });
  afterEach(async function () {
    await t.close();
  });

  /** A sign-in attempt: the message, its signature and the cookie sent with it ("" for none). */
  interface Attempt {
    message: string;
    signature: string;
    cookie: string;
  }
  async function verify({ message, signature, cookie }: Attempt) {
    return t.app.request("/auth/verify", jsonRequest("POST", { message, signature }, cookie ? { Cookie: cookie } : {}));
  }
  async function signed(fields: Partial<Parameters<typeof siweMessage>[0]> = {}): Promise<Attempt> {
    const { nonce, cookie } = await getNonce(t);
    const message = siweMessage({ address: signer.address, nonce, ...fields });
    return { message, signature: await signer.signMessage(message), cookie };
  }

  describe("GET /auth/nonce", function () {
    it("returns a random nonce with the fields the message must carry", async function () {
      const res = await t.app.request("/auth/nonce");
      expect(res.status).to.equal(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body.nonce).to.match(/^[0-9a-f]{32}$/);
      expect(body).to.include({ domain: "localhost:8000", uri: ORIGIN, chainId: 31337, version: "1" });
      expect(Date.parse(body.expiresAt as string) - t.clock.now).to.equal(5 * 60 * 1000);
      expect((await getNonce(t)).nonce).to.not.equal(body.nonce);
    });

    it("binds the nonce to this client with a short-lived HttpOnly cookie on /auth", async function () {
      const res = await t.app.request("/auth/nonce");
      const cookie = res.headers.getSetCookie().find((line) => line.startsWith("settle_siwe_nonce="));
      expect(cookie).to.include("HttpOnly").and.include("SameSite=Strict").and.include("Path=/auth").and.include("Max-Age=300");
    });

    it("is 503 without a deployment", async function () {
      const other = await makeApp({ deployment: null });
      const res = await other.app.request("/auth/nonce");
      expect(res.status).to.equal(503);
      expect(await errorCode(res)).to.equal("deployment_missing");
      await other.close();
    });
  });

  describe("POST /auth/verify", function () {
    it("signs in: bearer token, httpOnly SameSite=Strict cookie, user row created", async function () {
      const res = await verify(await signed());
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { token: string; tokenType: string; address: string };
      expect(body.tokenType).to.equal("Bearer");
      expect(body.address).to.equal(signer.address);
      const cookie = res.headers.getSetCookie().find((line) => line.startsWith("settle_session=")) ?? "";
      expect(cookie).to.include("HttpOnly").and.include("SameSite=Strict").and.not.include("Secure");
      const user = await t.db.selectFrom("users").selectAll().where("address", "=", signer.address).executeTakeFirst();
      expect(user?.last_sign_in_at).to.equal(t.clock.now);
    });

    it("sets a Secure cookie when the origin is HTTPS", async function () {
      const https = await makeApp({ env: { PUBLIC_ORIGIN: "https://pay.example.com" } });
      const { nonce, cookie } = await getNonce(https);
      const message = siweMessage({ address: signer.address, nonce, domain: "pay.example.com", uri: "https://pay.example.com/" });
      const res = await https.app.request(
        "/auth/verify",
        jsonRequest("POST", { message, signature: await signer.signMessage(message) }, { Cookie: cookie }),
      );
      expect(res.status).to.equal(200);
      expect(res.headers.getSetCookie().find((line) => line.startsWith("settle_session="))).to.include("Secure");
      await https.close();
    });

    const refusals: Array<[string, string, () => Promise<Attempt>]> = [
      ["a wrong domain", "siwe_domain_mismatch", () => signed({ domain: "evil.example.com" })],
      ["a wrong URI", "siwe_uri_mismatch", () => signed({ uri: "http://evil.example.com/login" })],
      ["a wrong chain", "siwe_chain_mismatch", () => signed({ chainId: 1 })],
      ["an expired message", "siwe_expired", () => signed({ expirationTime: new Date(Date.now() - 1000).toISOString() })],
      ["a message not yet valid", "siwe_not_yet_valid", () => signed({ notBefore: new Date(Date.now() + 3_600_000).toISOString() })],
      ["a message issued in the future", "siwe_not_yet_valid", () => signed({ issuedAt: new Date(Date.now() + 3_600_000).toISOString() })],
      [
        "an unknown nonce",
        "nonce_unknown",
        async () => {
          const message = siweMessage({ address: signer.address, nonce: "abcdef0123456789abcdef0123456789" });
          return { message, signature: await signer.signMessage(message), cookie: "" };
        },
      ],
      [
        "a tampered message",
        "invalid_signature",
        async () => {
          const attempt = await signed();
          return { ...attempt, message: attempt.message.replace("Sign in to Settle", "Sign in to Settle!") };
        },
      ],
      [
        "a signature by another key",
        "invalid_signature",
        async () => {
          const attempt = await signed();
          return { ...attempt, signature: await Wallet.createRandom().signMessage(attempt.message) };
        },
      ],
      ["a nonce without its cookie", "nonce_not_bound", async () => ({ ...(await signed()), cookie: "" })],
      [
        "a nonce with another client's cookie",
        "nonce_not_bound",
        async () => ({ ...(await signed()), cookie: (await getNonce(t)).cookie }),
      ],
    ];
    for (const [situation, code, build] of refusals) {
      it(`refuses ${situation} (401 ${code})`, async function () {
        const attempt = await build();
        const res = await verify(attempt);
        expect(res.status).to.equal(401);
        expect(await errorCode(res)).to.equal(code);
      });
    }

    it("burns the nonce on a failed attempt: the right signature afterwards is refused (401 nonce_used)", async function () {
      const attempt = await signed();
      const wrong = await verify({ ...attempt, signature: await Wallet.createRandom().signMessage(attempt.message) });
      expect(await errorCode(wrong)).to.equal("invalid_signature");
      const res = await verify(attempt);
      expect(res.status).to.equal(401);
      expect(await errorCode(res)).to.equal("nonce_used");
    });

    it("burns the nonce when another client tries it first", async function () {
      const attempt = await signed();
      expect(await errorCode(await verify({ ...attempt, cookie: "" }))).to.equal("nonce_not_bound");
      expect(await errorCode(await verify(attempt))).to.equal("nonce_used");
    });

    it("lets exactly one of two concurrent attempts with one nonce through", async function () {
      const attempt = await signed();
      const statuses = (await Promise.all([verify(attempt), verify(attempt)])).map((res) => res.status).sort();
      expect(statuses).to.deep.equal([200, 401]);
    });

    it("clears the nonce cookie after an attempt", async function () {
      const res = await verify(await signed());
      expect(cookiesOf(res)).to.include("settle_siwe_nonce=;");
    });

    it("refuses a reused nonce (401 nonce_used)", async function () {
      const attempt = await signed();
      expect((await verify(attempt)).status).to.equal(200);
      const res = await verify(attempt);
      expect(res.status).to.equal(401);
      expect(await errorCode(res)).to.equal("nonce_used");
    });

    it("refuses an expired nonce (401 nonce_expired)", async function () {
      const attempt = await signed();
      t.clock.now += 5 * 60 * 1000 + 1;
      const res = await verify(attempt);
      expect(res.status).to.equal(401);
      expect(await errorCode(res)).to.equal("nonce_expired");
    });

    for (const [kind, signature] of [
      ["not hex", "0xnothex"],
      ["no 0x prefix", "ab".repeat(65)],
      ["odd length", "0x123"],
    ] as const) {
      it(`refuses a malformed signature: ${kind} (400 invalid_signature_format)`, async function () {
        const res = await verify({ ...(await signed()), signature });
        expect(res.status).to.equal(400);
        expect(await errorCode(res)).to.equal("invalid_signature_format");
      });
    }

    it("refuses a well-formed signature of the wrong length (401 invalid_signature)", async function () {
      const res = await verify({ ...(await signed()), signature: "0x" + "12".repeat(64) });
      expect(res.status).to.equal(401);
      expect(await errorCode(res)).to.equal("invalid_signature");
    });

    it("refuses a message that is not EIP-4361 (400 invalid_siwe_message)", async function () {
      const res = await verify({ message: "hello", signature: "0x" + "12".repeat(65), cookie: "" });
      expect(res.status).to.equal(400);
      expect(await errorCode(res)).to.equal("invalid_siwe_message");
    });

    it("refuses a missing signature with the field error (400 validation_failed)", async function () {
      const { message } = await signed();
      const res = await t.app.request("/auth/verify", jsonRequest("POST", { message }));
      expect(res.status).to.equal(400);
      const body = (await res.json()) as { error: { code: string; details: Array<{ path: string }> } };
      expect(body.error.code).to.equal("validation_failed");
      expect(body.error.details.map((d) => d.path)).to.include("signature");
    });

    describe("with a smart-contract wallet (EIP-1271)", function () {
      const wallet = "0x000000000000000000000000000000000000c0de";
      afterEach(async function () {
        await t.real.node.rpc("hardhat_setCode", [wallet, "0x"]);
      });

      it("signs in when the wallet's isValidSignature accepts", async function () {
        await t.real.node.rpc("hardhat_setCode", [wallet, ACCEPT_ALL_WALLET]);
        const { nonce, cookie } = await getNonce(t);
        const message = siweMessage({ address: getAddress(wallet), nonce });
        const res = await verify({ message, signature: "0x" + "ab".repeat(100), cookie });
        expect(res.status).to.equal(200);
        expect(((await res.json()) as { address: string }).address).to.equal(getAddress(wallet));
      });

      it("refuses when the wallet's isValidSignature rejects", async function () {
        await t.real.node.rpc("hardhat_setCode", [wallet, REJECT_ALL_WALLET]);
        const { nonce, cookie } = await getNonce(t);
        const message = siweMessage({ address: getAddress(wallet), nonce });
        const res = await verify({ message, signature: "0x" + "ab".repeat(100), cookie });
        expect(res.status).to.equal(401);
        expect(await errorCode(res)).to.equal("invalid_signature");
      });
    });
  });

  describe("sessions", function () {
    it("GET /auth/me answers the address with the bearer token or the cookie", async function () {
      const { token, address, auth } = await signIn(t, signer);
      const bearer = await t.app.request("/auth/me", { headers: auth });
      expect(bearer.status).to.equal(200);
      expect(((await bearer.json()) as { address: string }).address).to.equal(address);
      const cookie = await t.app.request("/auth/me", { headers: { Cookie: `settle_session=${token}` } });
      expect(cookie.status).to.equal(200);
    });

    it("GET /auth/me is 401 without a token", async function () {
      const res = await t.app.request("/auth/me");
      expect(res.status).to.equal(401);
      expect(await errorCode(res)).to.equal("unauthenticated");
    });

    it("POST /auth/logout revokes the token and clears the cookie", async function () {
      const { auth } = await signIn(t, signer);
      const res = await t.app.request("/auth/logout", { method: "POST", headers: auth });
      expect(res.status).to.equal(204);
      expect(res.headers.get("set-cookie")).to.match(/settle_session=;/);
      const after = await t.app.request("/auth/me", { headers: auth });
      expect(after.status).to.equal(401);
      expect(await errorCode(after)).to.equal("session_revoked");
    });

    it("refuses an expired token", async function () {
      const { auth } = await signIn(t, signer);
      t.clock.now += 2 * 3600 * 1000;
      const res = await t.app.request("/auth/me", { headers: auth });
      expect(res.status).to.equal(401);
    });

    it("refuses a token signed with another algorithm or key, or with alg none", async function () {
      const { token, address } = await signIn(t, signer);
      const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
      const hs512 = await sign(payload, SECRET, "HS512");
      const otherKey = await sign(payload, "another-secret-another-secret-0123456789", "HS256");
      const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${token.split(".")[1]}.`;
      for (const bad of [hs512, otherKey, none, "garbage"]) {
        const res = await t.app.request("/auth/me", { headers: { Authorization: `Bearer ${bad}` } });
        expect(res.status, bad).to.equal(401);
      }
      expect(address).to.equal(signer.address);
    });

    it("refuses a malformed Authorization header", async function () {
      const res = await t.app.request("/auth/me", { headers: { Authorization: "Basic abc" } });
      expect(res.status).to.equal(401);
      expect(await errorCode(res)).to.equal("invalid_authorization");
    });
  });

  describe("rate limit", function () {
    it("answers 429 with Retry-After once an IP exceeds AUTH_RATE_LIMIT_PER_MINUTE on /auth/*", async function () {
      const limited = await makeApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "3" } });
      for (let i = 0; i < 3; i++) expect((await limited.app.request("/auth/nonce")).status).to.equal(200);
      const res = await limited.app.request("/auth/nonce");
      expect(res.status).to.equal(429);
      expect(await errorCode(res)).to.equal("rate_limited");
      expect(Number(res.headers.get("retry-after"))).to.be.within(1, 60);
      limited.clock.now += 60_000;
      expect((await limited.app.request("/auth/nonce")).status).to.equal(200);
      await limited.close();
    });
  });
});
