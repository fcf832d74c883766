import { expect } from "chai";
import { ZeroAddress } from "ethers";
import pino from "pino";
import { type ConfigError, loadConfig } from "../../api/env";
import { linkPendingDrafts } from "../../api/jobs/draft-linker";
import { startEmailWorker } from "../../api/jobs/email/worker";
import { jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";
import { waitFor } from "../helpers/processes";
import { realIndex, useRealIndex } from "../helpers/real-index";
import { startSmtpServer } from "../helpers/smtp";

// Email's configuration and its worker inside the API process; what is sent, retried and shown: email.test.ts.
const FROM = "Settle Billing <billing@settle.test>";
const silent = pino({ level: "silent" });

describe("Email configuration", function () {
  const base = { JWT_SECRET: "x".repeat(32) };

  it("is off when SMTP_URL is unset", function () {
    const config = loadConfig(base);
    expect(config.smtpUrl).to.equal(undefined);
    expect(config.smtpFrom).to.equal(undefined);
  });

  it("names the fix for a bad SMTP_URL, a missing or malformed SMTP_FROM, without echoing the URL", function () {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
      } catch (err) {
        return (err as ConfigError).problems;
      }
      return [];
    };
    const bad = problems({ SMTP_URL: "http://user:secret@mail.example.com", SMTP_FROM: FROM });
    expect(bad).to.have.length(1);
    expect(bad[0]).to.match(/^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(bad[0]).not.to.include("secret");
    expect(problems({ SMTP_URL: "smtp://127.0.0.1:2525" })).to.deep.equal([
      "SMTP_FROM must be set when SMTP_URL is: the sender address of invoice emails, like billing@example.com",
    ]);
    expect(problems({ SMTP_URL: "smtp://127.0.0.1:2525", SMTP_FROM: "billing" })[0]).to.match(/^SMTP_FROM must be a sender address/);
    const on = loadConfig({ ...base, SMTP_URL: "smtps://u:p@mail.example.com:465", SMTP_FROM: FROM });
    expect([on.smtpUrl, on.smtpFrom]).to.deep.equal(["smtps://u:p@mail.example.com:465", FROM]);
  });
});

describeBackends("Invoice email in the API process", function () {
  this.timeout(300_000);
  useRealIndex();

  it("runs a worker while SMTP_URL is set: it sends the customer's copy of a newly linked invoice, and stops", async function () {
    const real = await realIndex();
    const smtp = await startSmtpServer();
    const t = await makeApp({ env: { SMTP_URL: smtp.url, SMTP_FROM: FROM, WEBHOOK_POLL_MS: "50" } });
    const worker = startEmailWorker({ ...t.deps, logger: silent });
    try {
      expect(worker).not.to.equal(undefined);
      const health = (await (await t.app.request("/health")).json()) as { email: { enabled: boolean } };
      expect(health.email).to.deep.equal({ enabled: true });
      const signer = await real.freshSigner();
      const merchant = await signIn(t, signer);
      const res = await t.app.request(
        "/invoices",
        jsonRequest(
          "POST",
          {
            token: ZeroAddress,
            dueDate: new Date(Date.now() + 86_400_000).toISOString(),
            customer: { name: "Worker Co", email: "worker@client.test" },
            lineItems: [{ description: "Work", quantity: 1, unitPrice: "1000" }],
          },
          merchant.auth,
        ),
      );
      expect(res.status).to.equal(201);
      const { transaction } = (await res.json()) as { transaction: { to: string; data: string } };
      await (await signer.sendTransaction(transaction)).wait();
      await real.waitForIndex();
      await linkPendingDrafts(t.db, real.reader, t.clock.now);
      const [message] = await waitFor("the worker's email", () => (smtp.received.length > 0 ? smtp.received : undefined));
      expect(message!.envelopeTo).to.deep.equal(["worker@client.test"]);
      expect(message!.mail.attachments[0]!.contentType).to.equal("application/pdf");
    } finally {
      await worker?.stop();
      await smtp.stop();
      await t.close();
    }
    expect(smtp.received).to.have.length(1);
  });
});

describeBackends("Invoice email when SMTP_URL is unset", function () {
  this.timeout(300_000);
  useRealIndex();

  it("starts no worker, queues nothing and says so in /health", async function () {
    const real = await realIndex();
    const t = await makeApp();
    try {
      expect(startEmailWorker({ ...t.deps, logger: silent })).to.equal(undefined);
      const health = (await (await t.app.request("/health")).json()) as { email: { enabled: boolean } };
      expect(health.email).to.deep.equal({ enabled: false });
      const merchantSigner = await real.freshSigner();
      const merchant = await signIn(t, merchantSigner);
      const res = await t.app.request(
        "/invoices",
        jsonRequest(
          "POST",
          {
            token: ZeroAddress,
            dueDate: new Date(Date.now() + 86_400_000).toISOString(),
            customer: { name: "Quiet Co", email: "quiet@client.test" },
            lineItems: [{ description: "Work", quantity: 1, unitPrice: "1000" }],
          },
          merchant.auth,
        ),
      );
      expect(res.status).to.equal(201);
      const { id, transaction } = (await res.json()) as { id: string; transaction: { to: string; data: string } };
      await (await merchantSigner.sendTransaction(transaction)).wait();
      await real.waitForIndex();
      expect(await linkPendingDrafts(t.db, real.reader, t.clock.now)).to.be.greaterThan(0);
      const invoice = (await (await t.app.request(`/invoices/${id}`, { headers: merchant.auth })).json()) as {
        onchain: { id: string };
        emails: unknown[];
      };
      expect(invoice.onchain.id).to.match(/^\d+$/);
      expect(invoice.emails).to.deep.equal([]);
      expect(await t.db.selectFrom("email_messages").selectAll().execute()).to.deep.equal([]);
    } finally {
      await t.close();
    }
  });
});
