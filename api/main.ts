import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { ConfigError, loadConfig, resolveJwtSecret } from "./env";
import { migrateToLatest, openAppDatabase } from "./db";
import { API_RPC_TIMEOUT_MS, jsonRpcChain } from "./services/chain";
import { walletRelayer } from "./services/relayer";
import { fileDeployment } from "./services/deployment";
import { chainDirectory, type ServedNetwork } from "./services/networks";
import { LOCAL_CHAIN_ID } from "../core/chains";
import { LOCAL_NETWORK_CHAIN_IDS } from "../core/networks";
import { openIndexReader } from "./index/open";
import { createLogger } from "./lib/logger";
import { startWebhookWorker } from "./jobs/webhooks/worker";
import { startEmailWorker } from "./jobs/email/worker";
import { linkPendingDrafts } from "./jobs/draft-linker";
import { issuePendingCreditNotes } from "./jobs/credit-notes";

/**
 * Starts the API: validates the environment (one line per bad value, exit 1), opens, checks and migrates
 * the app database (app.sqlite, or PostgreSQL at APP_DATABASE_URL: one line naming the fix when it is unusable), opens the index read-only
 * (Ponder's SQLite file, or the deployment's schema at INDEX_DATABASE_URL: one line naming the fix when it is unusable), serves on HOST:PORT, prints the URL, runs the webhook
 * worker and (SMTP_URL set) the email worker, and shuts down cleanly on SIGINT/SIGTERM.
 */
export async function main(): Promise<void> {
  let config;
  let jwtSecret;
  try {
    config = loadConfig();
    jwtSecret = resolveJwtSecret(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.problems) process.stderr.write(`config: ${line}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const db = await openAppDatabase(config, (err) => logger.warn({ err: err.message }, "app database connection lost"));
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ migrations: applied, postgres: config.appDatabaseUrl !== undefined }, "app database migrated");

  // One deployment file, node connection and relayer per network of SETTLE_NETWORKS; the first one also serves the
  // routes that read a single chain.
  const nodes: ReturnType<typeof jsonRpcChain>[] = [];
  const served: ServedNetwork[] = config.networks.map((network) => {
    const source = fileDeployment(network.name);
    const chainId = source.get()?.chainId ?? LOCAL_NETWORK_CHAIN_IDS[network.name] ?? LOCAL_CHAIN_ID;
    // SETTLE_RPC_TIMEOUT_MS[_<NAME>] when set; else the API's own short timeout (not the indexer's patient default).
    const node = jsonRpcChain(network.rpcUrls[0]!, chainId, network.rpc.timeoutMs || API_RPC_TIMEOUT_MS);
    nodes.push(node);
    const relayer = config.relayerPrivateKey ? walletRelayer(config.relayerPrivateKey, node.provider) : undefined;
    return { name: network.name, deployment: source, chain: node.chain, relayer };
  });
  const chains = chainDirectory(served);
  const { deployment, chain, relayer } = served[0]!;
  const index = openIndexReader(config, () => deployment.get());
  try {
    await index.check();
  } catch (err) {
    process.stderr.write(`config: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (relayer) logger.info({ relayer: relayer.address }, "relayer on");
  logger.info({ networks: config.networks.map((network) => network.name) }, "serving networks");
  const app = createApp({ config, jwtSecret, db, chain, deployment, chains, index, logger, relayer });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const url = `http://${info.address.includes(":") ? `[${info.address}]` : info.address}:${info.port}`;
    logger.info({ url, publicOrigin: config.publicOrigin }, "listening");
    process.stdout.write(`Settle API listening on ${url} (public origin ${config.publicOrigin}; docs at /docs, readiness at /health)\n`);
  });

  // Link (and number) drafts once the index has seen them created; then issue the credit notes of refunds.
  const linker = setInterval(() => {
    linkPendingDrafts(db, index, Date.now())
      .then(() => issuePendingCreditNotes(db, index, Date.now()))
      .catch((err: unknown) => logger.warn({ err }, "draft linking or credit notes failed"));
  }, 5000);
  linker.unref();

  // Webhooks: the outbox poller and the sender.
  const webhooks = startWebhookWorker({ db, index, config, logger });
  // Invoice email (SMTP_URL set): the customer's copy of issued invoices, the merchant's notices of the webhook events.
  const email = startEmailWorker({ db, index, chain, deployment, chains, config, logger });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    clearInterval(linker);
    server.close(() => {
      void Promise.all([webhooks.stop(), email?.stop()])
        .then(() => {
          logger.flush();
          for (const node of nodes) node.destroy();
          return Promise.all([index.close(), db.destroy()]);
        })
        .finally(() => process.exit(0));
    });
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`settle-api failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
