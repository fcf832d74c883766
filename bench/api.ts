/**
 * `npm run bench:api`: throughput and latency of the API's hot reads on a real index, measured
 * with autocannon against the API (createApp + @hono/node-server) in this process, next to a bare
 * Hono route served by the same process as the baseline. Writes bench/results/api.json:
 * `{ "<route>": { rps, p50Ms, p99Ms }, "baseline": {...}, "meta": {...} }`; see bench/README.md.
 *
 * The index is built here, the way production builds it: a Hardhat node, the real deploy, one
 * invoice drafted through the API, created on chain by the bench account and paid, then bulk SETL
 * transfers by the BenchSettle helper (2,800 per transaction, the bench account among the
 * recipients), all indexed by the real indexer (launcher + Ponder) until it is caught up.
 *
 * The routes are measured in BENCH_ROUNDS rounds (each route once per round, in turn, so that a
 * burst of load from elsewhere on the machine hits them alike); each figure is the median over the
 * rounds (every round is kept in meta.rounds).
 *
 * Environment: BENCH_ROWS (default 50,000) History rows at least; BENCH_SECONDS (default 10) per
 * route and round; BENCH_ROUNDS (default 5); BENCH_CONNECTIONS (default 10). Targets: GET
 * /transactions ≥ 40 % of the baseline's rps, p99 ≤ 25 ms.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { Contract, JsonRpcProvider, getAddress } from "ethers";
import { Hono } from "hono";
import { SiweMessage } from "siwe";
import { createApp } from "../api/app";
import { loadConfig } from "../api/env";
import { migrateToLatest, openAppDb } from "../api/db";
import { jsonRpcChain } from "../api/services/chain";
import { staticDeployment } from "../api/services/deployment";
import { IndexReader } from "../api/index/reader";
import { createLogger } from "../api/lib/logger";
import type { Deployment } from "../core/deployment";
import { deployEventGenerator } from "../scripts/stack/events";
import { startIndexer } from "../scripts/stack/indexer";
import { deploySettle, startHardhatNode } from "../scripts/stack/node";
import { REPO_ROOT } from "../scripts/stack/paths";
import { stopAllProcesses } from "../scripts/stack/processes";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ORIGIN = "http://localhost:8000";
/** Transfers per BenchSettle transaction: 28 rounds over 100 recipients (each one 2 History rows: out and in). */
const TRANSFER_ROUNDS = 28;

/** One route's figures. */
export interface RouteResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

