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
 * Both backends in one run: a second indexer follows the same chain into a throwaway PostgreSQL cluster
 * (scripts/stack/postgres.ts), and a second app reads that index and keeps its app database there; its routes are
 * measured in the same rounds and written under `postgres`.
 *
 * Environment: BENCH_ROWS (default 50,000) History rows at least; BENCH_SECONDS (default 10) per
 * route and round; BENCH_ROUNDS (default 3); BENCH_CONNECTIONS (default 10). Targets: on SQLite GET
 * /transactions ≥ 40 % of the baseline's rps; on PostgreSQL its p99 ≤ 25 ms.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Contract, JsonRpcProvider, getAddress } from "ethers";
import { Hono } from "hono";
import { createApp } from "../api/app";
import { loadConfig } from "../api/env";
import { migrateToLatest, openAppDatabase, openAppDb } from "../api/db";
import { jsonRpcChain } from "../api/services/chain";
import { staticDeployment } from "../api/services/deployment";
import { IndexReader } from "../api/index/reader";
import { openIndexReader } from "../api/index/open";
import { createLogger } from "../api/lib/logger";
import type { Deployment } from "../core/deployment";
import { deployEventGenerator } from "../scripts/stack/events";
import { startIndexer } from "../scripts/stack/indexer";
import { deploySettle, startHardhatNode } from "../scripts/stack/node";
import { REPO_ROOT } from "../scripts/stack/paths";
import { type PostgresCluster, startPostgres } from "../scripts/stack/postgres";
import { freePort, stopAllProcesses } from "../scripts/stack/processes";
import { listen, loadRoute, signIn, type RoundResult, type RouteResult } from "./lib/api-bench";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ORIGIN = "http://localhost:8000";
/** Transfers per BenchSettle transaction: 28 rounds over 100 recipients (each one 2 History rows: out and in). */
const TRANSFER_ROUNDS = 28;
/** Prefix of the PostgreSQL app's routes in the rounds (written under `postgres` in api.json). */
const PG = "postgres: ";

