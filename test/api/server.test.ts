import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { expect } from "chai";
import { type TestApp, cookiesOf, makeApp, siweMessage } from "../helpers/api-app";
import { useRealIndex } from "../helpers/real-index";
import { rawExchange } from "../helpers/raw-http";

/** POSTs `chunks` with Transfer-Encoding: chunked (no Content-Length) and returns status and body. */
function chunkedPost(port: number, path: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method: "POST", headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "EPIPE" || err.code === "ECONNRESET" ? undefined : reject(err)));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe("API over a real HTTP server", function () {
  useRealIndex();
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let base: string;

  before(async function () {
    t = await makeApp({ env: { BODY_LIMIT_BYTES: "4096" } });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it("signs in a Hardhat account with a real signature, then uses the cookie and the bearer token", async function () {
    const account = t.real.merchant;
    const issued = await fetch(`${base}/auth/nonce`);
    const { nonce } = (await issued.json()) as { nonce: string };
    const message = siweMessage({ address: account!.address, nonce, issuedAt: new Date(t.clock.now).toISOString() });
    const signature = await account!.signMessage(message);
    const res = await fetch(`${base}/auth/verify`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: cookiesOf(issued) },
      body: JSON.stringify({ message, signature }),
    });
    expect(res.status).to.equal(200);
    const { token } = (await res.json()) as { token: string };
    const cookie = res.headers
      .getSetCookie()
      .find((line) => line.startsWith("settle_session="))!
      .split(";")[0]!;
    const viaCookie = await fetch(`${base}/users/me`, { headers: { Cookie: cookie } });
    expect(viaCookie.status).to.equal(200);
    expect(((await viaCookie.json()) as { address: string }).address).to.equal(account!.address);
    const viaBearer = await fetch(`${base}/auth/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(viaBearer.status).to.equal(200);
  });

  it("answers 413 to a chunked request body without Content-Length over the limit", async function () {
    const { status, body } = await chunkedPost(
      Number(new URL(base).port),
      "/auth/verify",
      Array.from({ length: 10 }, () => "x".repeat(1000)),
    );
    expect(status).to.equal(413);
    expect((JSON.parse(body) as { error: { code: string } }).error.code).to.equal("payload_too_large");
  });

  describe("two requests on one raw connection", function () {
    const port = () => Number(new URL(base).port);
    const second = "GET /openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n";

    it("answers 413 to a 200 KiB body sent slowly with Connection: close, then closes the connection", async function () {
      const body = "x".repeat(200 * 1024);
      const head = `POST /auth/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
      const slices = Array.from({ length: 4 }, (_, i) => body.slice(i * 51_200, (i + 1) * 51_200));
      const { responses, closedByServer } = await rawExchange(port(), [head, ...slices, second], 300);
      expect(responses).to.have.length(1);
      expect(responses[0]!.status).to.equal(413);
      expect(responses[0]!.headers.connection).to.equal("close");
      expect((JSON.parse(responses[0]!.body) as { error: { code: string } }).error.code).to.equal("payload_too_large");
      expect(closedByServer).to.equal(true);
    });

    it("keeps the connection usable after an ordinary 400", async function () {
      const body = '{"message":"hello"}';
      const first = `POST /auth/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      const { responses } = await rawExchange(port(), [first, second.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")], 50);
      expect(responses.map((r) => r.status)).to.deep.equal([400, 200]);
      expect(responses[0]!.headers.connection).to.equal("keep-alive");
    });
  });

  it("accepts a small chunked request body and validates it", async function () {
    const { status, body } = await chunkedPost(Number(new URL(base).port), "/auth/verify", ['{"message":', '"hello"}']);
    expect(status).to.equal(400);
    expect((JSON.parse(body) as { error: { code: string } }).error.code).to.equal("validation_failed");
  });
});
