import { expect } from "chai";
import { Wallet } from "ethers";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";

interface Created {
  clientId: string;
  clientSecret: string | null;
  scopes: string[];
}

const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
const DRAFT = {
  token: "0x0000000000000000000000000000000000000000",
  dueDate: "2040-01-01T00:00:00Z",
  lineItems: [{ description: "Consulting", quantity: 2, unitPrice: "1000" }],
};

describeBackends("API clients and the OAuth2 token endpoint", function () {
  let t: TestApp;
  let owner: { token: string; address: string; auth: Record<string, string> };

  beforeEach(async function () {
    t = await makeApp();
    owner = await signIn(t, Wallet.createRandom());
  });
  afterEach(async function () {
    await t.close();
  });

  async function createClient(scopes: string[], headers: Record<string, string> = {}): Promise<Created> {
    const res = await t.app.request("/api-clients", jsonRequest("POST", { name: "Shop", scopes }, { ...owner.auth, ...headers }));
    expect(res.status, await res.clone().text()).to.equal(201);
    return (await res.json()) as Created;
  }

  async function token(body: string | object, headers: Record<string, string> = FORM): Promise<Response> {
    return t.app.request("/oauth/token", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers });
  }

  async function accessToken(client: Created, scope?: string): Promise<string> {
    const res = await token(`grant_type=client_credentials${scope ? `&scope=${encodeURIComponent(scope)}` : ""}`, {
      ...FORM,
      Authorization: basic(client.clientId, client.clientSecret!),
    });
    expect(res.status, await res.clone().text()).to.equal(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  async function oauthError(res: Response): Promise<string> {
    const body = (await res.json()) as { error: unknown; error_description: unknown };
    expect(body.error_description).to.be.a("string");
    return body.error as string;
  }

  describe("/api-clients", function () {
    it("creates a client whose secret is shown once and stored only as a scrypt hash", async function () {
      const client = await createClient(["invoices:write", "invoices:read"]);
      expect(client.clientId).to.match(/^sc_[0-9a-f]{24}$/);
      expect(client.clientSecret).to.match(/^scs_[A-Za-z0-9_-]{43}$/);
      expect(client.scopes).to.deep.equal(["invoices:read", "invoices:write"]);
      const row = await t.db.selectFrom("api_clients").selectAll().where("id", "=", client.clientId).executeTakeFirstOrThrow();
      expect(row.owner).to.equal(owner.address);
      expect(row.secret_hash).to.match(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
      expect(row.secret_hash).to.not.contain(client.clientSecret!.slice(4));

      const list = await t.app.request("/api-clients", { headers: owner.auth });
      const { items } = (await list.json()) as { items: Array<Record<string, unknown>> };
      expect(items).to.have.length(1);
      expect(items[0]!.clientId).to.equal(client.clientId);
      expect(JSON.stringify(items)).to.not.contain("scs_");
      expect(JSON.stringify(items)).to.not.contain("scrypt");
    });

    it("lists only the caller's clients", async function () {
      await createClient(["invoices:read"]);
      const stranger = await signIn(t, Wallet.createRandom());
      const list = await t.app.request("/api-clients", { headers: stranger.auth });
      expect(((await list.json()) as { items: unknown[] }).items).to.deep.equal([]);
    });

    it("refuses unknown or repeated scopes and an empty name", async function () {
      for (const body of [
        { name: "x", scopes: ["invoices:delete"] },
        { name: "x", scopes: ["invoices:read", "invoices:read"] },
        { name: "x", scopes: [] },
        { name: " ", scopes: ["invoices:read"] },
      ]) {
        const res = await t.app.request("/api-clients", jsonRequest("POST", body, owner.auth));
        expect(res.status).to.equal(400);
        expect(await errorCode(res)).to.equal("validation_failed");
      }
    });

    it("replays an Idempotency-Key without the secret, and refuses the key with another body", async function () {
      const first = await createClient(["invoices:read"], { "Idempotency-Key": "client-1" });
      const replay = await t.app.request(
        "/api-clients",
        jsonRequest("POST", { name: "Shop", scopes: ["invoices:read"] }, { ...owner.auth, "Idempotency-Key": "client-1" }),
      );
      expect(replay.status).to.equal(201);
      expect(replay.headers.get("Idempotent-Replayed")).to.equal("true");
      const replayed = (await replay.json()) as Created;
      expect(replayed.clientId).to.equal(first.clientId);
      expect(replayed.clientSecret).to.equal(null);
      const stored = await t.db.selectFrom("idempotency_keys").select("response_body").executeTakeFirstOrThrow();
      expect(stored.response_body).to.not.contain(first.clientSecret!);
      const reused = await t.app.request(
        "/api-clients",
        jsonRequest("POST", { name: "Other", scopes: ["invoices:read"] }, { ...owner.auth, "Idempotency-Key": "client-1" }),
      );
      expect(reused.status).to.equal(409);
      expect(await errorCode(reused)).to.equal("idempotency_key_reused");
      expect(await t.db.selectFrom("api_clients").select("id").execute()).to.have.length(1);
    });

    it("needs a signed-in user: no session is 401, a client token is 403", async function () {
      expect((await t.app.request("/api-clients")).status).to.equal(401);
      const access = await accessToken(await createClient(["invoices:read", "webhooks:manage"]));
      const res = await t.app.request("/api-clients", { headers: { Authorization: `Bearer ${access}` } });
      expect(res.status).to.equal(403);
      expect(await errorCode(res)).to.equal("session_required");
    });

    it("revokes a client: no new token, and the tokens already issued stop working", async function () {
      const client = await createClient(["invoices:read"]);
      const access = await accessToken(client);
      const bearer = { Authorization: `Bearer ${access}` };
      expect((await t.app.request("/invoices", { headers: bearer })).status).to.not.be.oneOf([401, 403]);

      const revoked = await t.app.request(`/api-clients/${client.clientId}`, { method: "DELETE", headers: owner.auth });
      expect(revoked.status).to.equal(204);
      const after = await t.app.request("/invoices", { headers: bearer });
      expect(after.status).to.equal(401);
      expect(await errorCode(after)).to.equal("client_revoked");
      const again = await token(`grant_type=client_credentials`, { ...FORM, Authorization: basic(client.clientId, client.clientSecret!) });
      expect(again.status).to.equal(401);
      expect(await oauthError(again)).to.equal("invalid_client");
      const list = (await (await t.app.request("/api-clients", { headers: owner.auth })).json()) as {
        items: Array<{ revokedAt: unknown }>;
      };
      expect(list.items[0]!.revokedAt).to.be.a("string");
      const twice = await t.app.request(`/api-clients/${client.clientId}`, { method: "DELETE", headers: owner.auth });
      expect(twice.status).to.equal(404);
    });

    it("does not let another user revoke a client", async function () {
      const client = await createClient(["invoices:read"]);
      const stranger = await signIn(t, Wallet.createRandom());
      const res = await t.app.request(`/api-clients/${client.clientId}`, { method: "DELETE", headers: stranger.auth });
      expect(res.status).to.equal(404);
      await accessToken(client);
    });
  });

  describe("POST /oauth/token", function () {
    let client: Created;
    beforeEach(async function () {
      client = await createClient(["invoices:read", "invoices:write", "transactions:read"]);
    });

    it("issues a Bearer JWT with HTTP Basic and a form body", async function () {
      const res = await token("grant_type=client_credentials", { ...FORM, Authorization: basic(client.clientId, client.clientSecret!) });
      expect(res.status).to.equal(200);
      expect(res.headers.get("Cache-Control")).to.equal("no-store");
      const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
      expect(body.token_type).to.equal("Bearer");
      expect(body.expires_in).to.equal(900);
      expect(body.scope).to.equal("invoices:read invoices:write transactions:read");
      const [header, payload] = body.access_token
        .split(".")
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>);
      expect(header!.alg).to.equal("HS256");
      expect(payload!.sub).to.equal(owner.address);
      expect(payload!.cid).to.equal(client.clientId);
      expect(payload!.scope).to.equal(body.scope);
      expect((payload!.exp as number) - (payload!.iat as number)).to.equal(900);
    });

    it("accepts credentials in a JSON body and in a form body", async function () {
      const json = await token(
        { grant_type: "client_credentials", client_id: client.clientId, client_secret: client.clientSecret },
        { "Content-Type": "application/json" },
      );
      expect(json.status).to.equal(200);
      const form = await token(
        `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${encodeURIComponent(client.clientSecret!)}`,
      );
      expect(form.status).to.equal(200);
    });

    it("narrows the scope on request and refuses a scope the client was not granted", async function () {
      const narrowed = await token(`grant_type=client_credentials&scope=invoices%3Aread`, {
        ...FORM,
        Authorization: basic(client.clientId, client.clientSecret!),
      });
      expect(((await narrowed.json()) as { scope: string }).scope).to.equal("invoices:read");
      for (const scope of ["webhooks:manage", "invoices:read admin", ""]) {
        const res = await token(`grant_type=client_credentials&scope=${encodeURIComponent(scope)}`, {
          ...FORM,
          Authorization: basic(client.clientId, client.clientSecret!),
        });
        expect(res.status, scope).to.equal(400);
        expect(await oauthError(res)).to.equal("invalid_scope");
      }
    });

    it("answers invalid_client 401 with WWW-Authenticate for bad Basic credentials", async function () {
      for (const authorization of [
        basic(client.clientId, "scs_wrong"),
        basic("sc_000000000000000000000000", client.clientSecret!),
        "Basic !!!",
        `Basic ${Buffer.from("no-colon").toString("base64")}`,
      ]) {
        const res = await token("grant_type=client_credentials", { ...FORM, Authorization: authorization });
        expect(res.status, authorization).to.equal(401);
        expect(res.headers.get("WWW-Authenticate")).to.match(/^Basic realm="settle"/);
        expect(await oauthError(res)).to.equal("invalid_client");
      }
    });

    it("answers invalid_client 401 without WWW-Authenticate for bad or missing body credentials", async function () {
      for (const body of [
        `grant_type=client_credentials&client_id=${client.clientId}&client_secret=scs_wrong`,
        `grant_type=client_credentials&client_id=${client.clientId}`,
        `grant_type=client_credentials`,
      ]) {
        const res = await token(body);
        expect(res.status, body).to.equal(401);
        expect(res.headers.get("WWW-Authenticate")).to.equal(null);
        expect(await oauthError(res)).to.equal("invalid_client");
      }
    });

    it("answers unsupported_grant_type for any other grant", async function () {
      const res = await token("grant_type=password&username=a&password=b", {
        ...FORM,
        Authorization: basic(client.clientId, client.clientSecret!),
      });
      expect(res.status).to.equal(400);
      expect(await oauthError(res)).to.equal("unsupported_grant_type");
    });

    it("answers invalid_request for a missing grant, repeated parameters, two auth methods, bad JSON or another media type", async function () {
      const auth = { ...FORM, Authorization: basic(client.clientId, client.clientSecret!) };
      const cases: Array<[string, Record<string, string>]> = [
        ["scope=invoices%3Aread", auth],
        ["grant_type=client_credentials&grant_type=client_credentials", auth],
        [`grant_type=client_credentials&client_id=${client.clientId}&client_secret=x`, auth],
        ["{not json", { "Content-Type": "application/json" }],
        ['{"grant_type": 1}', { "Content-Type": "application/json" }],
        ["grant_type=client_credentials", { "Content-Type": "text/plain" }],
      ];
      for (const [body, headers] of cases) {
        const res = await token(body, headers);
        expect(res.status, body).to.equal(400);
        expect(await oauthError(res)).to.equal("invalid_request");
      }
    });

    it("is rate-limited like /auth/*", async function () {
      const limited = await makeApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: "2" } });
      try {
        const statuses = [];
        for (let i = 0; i < 3; i++)
          statuses.push((await limited.app.request("/oauth/token", { method: "POST", body: "", headers: FORM })).status);
        expect(statuses).to.deep.equal([400, 400, 429]);
      } finally {
        await limited.close();
      }
    });
  });

  describe("the token on the API's routes", function () {
    it("acts as the owner with its scopes: creates an invoice for the owner", async function () {
      const access = await accessToken(await createClient(["invoices:write"]));
      const res = await t.app.request(
        "/invoices",
        jsonRequest("POST", DRAFT, { Authorization: `Bearer ${access}`, "Idempotency-Key": "inv-1" }),
      );
      expect(res.status, await res.clone().text()).to.equal(201);
      const created = (await res.json()) as { id: string; merchant: string };
      expect(created.merchant).to.equal(owner.address);
      const replay = await t.app.request(
        "/invoices",
        jsonRequest("POST", DRAFT, { Authorization: `Bearer ${access}`, "Idempotency-Key": "inv-1" }),
      );
      expect(replay.headers.get("Idempotent-Replayed")).to.equal("true");
      expect(((await replay.json()) as { id: string }).id).to.equal(created.id);
    });

    it("answers 403 naming the missing scope", async function () {
      const access = await accessToken(await createClient(["invoices:read"]));
      const bearer = { Authorization: `Bearer ${access}` };
      const cases: Array<[string, RequestInit, string]> = [
        ["/invoices", jsonRequest("POST", DRAFT, bearer), "invoices:write"],
        ["/invoices/1/transactions", jsonRequest("POST", { action: "pay" }, bearer), "invoices:write"],
        ["/transactions", { headers: bearer }, "transactions:read"],
        ["/webhooks", { headers: bearer }, "webhooks:manage"],
      ];
      for (const [path, init, scope] of cases) {
        const res = await t.app.request(path, init);
        expect(res.status, path).to.equal(403);
        const body = (await res.json()) as { error: { code: string; message: string; details: { requiredScope: string } } };
        expect(body.error.code).to.equal("insufficient_scope");
        expect(body.error.message).to.contain(scope);
        expect(body.error.details.requiredScope).to.equal(scope);
        expect(res.headers.get("WWW-Authenticate")).to.equal(`Bearer error="insufficient_scope", scope="${scope}"`);
      }
    });

    it("opens the invoice's PDF with invoices:read, and not without it", async function () {
      const merchantSession = await signIn(t, t.real.merchant);
      const tokenFor = async (scopes: string[]) => {
        const res = await t.app.request("/api-clients", jsonRequest("POST", { name: "docs", scopes }, merchantSession.auth));
        return accessToken((await res.json()) as Created);
      };
      const path = `/invoices/${t.real.invoices.released}/document.pdf`;
      const allowed = await t.app.request(path, { headers: { Authorization: `Bearer ${await tokenFor(["invoices:read"])}` } });
      expect(allowed.status).to.equal(200);
      expect(
        Buffer.from(await allowed.arrayBuffer())
          .subarray(0, 5)
          .toString("latin1"),
      ).to.equal("%PDF-");
      const refused = await t.app.request(path, { headers: { Authorization: `Bearer ${await tokenFor(["webhooks:manage"])}` } });
      expect(refused.status).to.equal(403);
      expect(await errorCode(refused)).to.equal("insufficient_scope");
    });

    it("refuses a token whose signature, algorithm or client is wrong", async function () {
      const access = await accessToken(await createClient(["invoices:read"]));
      const [h, p] = access.split(".");
      const payload = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
      const forged = [
        `${h}.${Buffer.from(JSON.stringify({ ...payload, scope: "invoices:read invoices:write" })).toString("base64url")}.${access.split(".")[2]}`,
        `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${p}.`,
        access.slice(0, -2) + (access.endsWith("AA") ? "BB" : "AA"),
      ];
      for (const bad of forged) {
        const res = await t.app.request("/invoices", { headers: { Authorization: `Bearer ${bad}` } });
        expect(res.status).to.equal(401);
        expect(await errorCode(res)).to.equal("invalid_token");
      }
    });
  });
});
