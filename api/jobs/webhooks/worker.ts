import type { Logger } from "pino";
import type { Config } from "../../env";
import { startPollingLoop } from "../polling-loop";
import type { AppDb } from "../../db";
import { type OutboxIndex, WebhookOutbox } from "./outbox";
import { WebhookSender } from "./sender";

/** The webhook machinery running inside the API process. */
export interface WebhookWorker {
  /** Stops polling and waits for the round in progress (its HTTP attempts end within the delivery time limit). */
  stop(): Promise<void>;
}

/**
 * Starts the outbox poller and the sender in one loop: poll the index and enqueue, send what is
 * due, wait `config.webhookPollMs`, again. A failing round is logged and the loop goes on.
 */
export function startWebhookWorker(deps: {
  db: AppDb;
  index: OutboxIndex;
  config: Config;
  logger: Logger;
  now?: () => number;
}): WebhookWorker {
  const logger = deps.logger.child({ component: "webhooks" });
  const now = deps.now ?? Date.now;
  const outbox = new WebhookOutbox(deps.db, deps.index, logger, now);
  const sender = new WebhookSender(
    deps.db,
    { production: deps.config.production, timeoutMs: deps.config.webhookTimeoutMs, retryScheduleMs: deps.config.webhookRetryScheduleMs },
    logger,
    now,
  );
  const loop = startPollingLoop(
    async (stopped) => {
      await outbox.poll();
      await sender.drain(stopped);
    },
    deps.config.webhookPollMs,
    logger,
    "webhook",
  );
  logger.info({ pollMs: deps.config.webhookPollMs, production: deps.config.production }, "webhook worker started");
  return {
    async stop() {
      await loop.stop();
      logger.info("webhook worker stopped");
    },
  };
}
