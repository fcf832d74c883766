/**
 * `npm run bench:api`: throughput and latency of the API's hot reads, measured with autocannon
 * against the real server (createApp + @hono/node-server) in this process, next to a bare Hono
 * route served by the same process as the baseline. Writes bench/results/api.json:
 * `{ "<route>": { rps, p50Ms, p99Ms }, "baseline": {...}, "meta": {...} }`.
 *
 * The index: INDEX_DB_PATH (an index built by the real indexer, e.g. after `npm run bench:indexer`,
 * with BENCH_ACCOUNT the address whose history to page) or, by default, a Ponder-layout SQLite file
 * generated here with BENCH_ROWS (default 50,000) History rows for one account, in Ponder 0.6's
 * encoding (79-character bigint text, BLOB hex) and with the indexer's History indexes, read through
 * the indexer's read module like in production.
 *
 * Environment: BENCH_SECONDS (default 10) per route, BENCH_CONNECTIONS (default 10).
 * Targets: GET /transactions ≥ 40 % of the baseline's rps, p99 ≤ 25 ms. GET /transactions is
 * measured as served (repeated pages come from the 1 s page cache, HISTORY_CACHE_MS) and with the
 * cache off (every request queries the index), both reported.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { Wallet } from "ethers";
import { Hono } from "hono";
import pino from "pino";
import { SiweMessage } from "siwe";
import { createApp } from "../api/app";
import { loadConfig } from "../api/config";
import { migrateToLatest, openAppDb } from "../api/db";
import type { Chain } from "../api/lib/chain";
import { loadAbis, staticDeployment } from "../api/lib/deployment";
import { openIndex } from "../api/lib/index-source";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const ORIGIN = "http://localhost:8000";

/** One route's figures. */
export interface RouteResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

const enc = (v: bigint) => "0" + v.toString().padStart(78, "0");
const hex = (s: string) => Buffer.from(s.slice(2), "hex");

