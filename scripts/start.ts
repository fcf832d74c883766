/**
 * `npm start`: the whole local stack in one command. Builds the web page (web/dist), starts a
 * Hardhat node on 127.0.0.1:8545, deploys Settle's contracts (writing deployments/localhost.json),
 * starts the indexer (Ponder into .settle/index) and the API on port 8000 (which serves the page
 * from its origin), waits until each is healthy, prints the one URL to open and the funded test
 * accounts, keeps running, and on Ctrl-C stops every process it started. With `--demo`
 * (`npm start -- --demo`), it also fills the new chain with demo invoices, payments and stakes. With `--postgres`, the
 * index and the app data live in PostgreSQL instead of SQLite: the databases at INDEX_DATABASE_URL and
 * APP_DATABASE_URL when both are set, else a throwaway cluster under .settle/postgres (Debian's postgresql; as root,
 * run as the postgres user) with two databases, settle_index and settle_app. With `--chains 2`, a second node on
 * 127.0.0.1:8546 runs chain 31338 (network localhost2, deployments/localhost2.json) beside the first, and the indexer
 * and the API serve both (SETTLE_NETWORKS=localhost,localhost2); `--demo` then also fills the second chain with a few
 * invoices.
 *
 * Where things go can be moved (tests run it beside other stacks): SETTLE_NODE_PORT (8545; the second node on the
 * next port unless SETTLE_NODE_PORT_2), SETTLE_INDEXER_PORT (42069), PORT (8000), SETTLE_STATE_DIR (.settle: logs,
 * index, PostgreSQL cluster), SETTLE_DEPLOYMENTS_DIR (deployments/) and APP_DB_PATH (data/app.sqlite).
 */
import { join, resolve } from "node:path";
import { chainName } from "../core/chains";
import { deploymentsDir } from "../core/deployment-file";
import { DEMO_ACCOUNTS, fillDemo } from "./lib/demo";
import { fillMoreChainsDemo } from "./lib/demo-more-chains";
import { StartArgsError, parseStartArgs, type StartArgs } from "./lib/start-args";
import { testAccount } from "./lib/test-accounts";
import { BIN, QUIET_ENV, REPO_ROOT } from "./stack/paths";
import { startPostgres, type PostgresCluster } from "./stack/postgres";
import { runToCompletion, waitFor, type ManagedProcess } from "./stack/processes";
import { shareClock } from "./stack/node";
import { MULTICHAIN_BLOCK_INTERVAL_MS, startStack, type LocalStack } from "./stack/stack";
import { buildPage } from "./stack/web";

const NODE_PORT = Number(process.env.SETTLE_NODE_PORT || 8545);
const NODE_PORT_2 = Number(process.env.SETTLE_NODE_PORT_2 || NODE_PORT + 1);
/** Where the state of the stack lives: logs, the index, the `--postgres` cluster. */
const STATE_DIR = resolve(process.env.SETTLE_STATE_DIR || join(REPO_ROOT, ".settle"));
const LOG_DIR = join(STATE_DIR, "logs");
/** The index (Ponder's SQLite files): derived data, rebuilt from the chain whenever needed. */
const INDEX_DIR = join(STATE_DIR, "index");
const INDEXER_PORT = Number(process.env.SETTLE_INDEXER_PORT || 42069);
const API_PORT = Number(process.env.PORT || 8000);
const API_URL = `http://localhost:${API_PORT}`;
const SHOWN_ACCOUNTS = 5;
/** The throwaway cluster of `--postgres` (its data kept across runs, like app.sqlite) and its port. */
const POSTGRES_DIR = join(STATE_DIR, "postgres");
const POSTGRES_PORT = 5433;

let stack: LocalStack<undefined> | undefined;
let cluster: PostgresCluster | undefined;
let stopping = false;

/** Prints one progress line for operators. */
function progress(message: string): void {
  console.log(`[settle] ${message}`);
}

/** Stops the whole stack (once). */
async function stopAll(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stack?.stop();
  await cluster?.stop();
}

/**
 * The PostgreSQL databases of `--postgres`: INDEX_DATABASE_URL and APP_DATABASE_URL when both are set, else two
 * databases of the cluster under .settle/postgres, started (created on first use) here.
 */
async function postgresDatabases(): Promise<{ indexUrl: string; appUrl: string }> {
  const { INDEX_DATABASE_URL: indexUrl, APP_DATABASE_URL: appUrl } = process.env;
  if (indexUrl && appUrl) {
    progress("using PostgreSQL at INDEX_DATABASE_URL and APP_DATABASE_URL");
    return { indexUrl, appUrl };
  }
  if (indexUrl || appUrl) throw new Error("--postgres: set both INDEX_DATABASE_URL and APP_DATABASE_URL, or neither (a local cluster)");
  progress(`starting PostgreSQL in ${POSTGRES_DIR} on port ${POSTGRES_PORT}`);
  cluster = await startPostgres({ port: POSTGRES_PORT, dir: POSTGRES_DIR });
  // Separate databases: the index is derived, the app data is not.
  for (const name of ["settle_index", "settle_app"]) await cluster.createDatabase(name);
  return { indexUrl: cluster.url("settle_index"), appUrl: cluster.url("settle_app") };
}

