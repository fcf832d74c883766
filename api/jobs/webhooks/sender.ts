import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { sql } from "kysely";
import type { Logger } from "pino";
import type { AppDb } from "../../db";
import { dialectOf } from "../../db/dialect";
import type { WebhookDeliveriesTable } from "../../db/types";
import { retryDelay } from "../retry";
import { SIGNATURE_HEADER, signatureHeader } from "../../services/webhooks/signature";
import { type UrlPolicy, checkWebhookUrl, guardedLookup } from "../../services/webhooks/ssrf";

/** The most response bytes read from a receiver; the rest is dropped with the connection. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** How much of a response is kept in the delivery log. */
const EXCERPT_BYTES = 512;
/** Most deliveries claimed in one round (at most one per endpoint). */
const BATCH = 50;

/** How the sender behaves (from the API's configuration). */
export interface SenderSettings extends UrlPolicy {
  /** Limit of one attempt, connection to last byte. */
  timeoutMs: number;
  /** Waits before retry 1, 2, … (see {@link retryDelay}); a delivery fails for good after schedule.length + 1 attempts. */
  retryScheduleMs: readonly number[];
}

/** What one HTTP attempt gave. */
interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  excerpt: string | null;
}

/**
 * POSTs `body` to `url` once: no redirects followed, a time limit on the whole exchange, at most
 * {@link MAX_RESPONSE_BYTES} of the response read, and (in production) only public addresses.
 */
export async function postOnce(
  url: string,
  body: string,
  headers: Record<string, string>,
  settings: SenderSettings,
): Promise<AttemptResult> {
  let target: URL;
  try {
    target = await checkWebhookUrl(url, settings);
  } catch (err) {
    return { statusCode: null, error: `refused: ${(err as Error).message}`, excerpt: null };
  }
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = send(
      target,
      {
        method: "POST",
        agent: false,
        lookup: guardedLookup(settings),
        headers: { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body).toString() },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            statusCode: res.statusCode ?? null,
            error: null,
            excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString("utf8"),
          });
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (chunks.reduce((n, c) => n + c.length, 0) < EXCERPT_BYTES) chunks.push(chunk);
          if (size > MAX_RESPONSE_BYTES) done();
        });
        res.on("end", done);
        res.on("error", done);
      },
    );
    const timer = setTimeout(
      () => finish({ statusCode: null, error: `timed out after ${settings.timeoutMs} ms`, excerpt: null }),
      settings.timeoutMs,
    );
    req.on("error", (err: NodeJS.ErrnoException) =>
      finish({ statusCode: null, error: `${err.code ?? "error"}: ${err.message}`.slice(0, 300), excerpt: null }),
    );
    req.end(body);
  });
}

/**
 * The durable outbox's consumer. Each {@link WebhookSender.drain} round claims due deliveries (at
 * most one per endpoint, oldest first, and none for an endpoint that has one in flight), marks them
 * `sending` with a lock that outlives the time limit, signs and POSTs them, logs the attempt, and
 * marks each delivered (2xx), due again after the next wait of the retry schedule, or failed once
 * the schedule is used up. A row left `sending` by a stopped process is due again when its lock
 * passes: deliveries are at least once.
 */
