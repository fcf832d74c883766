/**
 * A real SMTP server for the email tests (smtp-server, by nodemailer's authors) on a free local port: it keeps every
 * message it accepts, parsed by mailparser, can answer DATA with a temporary failure, and can stop and start again on
 * the same port (an SMTP server down, then back).
 */
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { freePort } from "./processes";

/** A running test SMTP server. */
export interface TestSmtpServer {
  /** smtp://127.0.0.1:<port> (no TLS, no authentication). */
  url: string;
  /** Every accepted message, in order, parsed; `raw` is the message as received. */
  received: Array<{ envelopeTo: string[]; mail: ParsedMail; raw: Buffer }>;
  /** While set, DATA is answered with this temporary failure (451) and nothing is kept. */
  rejectWith: string | undefined;
  /** Stops listening (connections are refused until {@link TestSmtpServer.start}). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/** Starts a test SMTP server on a free port. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const port = await freePort();
  let server: SMTPServer | undefined;
  const smtp: TestSmtpServer = {
    url: `smtp://127.0.0.1:${port}`,
    received: [],
    rejectWith: undefined,
    async start() {
      const instance = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS", "AUTH"],
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            if (smtp.rejectWith !== undefined) {
              const error = new Error(smtp.rejectWith) as Error & { responseCode: number };
              error.responseCode = 451;
              callback(error);
              return;
            }
            const raw = Buffer.concat(chunks);
            simpleParser(raw)
              .then((mail) => {
                smtp.received.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), mail, raw });
                callback(null, "queued");
              })
              .catch((err: Error) => callback(err));
          });
        },
      });
      await new Promise<void>((resolve, reject) => {
        instance.once("error", reject);
        instance.listen(port, "127.0.0.1", () => resolve());
      });
      server = instance;
    },
    async stop() {
      const instance = server;
      server = undefined;
      if (instance) await new Promise<void>((resolve) => instance.close(() => resolve()));
    },
  };
  await smtp.start();
  return smtp;
}