/** If `service` dies while the stack runs, stops everything and says why. */
function supervise(service: ManagedProcess): void {
  void service.exited.then(async (outcome) => {
    if (stopping) return;
    console.error(`[settle] error: ${service.name} exited (${outcome}): see ${service.logFile}`);
    await stopAll();
    process.exit(1);
  });
}

/** True when something already answers HTTP on `url`. */
function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    () => true,
    () => false,
  );
}

async function main(args: StartArgs): Promise<void> {
  const nodePorts = args.chains === 2 ? [NODE_PORT, NODE_PORT_2] : [NODE_PORT];
  for (const port of [...nodePorts, INDEXER_PORT, API_PORT]) {
    if (await answers(`http://127.0.0.1:${port}/`)) {
      throw new Error(`port ${port} is already in use: is \`npm start\` running in another terminal? Stop it (Ctrl-C) first`);
    }
  }
  progress("compiling contracts");
  await runToCompletion("compile", join(BIN, "hardhat"), ["compile", "--quiet"], { cwd: REPO_ROOT, env: QUIET_ENV });
  progress("building the web page");
  await buildPage();
  const databases = args.postgres ? await postgresDatabases() : undefined;

  stack = await startStack({
    dir: LOG_DIR,
    chains: args.chains,
    nodePort: NODE_PORT,
    nodePort2: NODE_PORT_2,
    deploymentsDir: deploymentsDir(REPO_ROOT),
    indexDir: INDEX_DIR,
    indexerPort: INDEXER_PORT,
    databases,
    api: {
      port: API_PORT,
      origin: API_URL,
      // The accounts, drafts and sessions outlive a restart, as `npm run api` keeps them.
      // "Pay without ETH": a relayer with Hardhat account 16 (a public test key: local chains only).
      env: {
        APP_DB_PATH: process.env.APP_DB_PATH || join(REPO_ROOT, "data", "app.sqlite"),
        RELAYER_PRIVATE_KEY: testAccount(16).privateKey,
      },
    },
    progress,
  });
  const { chains, indexer, api, deployment } = stack;
  for (const service of [...chains.map((chain) => chain.node.process), indexer.process, api!.process]) supervise(service);
  progress("waiting for the index and the API to be ready");
  await indexer.waitUntilReady();
  await waitFor(
    `${API_URL}/health to answer 200 (log: ${api!.process.logFile})`,
    async () => (await fetch(`http://127.0.0.1:${API_PORT}/health`)).ok,
  );

  if (args.demo) {
    progress(`filling chain ${deployment.chainId} with demo invoices, payments and stakes`);
    await fillDemo({ rpcUrl: chains[0]!.node.url, apiUrl: API_URL, deployment, log: (line) => progress(`  ${line}`) });
    for (const chain of chains.slice(1)) {
      progress(`filling chain ${chain.deployment.chainId} with a few demo invoices`);
      await fillMoreChainsDemo({ rpcUrl: chain.node.url, deployment: chain.deployment, log: (line) => progress(`  ${line}`) });
    }
    // Each transaction of the demo moved its chain's clock a second ahead: bring the clocks together again, or the
    // index would hold the busier chain's events back until the other chain's clock catches up (Ponder 0.6).
    if (chains.length > 1) {
      await shareClock(
        chains.map((chain) => chain.node),
        MULTICHAIN_BLOCK_INTERVAL_MS,
      );
    }
    await waitFor(
      "the index to show the demo",
      async () => {
        const status = (await (await fetch(`${API_URL}/blockchain/status`)).json()) as { indexReady?: boolean; lagBlocks?: number };
        return status.indexReady === true && status.lagBlocks === 0;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  }

  const roles = Object.fromEntries(Object.entries(DEMO_ACCOUNTS).map(([role, index]) => [index, role]));
  for (const chain of chains) {
    const { chainId, contracts } = chain.deployment;
    console.log(`\nSettle is running on chain ${chainId} (${chainName(chainId)}, ${chain.node.url}). Contracts:`);
    for (const [name, contract] of Object.entries(contracts)) console.log(`  ${name.padEnd(15)} ${contract.address}`);
  }
  const networks = chains.map((chain) => `${chain.node.url} (chain id ${chain.deployment.chainId})`).join(" and ");
  console.log(`\nMetaMask: add the network${chains.length > 1 ? "s" : ""} ${networks}, currency ETH, and import a test key:`);
  for (let i = 0; i < SHOWN_ACCOUNTS; i++) {
    const wallet = testAccount(i);
    const note = i === 0 ? "deployer" : args.demo ? `demo ${roles[i]}, 10,000 SETL at start` : "10,000 SETL";
    console.log(`  #${i} ${wallet.address}  key ${wallet.privateKey}  (${note})`);
  }
  console.log("  (public test keys: never use them on a real network)");
  console.log(`Logs: ${LOG_DIR}`);
  if (databases) console.log(`Index and app data in PostgreSQL${cluster ? ` (${POSTGRES_DIR}, port ${POSTGRES_PORT})` : ""}`);
  console.log(`\nOpen ${API_URL}\n`);
  console.log("Press Ctrl-C to stop everything.");
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    progress("stopping");
    void stopAll().then(() => process.exit(0));
  });
}

let args: StartArgs;
try {
  args = parseStartArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof StartArgsError)) throw error;
  console.error(`[settle] error: ${error.message}`);
  process.exit(2);
}

main(args).catch(async (error: unknown) => {
  console.error(`[settle] error: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
});
