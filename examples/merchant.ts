/**
 * A merchant's back office talking to Settle, end to end:
 *
 * 1. gets an access token with OAuth2 client credentials (POST /oauth/token);
 * 2. registers a webhook endpoint served by this script on 127.0.0.1 (POST /webhooks);
 * 3. creates an invoice (POST /invoices) and sends the returned transaction with the merchant's key;
 * 4. plays the buyer (pays, then releases the funds) so that there is something to hear about;
 * 5. receives the signed webhooks (invoice.created, invoice.paid, invoice.released), checking each
 *    signature over the raw body before trusting it;
 * 6. reads the invoice back (GET /invoices/:id), downloads its PDF (GET /invoices/:id/document.pdf),
 *    and removes the endpoint.
 *
 * Run it against `npm start` (see README "Merchant example"):
 *   npx ts-node --transpile-only examples/merchant.ts
 * Environment: SETTLE_API (default http://localhost:8000), RPC_URL (default http://127.0.0.1:8545),
 * MERCHANT_PRIVATE_KEY and PAYER_PRIVATE_KEY (default Hardhat accounts 1 and 2), CLIENT_ID and
 * CLIENT_SECRET (when absent, the script signs in as the merchant and creates an API client),
 * CONFIRMATIONS (default 1: a local node mines only when there are transactions), PDF_DIR (where the
 * PDF goes, default the system's temporary folder). `--json` prints a
 * summary object at the end.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Interface, JsonRpcProvider, Wallet, ZeroAddress, parseEther } from "ethers";
import { SiweMessage } from "siwe";

const API = (process.env.SETTLE_API ?? "http://localhost:8000").replace(/\/$/, "");
const RPC_URL = process.env.RPC_URL ?? "http://127.0.0.1:8545";
const MERCHANT_KEY = process.env.MERCHANT_PRIVATE_KEY ?? "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const PAYER_KEY = process.env.PAYER_PRIVATE_KEY ?? "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const CONFIRMATIONS = Number(process.env.CONFIRMATIONS ?? "1");
const JSON_OUTPUT = process.argv.includes("--json");
const ESCROW = new Interface(["function payNative(uint256 id) payable", "function release(uint256 id, uint256 amount)"]);

/** A webhook as received: the raw body is what the signature covers. */
interface Webhook {
  id: string;
  type: string;
  data: { invoiceId: string; invoice: { status: string } };
}

const say = (line: string) => (JSON_OUTPUT ? process.stderr : process.stdout).write(`${line}\n`);

/**
 * Verifies `Settle-Signature: t=<unix>,v1=<hex>`: HMAC-SHA256 of `${t}.${rawBody}` with the
 * endpoint's secret, compared in constant time, and a timestamp at most five minutes old.
 */
export function verifySettleSignature(header: string | undefined, rawBody: string, secret: string): boolean {
  const fields = new Map((header ?? "").split(",").map((part) => part.split("=", 2) as [string, string]));
  const t = Number(fields.get("t"));
  const v1 = fields.get("v1") ?? "";
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300 || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}