const abiOf = (path: string): never =>
  (JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", path), "utf8")) as { abi: never }).abi;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

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
  console.log(`bench:api — ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  const dir = mkdtempSync(join(tmpdir(), "settle-bench-api-"));
  const indexDir = join(dir, "index");
  mkdirSync(indexDir);
  let started = Date.now();
  const node = await startHardhatNode({ logDir: dir });
  const deployment = await deploySettle(node, join(dir, "deployments"));
  const deploymentFile = JSON.parse(readFileSync(deployment.path, "utf8")) as Deployment;
  const provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
  provider.pollingInterval = 20;
  const [admin, account, payer] = await Promise.all([0, 1, 2].map((i) => provider.getSigner(i)));
  console.log(`node and deploy: ${seconds(started)}`);

  // The API, on the index the indexer will write.
  const config = loadConfig({
    PUBLIC_ORIGIN: ORIGIN,
    APP_DB_PATH: join(dir, "app.sqlite"),
    INDEX_DB_PATH: join(indexDir, "public.db"),
    JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
    LOG_LEVEL: "info",
    AUTH_RATE_LIMIT_PER_MINUTE: "100000",
  });
  const db = openAppDb(config.appDbPath);
  await migrateToLatest(db);
  const index = new IndexReader({ path: config.indexDbPath });
  const chain = jsonRpcChain(node.url, deploymentFile.chainId);
  // Production logging (one JSON line per request, batched), written to /dev/null.
  const logger = createLogger(config.logLevel, "/dev/null");
  const deps = {
    config,
    jwtSecret: config.jwtSecret!,
    db,
    chain: chain.chain,
    deployment: staticDeployment(deploymentFile),
    index,
    logger,
  };
  const api = await listen(createApp(deps).fetch);
  // The same app with the history page cache off: every request reads the index.
  const uncached = await listen(createApp({ ...deps, config: { ...config, historyCacheMs: 0 } }).fetch);
  const baseline = await listen(new Hono().get("/", (c) => c.json({ ok: true })).fetch);

  // Sign in the bench account (a real SIWE signature by the node's account 1).
  const issued = await fetch(`${api.url}/auth/nonce`);
  const { nonce } = (await issued.json()) as { nonce: string };
  // The nonce is bound to the client that asked for it by a cookie, sent back with the signature.
  const nonceCookie = issued.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const message = new SiweMessage({
    domain: new URL(ORIGIN).host,
    address: account!.address,
    uri: ORIGIN,
    version: "1",
    chainId: deploymentFile.chainId,
    nonce,
    issuedAt: new Date().toISOString(),
  }).prepareMessage();
  const signIn = await fetch(`${api.url}/auth/verify`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: nonceCookie },
    body: JSON.stringify({ message, signature: await account!.signMessage(message) }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in: ${signIn.status} ${await signIn.text()}`);
  const auth = { Authorization: `Bearer ${((await signIn.json()) as { token: string }).token}` };

  // One invoice: drafted through the API, created on chain by the bench account, paid by account 2.
  const { SettleToken, PaymentEscrow } = deploymentFile.contracts;
  const draftRes = await fetch(`${api.url}/invoices`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({
      token: SettleToken.address,
      payer: payer!.address,
      dueDate: new Date(Date.now() + 30 * 86400_000).toISOString(),
      lineItems: [{ description: "Bench", quantity: 4, unitPrice: "250000000000000000" }],
    }),
  });
  if (draftRes.status !== 201) throw new Error(`POST /invoices: ${draftRes.status} ${await draftRes.text()}`);
  const draft = (await draftRes.json()) as { total: string; transaction: { to: string; data: string } };
  await (await account!.sendTransaction({ to: draft.transaction.to, data: draft.transaction.data })).wait();
  const setl = new Contract(SettleToken.address, abiOf("SettleToken.sol/SettleToken.json"), admin);
  const escrow = new Contract(PaymentEscrow.address, abiOf("PaymentEscrow.sol/PaymentEscrow.json"), payer);
  const invoiceId = (await escrow.getFunction("invoiceCount")()) as bigint;
  await (await setl.getFunction("transfer")(payer!.address, BigInt(draft.total))).wait();
  await (await (setl.connect(payer) as Contract).getFunction("approve")(PaymentEscrow.address, BigInt(draft.total))).wait();
  await (await escrow.getFunction("pay")(invoiceId, BigInt(draft.total))).wait();

  // Bulk history: 2,800 transfers (5,600 History rows) per block, the bench account among the recipients.
  started = Date.now();
  const generator = await deployEventGenerator(node, deployment);
  const recipients = [
    account!.address,
    ...Array.from({ length: 99 }, (_, i) => getAddress("0x" + (0xbe0000 + i).toString(16).padStart(40, "0"))),
  ];
  const perTransaction = TRANSFER_ROUNDS * recipients.length * 2;
  const batches = Math.ceil(ROWS / perTransaction);
  for (let batch = 1; batch <= batches; batch++) {
    await generator.transfers(TRANSFER_ROUNDS, recipients);
    console.log(`  transfers: ${batch}/${batches} transactions, ~${batch * perTransaction} History rows`);
  }
  const head = await node.blockNumber();
  console.log(`chain: ${batches * TRANSFER_ROUNDS * recipients.length} bulk transfers up to block ${head} in ${seconds(started)}`);

  // The real indexer, until it has every block; then stopped, so that it does not share the CPU.
  started = Date.now();
  const indexer = await startIndexer({
    rpcUrl: node.url,
    deploymentsDir: deployment.deploymentsDir,
    indexDir,
    openReader: (location) => new IndexReader(location),
  });
  const progress = setInterval(() => {
    void (async () => {
      const status = (await index.isReady()) ? await index.status() : undefined;
      console.log(`  indexing: ${status?.block ? `block ${status.block.number}/${head}` : "starting"} (${seconds(started)})`);
    })();
  }, 5000);
  try {
    await indexer.waitUntilIndexed(head, 900_000);
  } finally {
    clearInterval(progress);
  }
  await indexer.stop();
  const counter = new Database(config.indexDbPath, { readonly: true });
  const historyRows = (counter.prepare(`SELECT count(*) AS n FROM "History"`).get() as { n: number }).n;
  const accountRows = (await index.account(account!.address))?.historyCount ?? 0;
  counter.close();
  console.log(`index: ${historyRows} History rows (${accountRows} of the bench account), indexed in ${seconds(started)}`);
  if (historyRows < ROWS) throw new Error(`the index has ${historyRows} History rows, fewer than BENCH_ROWS=${ROWS}`);

  // Probes: the routes answer what they should before they are measured.
  const probe = await fetch(`${api.url}/transactions?limit=50`, { headers: auth });
  const page = (await probe.json()) as { items?: unknown[] };
  if (probe.status !== 200 || page.items?.length !== 50)
    throw new Error(`GET /transactions probe: ${probe.status} ${JSON.stringify(page).slice(0, 300)}`);
  const invoiceProbe = await fetch(`${api.url}/invoices/${invoiceId}`, { headers: auth });
  const invoice = (await invoiceProbe.json()) as { onchain?: { status: string }; detailsMatch?: boolean };
  if (invoiceProbe.status !== 200 || invoice.onchain?.status !== "paid" || invoice.detailsMatch !== true) {
    throw new Error(`GET /invoices/${invoiceId} probe: ${invoiceProbe.status} ${JSON.stringify(invoice).slice(0, 300)}`);
  }

  const routes: Array<[string, string, Record<string, string>]> = [
    ["baseline", `${baseline.url}/`, {}],
    ["GET /transactions?limit=50", `${api.url}/transactions?limit=50`, auth],
    ["GET /transactions?limit=50 (page cache off)", `${uncached.url}/transactions?limit=50`, auth],
    ["GET /invoices/:id", `${api.url}/invoices/${invoiceId}`, auth],
  ];
  const rounds: Array<Record<string, RouteResult & { non2xx: number }>> = [];
  const row = (name: string, r: RouteResult & { non2xx: number }) =>
    console.log(
      `${name.padEnd(44)} ${String(r.rps).padStart(7)}   ${String(r.p50Ms).padStart(3)} ms ${String(r.p99Ms).padStart(3)} ms   ${r.non2xx}`,
    );
  const header = `${"route".padEnd(44)} ${"req/s".padStart(7)}   p50    p99   non-2xx`;
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`\nround ${round}/${ROUNDS} (${SECONDS} s per route, ${CONNECTIONS} connections)\n${header}`);
    const figures: Record<string, RouteResult & { non2xx: number }> = {};
    for (const [name, url, headers] of routes) row(name, (figures[name] = await run(url, headers)));
    rounds.push(figures);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const results: Record<string, RouteResult> = {};
  const non2xx: Record<string, number> = {};
  console.log(`\nmedian of ${ROUNDS} rounds\n${header}`);
  for (const [name] of routes) {
    const of = rounds.map((r) => r[name]!);
    results[name] = { rps: median(of.map((r) => r.rps)), p50Ms: median(of.map((r) => r.p50Ms)), p99Ms: median(of.map((r) => r.p99Ms)) };
    non2xx[name] = of.reduce((sum, r) => sum + r.non2xx, 0);
    row(name, { ...results[name], non2xx: non2xx[name] });
  }
  const tx = results["GET /transactions?limit=50"]!;
  const ratio = tx.rps / results.baseline!.rps;
  const pass = ratio >= 0.4 && tx.p99Ms <= 25 && non2xx["GET /transactions?limit=50"] === 0;
  console.log(
    `\nGET /transactions: ${(ratio * 100).toFixed(1)} % of the baseline (target ≥ 40 %), p99 ${tx.p99Ms} ms (target ≤ 25 ms): ${pass ? "PASS" : "FAIL"}`,
  );

  const out = {
    ...results,
    meta: {
      settings: {
        command: "npm run bench:api",
        secondsPerRound: SECONDS,
        rounds: ROUNDS,
        connections: CONNECTIONS,
        autocannonWorkers: 1,
        pageSize: 50,
        historyCacheMs: config.historyCacheMs,
        logLevel: config.logLevel,
      },
      index: { source: "real indexer over a Hardhat node", historyRows, accountRows, headBlock: head },
      non2xx,
      rounds,
      transactionsVsBaseline: Number(ratio.toFixed(3)),
      pass,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      date: new Date().toISOString(),
    },
  };
  mkdirSync(join(__dirname, "results"), { recursive: true });
  writeFileSync(join(__dirname, "results", "api.json"), JSON.stringify(out, null, 2) + "\n");
  console.log(`wrote ${join(__dirname, "results", "api.json")}`);
  await api.close();
  await uncached.close();
  await baseline.close();
  chain.destroy();
  provider.destroy();
  await index.close();
  await db.destroy();
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  if (!pass) process.exitCode = 1;
}

main()
  .catch((err: unknown) => {
    console.error(`bench:api failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses());