const abiOf = (path: string): never =>
  (JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", "contracts", path), "utf8")) as { abi: never }).abi;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The run's PostgreSQL cluster, dropped however the run ends. */
let pgCluster: PostgresCluster | undefined;

async function main(): Promise<void> {
  console.log(`bench:api — ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  const cluster = (pgCluster = await startPostgres({ port: await freePort() }));
  await Promise.all(["bench_app", "bench_index"].map((name) => cluster.createDatabase(name)));
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
  const auth = await signIn(api.url, ORIGIN, deploymentFile.chainId, account!);

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

  // The real indexer, until it has every block. It keeps running through the rounds, as in production: stopped, its
  // sync record would age and the API would mark every answer stale (re-writing each JSON body), which is not the
  // path being measured. Idle, it only polls the node for a new block.
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
  // The same chain into PostgreSQL, and the app on it (app database there too).
  started = Date.now();
  const pgConfig = loadConfig({
    PUBLIC_ORIGIN: ORIGIN,
    APP_DATABASE_URL: cluster.url("bench_app"),
    INDEX_DATABASE_URL: cluster.url("bench_index"),
    JWT_SECRET: config.jwtSecret!,
    LOG_LEVEL: "info",
    AUTH_RATE_LIMIT_PER_MINUTE: "100000",
  });
  const pgIndexer = await startIndexer({
    rpcUrl: node.url,
    deploymentsDir: deployment.deploymentsDir,
    indexDatabaseUrl: pgConfig.indexDatabaseUrl,
    openReader: (location) => new IndexReader(location),
  });
  await pgIndexer.waitUntilIndexed(head, 900_000);
  console.log(`index on PostgreSQL: indexed in ${seconds(started)}`);
  const pgDb = await openAppDatabase(pgConfig);
  await migrateToLatest(pgDb);
  const pgIndex = openIndexReader(pgConfig, () => deploymentFile);
  const pgDeps = { ...deps, config: pgConfig, db: pgDb, index: pgIndex };
  const pgApi = await listen(createApp(pgDeps).fetch);
  const pgUncached = await listen(createApp({ ...pgDeps, config: { ...pgConfig, historyCacheMs: 0 } }).fetch);
  const pgAuth = await signIn(pgApi.url, ORIGIN, deploymentFile.chainId, account!);
  const counter = new Database(config.indexDbPath, { readonly: true });
  const historyRows = (counter.prepare(`SELECT count(*) AS n FROM "History"`).get() as { n: number }).n;
  const accountRows = (await index.account(account!.address))?.historyCount ?? 0;
  counter.close();
  console.log(`index: ${historyRows} History rows (${accountRows} of the bench account), indexed in ${seconds(started)}`);
  if (historyRows < ROWS) throw new Error(`the index has ${historyRows} History rows, fewer than BENCH_ROWS=${ROWS}`);

  // Probes: the routes answer what they should before they are measured.
  const probe = await fetch(`${api.url}/transactions?limit=50`, { headers: auth });
  const page = (await probe.json()) as { items?: unknown[]; indexStale?: unknown };
  if (probe.status !== 200 || page.items?.length !== 50 || page.indexStale !== undefined)
    throw new Error(`GET /transactions probe (a current index's page of 50): ${probe.status} ${JSON.stringify(page).slice(0, 300)}`);
  const invoiceProbe = await fetch(`${api.url}/invoices/${invoiceId}`, { headers: auth });
  const invoice = (await invoiceProbe.json()) as { onchain?: { status: string }; detailsMatch?: boolean };
  if (invoiceProbe.status !== 200 || invoice.onchain?.status !== "paid" || invoice.detailsMatch !== true) {
    throw new Error(`GET /invoices/${invoiceId} probe: ${invoiceProbe.status} ${JSON.stringify(invoice).slice(0, 300)}`);
  }

  const pgProbe = await fetch(`${pgApi.url}/transactions?limit=50`, { headers: pgAuth });
  const pgPage = (await pgProbe.json()) as { items?: unknown[]; indexStale?: unknown };
  if (pgProbe.status !== 200 || JSON.stringify(pgPage.items) !== JSON.stringify(page.items) || pgPage.indexStale !== undefined) {
    throw new Error(
      `GET /transactions probe on PostgreSQL: ${pgProbe.status}, not the SQLite page: ${JSON.stringify(pgPage).slice(0, 300)}`,
    );
  }

  const routes: Array<[string, string, Record<string, string>]> = [
    ["baseline", `${baseline.url}/`, {}],
    ["GET /transactions?limit=50", `${api.url}/transactions?limit=50`, auth],
    ["GET /transactions?limit=50 (page cache off)", `${uncached.url}/transactions?limit=50`, auth],
    ["GET /invoices/:id", `${api.url}/invoices/${invoiceId}`, auth],
    [`${PG}GET /transactions?limit=50`, `${pgApi.url}/transactions?limit=50`, pgAuth],
    [`${PG}GET /transactions?limit=50 (page cache off)`, `${pgUncached.url}/transactions?limit=50`, pgAuth],
    [`${PG}GET /invoices/:id`, `${pgApi.url}/invoices/${invoiceId}`, pgAuth],
  ];
  const rounds: Array<Record<string, RoundResult>> = [];
  const row = (name: string, r: RoundResult) =>
    console.log(
      `${name.padEnd(44)} ${String(r.rps).padStart(7)}   ${String(r.p50Ms).padStart(3)} ms ${String(r.p99Ms).padStart(3)} ms   ${r.non2xx}`,
    );
  const header = `${"route".padEnd(44)} ${"req/s".padStart(7)}   p50    p99   non-2xx`;
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`\nround ${round}/${ROUNDS} (${SECONDS} s per route, ${CONNECTIONS} connections)\n${header}`);
    const figures: Record<string, RoundResult> = {};
    for (const [name, url, headers] of routes) row(name, (figures[name] = await loadRoute(url, headers, SECONDS, CONNECTIONS)));
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
  const pgTx = results[`${PG}GET /transactions?limit=50`]!;
  const ratio = tx.rps / results.baseline!.rps;
  const targets = {
    "sqlite GET /transactions ≥ 0.4 × baseline rps": { target: ">= 0.4", figure: Number(ratio.toFixed(3)), met: ratio >= 0.4 },
    "sqlite GET /transactions p99 ≤ 25 ms": { target: "<= 25", figure: tx.p99Ms, met: tx.p99Ms <= 25 },
    "postgres GET /transactions p99 ≤ 25 ms": { target: "<= 25", figure: pgTx.p99Ms, met: pgTx.p99Ms <= 25 },
  };
  const pass = Object.values(targets).every((t) => t.met) && Object.values(non2xx).every((n) => n === 0);
  for (const [name, t] of Object.entries(targets)) console.log(`target ${name}: ${t.figure} (${t.met ? "met" : "MISSED"})`);
  const postgres = Object.fromEntries(
    Object.entries(results)
      .filter(([name]) => name.startsWith(PG))
      .map(([name, figures]) => [name.slice(PG.length), figures]),
  );

  const out = {
    ...Object.fromEntries(Object.entries(results).filter(([name]) => !name.startsWith(PG))),
    postgres,
    targets,
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
      index: { source: "real indexer over a Hardhat node (and a second one into PostgreSQL)", historyRows, accountRows, headBlock: head },
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
  await pgApi.close();
  await pgUncached.close();
  await pgIndex.close();
  await pgDb.destroy();
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
  .finally(async () => {
    await stopAllProcesses();
    await pgCluster?.drop();
  });
