/**
 * A real HTTP server on loopback that records every webhook it receives, answering each request as
 * the test says (a status, or a delay longer than the sender's time limit).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got. */
export interface ReceivedWebhook {
  /** The request's path. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as received. */
  body: string;
  /** The body parsed. */
  json: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  /** What the receiver answered (its status; 0 when it hung up without answering). */
  answered: number;
}

/**
 * How to answer the next request: a status (with headers), hang for `delayMs` before answering
 * 200, or 200 with a body that never ends.
 */
export type Answer = { status: number; headers?: Record<string, string> } | { delayMs: number } | { endlessBody: true };

/** A running receiver. */
export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Answers to use, in order, before falling back to 200. */
  answers: Answer[];
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 and a free port. */
export async function startWebhookReceiver(path = "/hooks"): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers: Answer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const answer = answers.shift() ?? { status: 200 };
      const record: ReceivedWebhook = {
        path: req.url ?? "",
        headers: req.headers,
        body,
        json: JSON.parse(body) as ReceivedWebhook["json"],
        answered: 0,
      };
      received.push(record);
      if ("delayMs" in answer) {
        const timer = setTimeout(() => {
          record.answered = 200;
          res.writeHead(200).end("late");
        }, answer.delayMs);
        res.on("close", () => clearTimeout(timer));
        return;
      }
      if ("endlessBody" in answer) {
        record.answered = 200;
        res.writeHead(200, { "Content-Type": "text/plain" });
        const chunk = "x".repeat(16 * 1024);
        const timer = setInterval(() => res.write(chunk), 1);
        res.on("close", () => clearInterval(timer));
        return;
      }
      record.answered = answer.status;
      res.writeHead(answer.status, { "Content-Type": "text/plain", ...answer.headers }).end(answer.status < 300 ? "ok" : "receiver error");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