/** fetch() that throws with the API's error body on a non-2xx answer. */
async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${API}${path}`, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Signs in as the merchant (SIWE) and creates an API client: what a merchant does once, in the web page or with curl. */
async function bootstrapClient(merchant: Wallet): Promise<{ clientId: string; clientSecret: string }> {
  // The nonce comes with a cookie that binds it to this client: POST /auth/verify needs it back.
  const issued = await fetch(`${API}/auth/nonce`);
  if (!issued.ok) throw new Error(`GET /auth/nonce: ${issued.status} ${await issued.text()}`);
  const nonce = (await issued.json()) as { nonce: string; domain: string; uri: string; chainId: number };
  const cookie = issued.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const message = new SiweMessage({
    domain: nonce.domain,
    address: merchant.address,
    uri: nonce.uri,
    version: "1",
    chainId: nonce.chainId,
    nonce: nonce.nonce,
    issuedAt: new Date().toISOString(),
    statement: "Sign in to Settle",
  }).prepareMessage();
  const { token } = await call<{ token: string }>("/auth/verify", {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: cookie },
    body: JSON.stringify({ message, signature: await merchant.signMessage(message) }),
  });
  const client = await call<{ clientId: string; clientSecret: string }>("/api-clients", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: "examples/merchant.ts", scopes: ["invoices:read", "invoices:write", "webhooks:manage"] }),
  });
  say(`created API client ${client.clientId} (keep its secret: it is shown once)`);
  return client;
}

/** Receives webhooks on 127.0.0.1; `next(type)` resolves with the first verified webhook of that type. */
async function startReceiver(secret: () => string) {
  const received: Webhook[] = [];
  const waiting: Array<{ type: string; invoiceId: string; resolve: (w: Webhook) => void }> = [];
  let rejected = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      if (!verifySettleSignature(req.headers["settle-signature"] as string | undefined, raw, secret())) {
        rejected += 1;
        res.writeHead(400).end("bad signature");
        return;
      }
      const webhook = JSON.parse(raw) as Webhook;
      res.writeHead(200).end("ok");
      if (received.some((w) => w.id === webhook.id)) return; // at least once: the id makes redeliveries harmless
      received.push(webhook);
      say(`webhook ${webhook.type} for invoice ${webhook.data.invoiceId} (${webhook.id}): signature verified`);
      for (const w of waiting.filter((w) => w.type === webhook.type && w.invoiceId === webhook.data.invoiceId)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(webhook);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(Number(process.env.WEBHOOK_PORT ?? 0), "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/settle`,
    received,
    rejected: () => rejected,
    next(type: string, invoiceId: string, timeoutMs = 120_000): Promise<Webhook> {
      const seen = received.find((w) => w.type === type && w.data.invoiceId === invoiceId);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${type} webhook for invoice ${invoiceId} within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
        waiting.push({ type, invoiceId, resolve: (w) => (clearTimeout(timer), resolve(w)) });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The whole walk-through; returns a summary. */
export async function main(): Promise<Record<string, unknown>> {
  // No response cache: two transactions from one key within 250 ms must see the first one's nonce.
  const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const merchant = new Wallet(MERCHANT_KEY, provider);
  const payer = new Wallet(PAYER_KEY, provider);
  const credentials =
    process.env.CLIENT_ID && process.env.CLIENT_SECRET
      ? { clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET }
      : await bootstrapClient(merchant);

  // 1. Client credentials -> bearer token (HTTP Basic, form body).
  const basic = Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString(
    "base64",
  );
  const token = await call<{ access_token: string; expires_in: number; scope: string }>("/oauth/token", {
    method: "POST",
    headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  say(`access token for ${token.expires_in} s with scopes: ${token.scope}`);
  const auth = { Authorization: `Bearer ${token.access_token}` };

  // 2. A webhook endpoint on this machine.
  let secret = "";
  const receiver = await startReceiver(() => secret);
  const endpoint = await call<{ id: string; secret: string }>("/webhooks", {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({
      url: receiver.url,
      events: ["invoice.created", "invoice.paid", "invoice.released"],
      confirmations: CONFIRMATIONS,
    }),
  });
  secret = endpoint.secret;
  say(`webhook endpoint ${endpoint.id} -> ${receiver.url}`);

  try {
    // 3. An invoice, and its createInvoice transaction sent with the merchant's key.
    const amount = parseEther("0.5");
    const draft = await call<{ id: string; reference: string; transaction: { to: string; data: string; value: string } }>("/invoices", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json", "Idempotency-Key": `example-${Date.now()}` },
      body: JSON.stringify({
        token: ZeroAddress,
        payer: payer.address,
        dueDate: new Date(Date.now() + 14 * 86_400_000).toISOString(),
        lineItems: [{ description: "Example order", quantity: 1, unitPrice: amount.toString() }],
      }),
    });
    const sent = await merchant.sendTransaction({
      to: draft.transaction.to,
      data: draft.transaction.data,
      value: BigInt(draft.transaction.value),
    });
    await sent.wait();
    say(`invoice draft ${draft.id} sent on chain in ${sent.hash}`);
    const invoiceId = await waitForOnchainId(draft.id, auth);
    await receiver.next("invoice.created", invoiceId);

    // 4. The buyer pays and releases (in real life: the web page, with MetaMask).
    const escrow = draft.transaction.to;
    await (await payer.sendTransaction({ to: escrow, data: ESCROW.encodeFunctionData("payNative", [invoiceId]), value: amount })).wait();
    await receiver.next("invoice.paid", invoiceId);
    await (await payer.sendTransaction({ to: escrow, data: ESCROW.encodeFunctionData("release", [invoiceId, amount]) })).wait();
    const released = await receiver.next("invoice.released", invoiceId);

    // 5. The invoice as the API sees it now.
    const invoice = await call<{ onchain: { status: string }; detailsMatch: boolean }>(`/invoices/${invoiceId}`, { headers: auth });
    say(`invoice ${invoiceId} is ${invoice.onchain.status}; details match the chain: ${invoice.detailsMatch}`);

    // 6. Its PDF, for the accounts.
    const pdf = await fetch(`${API}/invoices/${invoiceId}/document.pdf`, { headers: auth });
    if (!pdf.ok) throw new Error(`GET /invoices/${invoiceId}/document.pdf: ${pdf.status} ${await pdf.text()}`);
    const pdfPath = join(process.env.PDF_DIR ?? tmpdir(), `settle-invoice-${invoiceId}.pdf`);
    writeFileSync(pdfPath, Buffer.from(await pdf.arrayBuffer()));
    say(`invoice PDF saved to ${pdfPath}`);
    return {
      invoiceId,
      status: invoice.onchain.status,
      detailsMatch: invoice.detailsMatch,
      webhooks: receiver.received.map((w) => ({ id: w.id, type: w.type })),
      rejectedWebhooks: receiver.rejected(),
      releasedWebhookStatus: released.data.invoice.status,
      pdfPath,
    };
  } finally {
    await call(`/webhooks/${endpoint.id}`, { method: "DELETE", headers: auth });
    await receiver.close();
    provider.destroy();
  }
}

/** Polls GET /invoices/:draftId until the index has linked the draft to its on-chain id. */
async function waitForOnchainId(draftId: string, auth: Record<string, string>): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`${API}/invoices/${draftId}`, { headers: auth });
    if (res.ok) {
      const body = (await res.json()) as { onchain: { id: string } | null };
      if (body.onchain) return body.onchain.id;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`invoice draft ${draftId} never appeared on chain`);
}

if (require.main === module) {
  main().then(
    (summary) => {
      if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify(summary)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`merchant example failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