/** Writes a Ponder-0.6-layout index with `rows` History rows for `account`; returns the head block. */
function buildSyntheticIndex(path: string, account: string, rows: number): number {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec(`
    CREATE TABLE "_ponder_meta" (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE "History" (id TEXT PRIMARY KEY, account BLOB NOT NULL, counterparty BLOB, kind TEXT NOT NULL, token BLOB NOT NULL,
      amount VARCHAR(79) NOT NULL, "invoiceId" VARCHAR(79), "txHash" BLOB NOT NULL, "logIndex" INTEGER NOT NULL,
      "blockNumber" VARCHAR(79) NOT NULL, timestamp VARCHAR(79) NOT NULL);
    CREATE INDEX "History_accountIdIndex" ON "History" (account, id);
    CREATE INDEX "History_accountTimeIndex" ON "History" (account, timestamp);
    CREATE INDEX "History_invoiceIndex" ON "History" ("invoiceId", id);
    CREATE INDEX "History_txHashIndex" ON "History" ("txHash");
    CREATE TABLE "Stake" (id BLOB PRIMARY KEY, token BLOB, balance TEXT, "totalStaked" TEXT, "totalWithdrawn" TEXT, "rewardsToken" BLOB,
      "rewardsClaimed" TEXT, "updatedBlock" TEXT, "updatedTimestamp" TEXT);
  `);
  // One invoice (#1, the bench account as merchant) in the indexer's Invoice layout.
  db.exec(`CREATE TABLE "Invoice" (id VARCHAR(79) PRIMARY KEY, merchant BLOB NOT NULL, payer BLOB, token BLOB NOT NULL, arbiter BLOB,
    amount VARCHAR(79), paid VARCHAR(79), released VARCHAR(79), refunded VARCHAR(79), fees VARCHAR(79), held VARCHAR(79), reference BLOB,
    "dueDate" VARCHAR(79), "disputeWindow" INTEGER, "feeBps" INTEGER, "paidAt" VARCHAR(79), "disputedAt" VARCHAR(79), "disputeTimeoutAt" VARCHAR(79),
    "settlementProposer" BLOB, "settlementToMerchant" VARCHAR(79), state TEXT, status TEXT, "createdBlock" VARCHAR(79), "createdTimestamp" VARCHAR(79),
    "createdTxHash" BLOB, "updatedBlock" VARCHAR(79), "updatedTimestamp" VARCHAR(79), "eventCount" INTEGER);
    CREATE INDEX "Invoice_referenceIndex" ON "Invoice" (reference);`);
  db.prepare(
    `INSERT INTO "Invoice" VALUES (?, ?, NULL, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, 604800, 100, NULL, NULL, NULL, NULL, NULL, 'open', 'open', ?, ?, ?, ?, ?, 1)`,
  ).run(
    enc(1n),
    hex(account.toLowerCase()),
    hex("0x" + "5f".repeat(20)),
    enc(1000n),
    enc(0n),
    enc(0n),
    enc(0n),
    enc(0n),
    enc(0n),
    hex("0x" + "11".repeat(32)),
    enc(4_000_000_000n),
    enc(1n),
    enc(1_700_000_002n),
    hex("0x" + "22".repeat(32)),
    enc(1n),
    enc(1_700_000_002n),
  );
  const kinds = ["transfer_in", "transfer_out", "staked", "withdrawn", "invoice_paid", "released"];
  const insert = db.prepare(`INSERT INTO "History" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const other = "0x" + "ab".repeat(20);
  const token = "0x" + "5f".repeat(20);
  const write = db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const block = BigInt(1 + Math.floor(i / 4));
      const logIndex = i % 4;
      const kind = kinds[i % kinds.length]!;
      const id = `${block.toString().padStart(12, "0")}-${String(logIndex).padStart(6, "0")}-${kind}-${account.slice(2).toLowerCase()}`;
      // Half the rows belong to other accounts, as in a real history.
      const who = i % 2 === 0 ? account : other;
      insert.run(
        id,
        hex(who.toLowerCase()),
        hex(other),
        kind,
        hex(token),
        enc(BigInt(i) * 10n ** 15n),
        i % 3 === 0 ? enc(BigInt(i % 97)) : null,
        hex("0x" + i.toString(16).padStart(64, "0")),
        logIndex,
        enc(block),
        enc(1_700_000_000n + block * 2n),
      );
    }
  });
  write();
  const head = 1 + Math.floor(rows / 4);
  db.prepare(`INSERT INTO "_ponder_meta" VALUES ('status', ?)`).run(
    JSON.stringify({ localhost: { ready: true, block: { number: head, timestamp: 1_700_000_000 + head * 2 } } }),
  );
  db.close();
  return head;
}

function run(url: string, headers: Record<string, string> = {}): Promise<RouteResult & { non2xx: number }> {
  return new Promise((resolve, reject) => {
    // The load generator runs in a worker thread so that the server keeps the main thread to itself.
    autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers, workers: 1 } as autocannon.Options, (err, result) => {
      if (err) return reject(err);
      resolve({ rps: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx });
    });
  });
}

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "settle-bench-api-"));
  const wallet = Wallet.createRandom();
  let indexPath = process.env.INDEX_DB_PATH;
  let account = process.env.BENCH_ACCOUNT ?? wallet.address;
  let head = Number(process.env.BENCH_HEAD ?? 0);
  if (!indexPath) {
    indexPath = join(dir, "public.db");
    account = wallet.address;
    head = buildSyntheticIndex(indexPath, account, ROWS);
    console.log(`synthetic index: ${ROWS} History rows (${ROWS / 2} for the bench account), head block ${head}`);
  }
  const config = loadConfig({
    PUBLIC_ORIGIN: ORIGIN,
    APP_DB_PATH: join(dir, "app.sqlite"),
    INDEX_DB_PATH: indexPath,
    JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
    LOG_LEVEL: "silent",
    AUTH_RATE_LIMIT_PER_MINUTE: "100000",
  });
  const db = openAppDb(config.appDbPath);
  await migrateToLatest(db);
  const index = openIndex(indexPath);
  const chain: Chain = {
    blockNumber: async () => head,
    getReceipt: async () => null,
    getTransaction: async () => null,
    getCode: async () => "0x",
    call: async () => "0x",
  };
  const deployment = {
    chainId: 31337,
    network: "localhost",
    abiHash: "0x",
    contracts: {
      SettleToken: { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", deployBlock: 1, txHash: "0x" },
      StakingRewards: { address: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", deployBlock: 1, txHash: "0x" },
      PaymentEscrow: { address: "0x9fe46736679d2D9A65F0992f32b2E0E8Ef7B7C20", deployBlock: 1, txHash: "0x" },
    },
  };
  // Production-like logging (one JSON line per request), written to /dev/null.
  const logger = pino({ level: "info" }, pino.destination({ dest: process.env.BENCH_LOG ?? "/dev/null", sync: false }));
  const deps = {
    config,
    jwtSecret: config.jwtSecret!,
    db,
    chain,
    deployment: staticDeployment(deployment),
    abis: loadAbis(),
    index,
    logger,
  };
  const app = createApp(deps);
  const api = await listen(app.fetch);
  // The same app with the history page cache off: every request reads the index.
  const uncachedApp = createApp({ ...deps, config: { ...config, historyCacheMs: 0 } });
  const uncached = await listen(uncachedApp.fetch);
  const bare = new Hono().get("/", (c) => c.json({ ok: true }));
  // Same-size control: a bare route answering a page-sized body (set after the probe below).
  let pageBody = "";
  bare.get("/page", (c) => c.body(pageBody, 200, { "Content-Type": "application/json" }));
  const baselineServer = await listen(bare.fetch);

  // Sign in (a real SIWE signature) and create a draft to read back.
  const { nonce } = (await (await fetch(`${api.url}/auth/nonce`)).json()) as { nonce: string };
  const message = new SiweMessage({
    domain: "localhost:8000",
    address: wallet.address,
    uri: ORIGIN,
    version: "1",
    chainId: 31337,
    nonce,
    issuedAt: new Date().toISOString(),
  }).prepareMessage();
  const signIn = await fetch(`${api.url}/auth/verify`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message, signature: await wallet.signMessage(message) }),
  });
  const { token } = (await signIn.json()) as { token: string };
  const auth = { Authorization: `Bearer ${token}` };
  const draft = await fetch(`${api.url}/invoices`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({
      token: deployment.contracts.SettleToken.address,
      dueDate: new Date(Date.now() + 86400_000).toISOString(),
      lineItems: [{ description: "Bench", quantity: 1, unitPrice: "1000" }],
    }),
  });
  // The synthetic index holds invoice #1; a real one: BENCH_INVOICE_ID.
  void draft;
  const invoiceId = process.env.BENCH_INVOICE_ID ?? "1";

  const probe = await fetch(`${api.url}/transactions?limit=50`, { headers: auth });
  pageBody = await probe.text();
  const page = JSON.parse(pageBody) as { items?: unknown[] };
  if (probe.status !== 200 || page.items?.length !== 50)
    throw new Error(`GET /transactions probe: ${probe.status} ${JSON.stringify(page).slice(0, 300)}`);
  const invoiceProbe = await fetch(`${api.url}/invoices/${invoiceId}`, { headers: auth });
  console.log(`probe GET /invoices/${invoiceId}: ${invoiceProbe.status}`);

  const results: Record<string, RouteResult> = {};
  const non2xx: Record<string, number> = {};
  for (const [name, url, headers] of [
    ["baseline", `${baselineServer.url}/`, {}],
    ["bare route, same body as a page", `${baselineServer.url}/page`, {}],
    ["GET /transactions?limit=50", `${api.url}/transactions?limit=50`, auth],
    ["GET /transactions?limit=50 (no page cache)", `${uncached.url}/transactions?limit=50`, auth],
    ["GET /invoices/:id", `${api.url}/invoices/${invoiceId}`, auth],
  ] as const) {
    if (process.env.BENCH_ONLY && name !== process.env.BENCH_ONLY) continue;
    const r = await run(url, headers);
    results[name] = { rps: r.rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
    non2xx[name] = r.non2xx;
    console.log(`${name.padEnd(44)} ${String(r.rps).padStart(7)} req/s   p50 ${r.p50Ms} ms   p99 ${r.p99Ms} ms   non-2xx ${r.non2xx}`);
  }
  if (process.env.BENCH_ONLY) process.exit(0);
  const tx = results["GET /transactions?limit=50"]!;
  const ratio = tx.rps / results.baseline!.rps;
  const pass = ratio >= 0.4 && tx.p99Ms <= 25 && non2xx["GET /transactions?limit=50"] === 0;
  console.log(
    `GET /transactions: ${(ratio * 100).toFixed(1)} % of the baseline (target ≥ 40 %), p99 ${tx.p99Ms} ms (target ≤ 25 ms): ${pass ? "PASS" : "FAIL"}`,
  );

  const out = {
    ...results,
    meta: {
      seconds: SECONDS,
      connections: CONNECTIONS,
      historyRows: process.env.INDEX_DB_PATH ? "real index" : ROWS,
      indexSource: process.env.INDEX_DB_PATH ? "INDEX_DB_PATH" : "synthetic Ponder-layout SQLite",
      non2xx,
      transactionsVsBaseline: Number(ratio.toFixed(3)),
      pass,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      date: new Date().toISOString(),
    },
  };
  mkdirSync(join(__dirname, "results"), { recursive: true });
  writeFileSync(join(__dirname, "results", "api.json"), JSON.stringify(out, null, 2) + "\n");
  await api.close();
  await uncached.close();
  await baselineServer.close();
  index.close();
  await db.destroy();
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  if (!pass) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
