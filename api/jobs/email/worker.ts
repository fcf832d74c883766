import { createTransport } from "nodemailer";
import type { Logger } from "pino";
import type { Config } from "../../env";
import { startPollingLoop } from "../polling-loop";
import type { DocumentDeps } from "../../services/invoice-document";
import { invoiceDocuments } from "../../services/invoice-document";
import { EmailOutbox } from "./outbox";
import { EmailSender, SMTP_TIMEOUT_MS } from "./sender";

/** The email machinery running inside the API process. */
export interface EmailWorker {
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>;
}

/**
 * Starts invoice email when SMTP_URL is set (returns undefined otherwise: email off, nothing queued): one loop polls
 * the outbox, sends what is due, waits WEBHOOK_POLL_MS, again. A failing round is logged and the loop goes on.
 */
export function startEmailWorker(deps: DocumentDeps & { config: Config; logger: Logger; now?: () => number }): EmailWorker | undefined {
  const { config } = deps;
  if (!config.smtpUrl || !config.smtpFrom) return undefined;
  const logger = deps.logger.child({ component: "email" });
  const now = deps.now ?? Date.now;
  const transport = createTransport({
    url: config.smtpUrl,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  const outbox = new EmailOutbox(
    deps.db,
    deps.index,
    { publicOrigin: config.publicOrigin, confirmations: config.webhookConfirmations },
    logger,
    now,
  );
  const sender = new EmailSender(
    deps.db,
    deps.index,
    invoiceDocuments(deps, now),
    transport,
    { from: config.smtpFrom, publicOrigin: config.publicOrigin, retryScheduleMs: config.webhookRetryScheduleMs },
    logger,
    now,
  );
  const loop = startPollingLoop(
    async (stopped) => {
      await outbox.poll();
      await sender.drain(stopped);
    },
    config.webhookPollMs,
    logger,
    "email",
  );
  logger.info({ from: config.smtpFrom }, "email worker started");
  return {
    async stop() {
      await loop.stop();
      transport.close();
      logger.info("email worker stopped");
    },
  };
}