export class WebhookSender {
  /**
   * @param db the app database
   * @param settings time limit, retry schedule and URL policy
   * @param logger pino logger
   * @param now clock in unix milliseconds
   */
  constructor(
    private readonly db: AppDb,
    private readonly settings: SenderSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends rounds until nothing is due (or `shouldStop` says so). Returns how many attempts were made. */
  async drain(shouldStop: () => boolean = () => false): Promise<number> {
    let total = 0;
    for (;;) {
      if (shouldStop()) return total;
      const claimed = await this.claim();
      if (claimed.length === 0) return total;
      await Promise.all(claimed.map((c) => this.attempt(c.delivery, c.url, c.secret)));
      total += claimed.length;
    }
  }

  /** Claims the due deliveries of one round. */
  private async claim(): Promise<Array<{ delivery: WebhookDeliveriesTable; url: string; secret: string }>> {
    const time = this.now();
    // Outlives the attempt's own time limit: a row still locked after that belongs to a stopped process.
    const lock = time + 2 * this.settings.timeoutMs + 1000;
    const postgres = dialectOf(this.db) === "postgres";
    return this.db.transaction().execute(async (trx) => {
      // PostgreSQL: first lock the endpoints with due deliveries, skipping those another replica holds; the deliveries
      // are read after, by a statement whose snapshot sees what that replica committed before releasing them. So each
      // endpoint has one delivery in flight, in order, across replicas (one statement locking both would re-check
      // only the rows it locks, not the in-flight test, against the newest data).
      let endpoints = sql``;
      if (postgres) {
        const held = await sql<{ id: string }>`
          SELECT w.id FROM webhook_endpoints w
          WHERE w.deleted_at IS NULL AND EXISTS (
            SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = w.id
              AND ((d.status = 'pending' AND d.next_attempt_at <= ${time}) OR (d.status = 'sending' AND d.locked_until <= ${time})))
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED`.execute(trx);
        if (held.rows.length === 0) return [];
        endpoints = sql`AND d.endpoint_id IN (${sql.join(held.rows.map((row) => row.id))})`;
      }
      const due = await sql<WebhookDeliveriesTable & { url: string; secret: string }>`
        SELECT d.*, w.url, w.secret FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
        WHERE w.deleted_at IS NULL ${endpoints}
          AND ((d.status = 'pending' AND d.next_attempt_at <= ${time}) OR (d.status = 'sending' AND d.locked_until <= ${time}))
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries f WHERE f.endpoint_id = d.endpoint_id AND f.status = 'sending' AND f.locked_until > ${time})
        ORDER BY d.seq
        LIMIT ${BATCH}`.execute(trx);
      const picked = new Map<string, WebhookDeliveriesTable & { url: string; secret: string }>();
      for (const row of due.rows) if (!picked.has(row.endpoint_id)) picked.set(row.endpoint_id, row);
      const out = [];
      for (const row of picked.values()) {
        await trx
          .updateTable("webhook_deliveries")
          .set({ status: "sending", locked_until: lock, attempts: row.attempts + 1 })
          .where("id", "=", row.id)
          .execute();
        const { url, secret, ...delivery } = row;
        out.push({ delivery: { ...delivery, attempts: row.attempts + 1 }, url, secret });
      }
      return out;
    });
  }

  /** One signed POST of a claimed delivery, then its new state. */
  private async attempt(delivery: WebhookDeliveriesTable, url: string, secret: string): Promise<void> {
    const started = this.now();
    const timestamp = Math.floor(started / 1000);
    const result = await postOnce(
      url,
      delivery.body,
      {
        "User-Agent": "Settle-Webhooks/1",
        [SIGNATURE_HEADER]: signatureHeader(secret, timestamp, delivery.body),
        "Settle-Event-Id": delivery.event_id,
        "Settle-Event-Type": delivery.type,
        "Settle-Delivery-Id": delivery.id,
        "Settle-Delivery-Attempt": String(delivery.attempts),
      },
      this.settings,
    );
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const finished = this.now();
    const wait = retryDelay(this.settings.retryScheduleMs, delivery.attempts);
    const error = ok ? null : (result.error ?? `HTTP ${result.statusCode}`);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("webhook_attempts")
        .values({
          delivery_id: delivery.id,
          attempt: delivery.attempts,
          started_at: started,
          duration_ms: finished - started,
          status_code: result.statusCode,
          error,
          response_excerpt: result.excerpt,
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await trx
        .updateTable("webhook_deliveries")
        .set({
          status: ok ? "delivered" : wait === undefined ? "failed" : "pending",
          next_attempt_at: ok || wait === undefined ? null : finished + wait,
          locked_until: null,
          last_status_code: result.statusCode,
          last_error: error,
          delivered_at: ok ? finished : null,
        })
        .where("id", "=", delivery.id)
        .where("status", "=", "sending")
        .execute();
    });
    const log = {
      deliveryId: delivery.id,
      eventId: delivery.event_id,
      type: delivery.type,
      attempt: delivery.attempts,
      status: result.statusCode,
    };
    if (ok) this.logger.info(log, "webhook delivered");
    else
      this.logger.warn(
        { ...log, error, retryInMs: wait ?? null },
        wait === undefined ? "webhook delivery failed for good" : "webhook delivery failed",
      );
  }
}
