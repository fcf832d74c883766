/**
 * `npm start`: the whole local stack in one command. Builds the web page (web/dist), starts a
 * Hardhat node on 127.0.0.1:8545, deploys Settle's contracts (writing deployments/localhost.json),
 * starts the indexer (Ponder into .settle/index) and the API on port 8000 (which serves the page
 * from its origin), waits until each is healthy, prints the one URL to open and the funded test
 * accounts, keeps running, and on Ctrl-C stops every process it started. With `--demo`
 * (`npm start -- --demo`), it also fills the new chain with demo invoices, payments and stakes.
 */
import { join } from "node:path";
import { DEMO_ACCOUNTS, fillDemo } from "./lib/demo";
import { readDeployment } from "../core/deployment-file";
import { localDeploymentsDir } from "./lib/deployments";
import { testAccount } from "./lib/test-accounts";
import { progress, rpcAnswers, runToCompletion, startService, stopService, waitUntil, type RunningService } from "./lib/services";

const ROOT = join(__dirname, "..");
const HARDHAT = join(ROOT, "node_modules", ".bin", "hardhat");
const RPC_URL = "http://127.0.0.1:8545";
const LOG_DIR = join(ROOT, ".settle", "logs");
/** The index (Ponder's SQLite files): derived data, rebuilt from the chain whenever needed. */
const INDEX_DIR = join(ROOT, ".settle", "index");
const INDEXER_PORT = 42069;
const API_PORT = Number(process.env.PORT ?? 8000);
const API_URL = `http://localhost:${API_PORT}`;
const SHOWN_ACCOUNTS = 5;
const DEMO = process.argv.slice(2).includes("--demo");

const running: RunningService[] = [];
let stopping = false;

function stopAll(): void {
  stopping = true;
  for (const service of running.reverse()) stopService(service);
}

/** Keeps `service` in the stack; if it dies while the stack runs, stops everything and says why. */
function supervise(service: RunningService): void {
  running.push(service);
  service.child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[settle] error: ${service.name} exited (${signal ?? code}): see ${service.logFile}`);
    stopAll();
    process.exit(1);
  });
}

async function main(): Promise<void> {
  if (await rpcAnswers(RPC_URL).catch(() => false)) {
    throw new Error(`something already answers on ${RPC_URL}: is \`npm start\` running in another terminal? Stop it (Ctrl-C) first`);
  }
  for (const port of [INDEXER_PORT, API_PORT]) {
    if (
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) }).then(
        () => true,
        () => false,
      )
    ) {
      throw new Error(`port ${port} is already in use: is \`npm start\` running in another terminal? Stop it (Ctrl-C) first`);
    }
  }
  const env = { CI: "true", HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" };
  progress("compiling contracts");
  await runToCompletion("compile", HARDHAT, ["compile", "--quiet"], env);
  progress("building the web page");
  await runToCompletion(
    "web page build",
    join(ROOT, "node_modules", ".bin", "vite"),
    ["build", "--config", join(ROOT, "web", "vite.config.ts"), "--logLevel", "warn"],
    {
      VITE_CONFIG_NATIVE_IGNORE_WARNING: "true",
    },
  );

  supervise(
    await startService({
      name: `Hardhat node on ${RPC_URL}`,
      command: HARDHAT,
      args: ["node", "--hostname", "127.0.0.1", "--port", "8545"],
      env,
      logFile: join(LOG_DIR, "node.log"),
      isReady: () => rpcAnswers(RPC_URL),
      timeoutMs: 60_000,
    }),
  );

  progress("deploying contracts");
  await runToCompletion("deploy", HARDHAT, ["settle:deploy", "--network", "localhost"], env);
  const deployment = readDeployment(localDeploymentsDir(), "localhost");

  supervise(
    await startService({
      name: "indexer (Ponder)",
      command: process.execPath,
      args: ["--import", "tsx", "run.ts"],
      cwd: join(ROOT, "indexer"),
      env: {
        ...env,
        PONDER_TELEMETRY_DISABLED: "true",
        SETTLE_NETWORK: "localhost",
        SETTLE_INDEX_DIR: INDEX_DIR,
        PORT: String(INDEXER_PORT),
      },
      logFile: join(LOG_DIR, "indexer.log"),
      isReady: async () => (await fetch(`http://127.0.0.1:${INDEXER_PORT}/ready`, { signal: AbortSignal.timeout(1000) })).ok,
      timeoutMs: 180_000,
    }),
  );

  supervise(
    await startService({
      name: `API on ${API_URL}`,
      command: join(ROOT, "node_modules", ".bin", "ts-node"),
      args: ["--transpile-only", join(ROOT, "api", "main.ts")],
      env: { ...env, PORT: String(API_PORT), PUBLIC_ORIGIN: API_URL, RPC_URL, SETTLE_NETWORK: "localhost", SETTLE_INDEX_DIR: INDEX_DIR },
      logFile: join(LOG_DIR, "api.log"),
      isReady: async () => (await fetch(`http://127.0.0.1:${API_PORT}/health`, { signal: AbortSignal.timeout(1000) })).ok,
      timeoutMs: 60_000,
    }),
  );

  if (DEMO) {
    progress("filling the chain with demo invoices, payments and stakes");
    await fillDemo({ rpcUrl: RPC_URL, apiUrl: API_URL, deployment, log: (line) => progress(`  ${line}`) });
    await waitUntil("the index to show the demo", async () => {
      const status = (await (await fetch(`${API_URL}/blockchain/status`)).json()) as { indexReady?: boolean; lagBlocks?: number };
      return status.indexReady === true && status.lagBlocks === 0;
    });
  }

  const roles = Object.fromEntries(Object.entries(DEMO_ACCOUNTS).map(([role, index]) => [index, role]));
  console.log("\nSettle is running on chain %d. Contracts:", deployment.chainId);
  for (const [name, contract] of Object.entries(deployment.contracts)) console.log(`  ${name.padEnd(15)} ${contract.address}`);
  console.log(`\nMetaMask: add the network ${RPC_URL} (chain id ${deployment.chainId}, currency ETH) and import a test key:`);
  for (let i = 0; i < SHOWN_ACCOUNTS; i++) {
    const wallet = testAccount(i);
    const note = i === 0 ? "deployer" : DEMO ? `demo ${roles[i]}, 10,000 SETL at start` : "10,000 SETL";
    console.log(`  #${i} ${wallet.address}  key ${wallet.privateKey}  (${note})`);
  }
  console.log("  (public test keys: never use them on a real network)");
  console.log(`Logs: ${LOG_DIR}`);
  console.log(`\nOpen ${API_URL}\n`);
  console.log("Press Ctrl-C to stop everything.");
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    progress("stopping");
    stopAll();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  console.error(`[settle] error: ${error instanceof Error ? error.message : String(error)}`);
  stopAll();
  process.exit(1);
});
