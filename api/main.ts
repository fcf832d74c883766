import { serve } from "@hono/node-server";
import { createApp } from "./app";
import { ConfigError, loadConfig, resolveJwtSecret } from "./env";
import { migrateToLatest, openAppDatabase } from "./db";
import { API_RPC_TIMEOUT_MS, jsonRpcChain } from "./services/chain";
import { NetworkConfigError, rpcSettingsOf } from "../core/networks";
import { walletRelayer } from "./services/relayer";
import { fileDeployment } from "./services/deployment";
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
  let rpcTimeoutMs;
  try {
    config = loadConfig();
    jwtSecret = resolveJwtSecret(config);
    // SETTLE_RPC_TIMEOUT_MS[_<NAME>] when set; else the API's own short timeout (not the indexer's patient default).
    rpcTimeoutMs = rpcSettingsOf(process.env, config.network).timeoutMs || API_RPC_TIMEOUT_MS;
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.problems) process.stderr.write(`config: ${line}\n`);
      process.exit(1);
    }
    if (err instanceof NetworkConfigError) {
      process.stderr.write(`config: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const db = await openAppDatabase(config, (err) => logger.warn({ err: err.message }, "app database connection lost"));
  const applied = await migrateToLatest(db);
  if (applied.length > 0) logger.info({ migrations: applied, postgres: config.appDatabaseUrl !== undefined }, "app database migrated");

  const deployment = fileDeployment(config.network);
  const node = jsonRpcChain(config.rpcUrl, deployment.get()?.chainId ?? 31337, rpcTimeoutMs);
  const index = openIndexReader(config, () => deployment.get());
  try {
    await index.check();
  } catch (err) {
    process.stderr.write(`config: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const relayer = config.relayerPrivateKey ? walletRelayer(config.relayerPrivateKey, node.provider) : undefined;
  if (relayer) logger.info({ relayer: relayer.address }, "relayer on");
  const app = createApp({ config, jwtSecret, db, chain: node.chain, deployment, index, logger, relayer });

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
  const email = startEmailWorker({ db, index, chain: node.chain, deployment, config, logger });

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
          node.destroy();
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
