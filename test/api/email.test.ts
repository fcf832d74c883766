import { expect } from "chai";
import { type Contract, type HDNodeWallet, ZeroAddress, parseEther } from "ethers";
import { createTransport } from "nodemailer";
import pino from "pino";
import type { EmailKind } from "../../core/email";
import { CATALOGUES } from "../../core/labels";
import { checkFacturX } from "../../einvoice/facturx/check";
import { formatFailure, isFatal, validateXml } from "../../einvoice/validate";
import { linkPendingDrafts } from "../../api/jobs/draft-linker";
import { EmailOutbox } from "../../api/jobs/email/outbox";
import { EmailSender } from "../../api/jobs/email/sender";
import { WebhookOutbox } from "../../api/jobs/webhooks/outbox";
import { invoiceDocuments } from "../../api/services/invoice-document";
import { ORIGIN, type TestApp, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";
import { type RealIndex, realIndex, useRealIndex } from "../helpers/real-index";
import { type TestSmtpServer, startSmtpServer } from "../helpers/smtp";
import { artifactsOrSkip } from "../helpers/einvoice";
import { EINVOICE_CUSTOMER, becomeEinvoiceSeller, issueEinvoiceReady } from "../helpers/einvoice-api";

const FROM = "Settle Billing <billing@settle.test>";
const MERCHANT_EMAIL = "merchant@settle.test";
const RETRY_MS = [60_000, 120_000];
const AMOUNT = parseEther("0.5");
const silent = pino({ level: "silent" });

type Email = {
  kind: EmailKind;
  to: string;
  language: string;
  state: string;
  attempts: number;
  sentAt: string | null;
  lastError: string | null;
};

describeBackends("Invoice email against a real SMTP server", function () {
  this.timeout(300_000);
  useRealIndex();

  let real: RealIndex;
  let smtp: TestSmtpServer;
  let t: TestApp;
  let merchant: { auth: Record<string, string>; address: string };
  let merchantSigner: HDNodeWallet;
  let payer: HDNodeWallet;
  let escrow: Contract;
  let webhooks: WebhookOutbox;
  let outbox: EmailOutbox;
  let sender: EmailSender;

  before(async function () {
    real = await realIndex();
    smtp = await startSmtpServer();
    t = await makeApp({
      env: { SMTP_URL: smtp.url, SMTP_FROM: FROM, WEBHOOK_CONFIRMATIONS: "1", WEBHOOK_RETRY_SCHEDULE: "1m,2m" },
    });
    merchantSigner = await real.freshSigner();
    payer = await real.freshSigner();
    escrow = real.contracts.escrow;
    merchant = await signIn(t, merchantSigner);
    const res = await t.app.request("/users/me", jsonRequest("PATCH", { email: MERCHANT_EMAIL, company: "Atelier Durand" }, merchant.auth));
    expect(res.status, await res.clone().text()).to.equal(200);
    const now = () => t.clock.now;
    webhooks = new WebhookOutbox(t.db, real.reader, silent);
    outbox = new EmailOutbox(t.db, real.reader, { publicOrigin: ORIGIN, confirmations: 1 }, silent, now);
    sender = new EmailSender(
      t.db,
      real.reader,
      invoiceDocuments(t.deps, now),
      createTransport({ url: smtp.url }),
      { from: FROM, publicOrigin: ORIGIN, retryScheduleMs: RETRY_MS },
      silent,
      now,
    );
    // The first round starts the cursors: what happened before email was on is never sent.
    await settle();
  });

  after(async function () {
    await smtp?.stop();
    await t?.close();
  });

  /** Lets the index catch up, links drafts (numbering them), records webhook events, queues and sends emails. */
  async function settle(): Promise<void> {
    await queue();
    await sender.drain();
  }

  /** {@link settle} without sending. */
  async function queue(): Promise<void> {
    await real.waitForIndex();
    await linkPendingDrafts(t.db, real.reader, t.clock.now);
    await webhooks.poll();
    await outbox.poll();
  }

  /** Another replica's sender on the same app database. */
  function replicaSender(): EmailSender {
    const now = () => t.clock.now;
    const settings = { from: FROM, publicOrigin: ORIGIN, retryScheduleMs: RETRY_MS };
    return new EmailSender(t.db, real.reader, invoiceDocuments(t.deps, now), createTransport({ url: smtp.url }), settings, silent, now);
  }

  /** Creates an ETH invoice for `customer` through the API and sends its createInvoice transaction; returns both ids. */
  async function issue(customer: { name: string; email?: string }, language: "en" | "fr", arbiter?: string) {
    const res = await t.app.request(
      "/invoices",
      jsonRequest(
        "POST",
        {
          token: ZeroAddress,
          payer: payer.address,
          arbiter,
          dueDate: new Date(Date.now() + 30 * 86_400_000).toISOString(),
          customer,
          language,
          lineItems: [{ description: language === "fr" ? "Conseil" : "Consulting", quantity: 1, unitPrice: AMOUNT.toString() }],
        },
        merchant.auth,
      ),
    );
    expect(res.status, await res.clone().text()).to.equal(201);
    const { id: draftId, transaction } = (await res.json()) as { id: string; transaction: { to: string; data: string } };
    await (await merchantSigner.sendTransaction({ to: transaction.to, data: transaction.data })).wait();
    const id = (await escrow.getFunction("invoiceCount")()) as bigint;
    return { id: id.toString(), draftId };
  }

  async function call(signer: HDNodeWallet, fn: string, args: unknown[], value = 0n): Promise<void> {
    await (await (escrow.connect(signer) as Contract).getFunction(fn)(...args, { value })).wait();
  }

  async function emailsOf(id: string, auth = merchant.auth): Promise<Email[] | undefined> {
    const res = await t.app.request(`/invoices/${id}`, { headers: auth });
    expect(res.status).to.equal(200);
    return ((await res.json()) as { emails?: Email[] }).emails;
  }

  const sentFor = (id: string) => smtp.received.filter((m) => m.mail.headers.get("x-settle-invoice") === id);

  it("sends the customer the invoice in French with its share link and PDF, and the page lists it as sent", async function () {
    const invoice = await issue({ name: "Client Martin", email: "Martin@client.test" }, "fr");
    await settle();
    const [message, ...others] = sentFor(invoice.id);
    expect(others).to.have.length(0);
    expect(message!.envelopeTo).to.deep.equal(["martin@client.test"]);
    expect(message!.mail.from?.text).to.include("billing@settle.test");
    expect(message!.mail.subject).to.match(/^Facture .+ de Atelier Durand$/);
    expect(message!.mail.text).to.include("vous a envoyé une facture");
    expect(message!.mail.text).to.include("La facture est jointe au format PDF.");
    const link = new RegExp(`${ORIGIN}/invoices/${invoice.draftId}/document\\?share=[A-Za-z0-9_-]{43}`).exec(message!.mail.text ?? "");
    expect(link, message!.mail.text).not.to.equal(null);
    const opened = await t.app.request(link![0].slice(ORIGIN.length));
    expect(opened.status).to.equal(200);
    expect(await opened.text()).to.include("Client Martin");
    const [pdf, ...more] = message!.mail.attachments;
    expect(more).to.have.length(0);
    expect(pdf!.contentType).to.equal("application/pdf");
    expect(pdf!.filename).to.equal(`invoice-${invoice.id}.pdf`);
    expect(pdf!.content.subarray(0, 5).toString("latin1")).to.equal("%PDF-");

    const emails = await emailsOf(invoice.id);
    expect(emails).to.have.length(1);
    expect(emails![0]).to.include({
      kind: "invoice_issued",
      to: "martin@client.test",
      language: "fr",
      state: "sent",
      attempts: 1,
      lastError: null,
    });
    expect(emails![0]!.sentAt).to.be.a("string");
    const payerAuth = (await signIn(t, payer)).auth;
    expect(await emailsOf(invoice.id, payerAuth)).to.equal(undefined);
  });

  it("attaches the Factur-X PDF when the invoice qualifies: its XML passes the CEN rules and is what format=cii serves", async function () {
    const artifacts = artifactsOrSkip(this);
    const seller = { signer: await real.freshSigner(), auth: {} as Record<string, string> };
    seller.auth = (await signIn(t, seller.signer)).auth;
    await becomeEinvoiceSeller(t, seller);
    const id = await issueEinvoiceReady(t, seller, real.deploymentFile.tokens!.TestUSD!.address, {
      payer: payer.address,
      language: "fr",
      customer: { ...EINVOICE_CUSTOMER, email: "compta@dupont.test" },
    });
    await settle();
    const [message, ...others] = sentFor(id);
    expect(others).to.have.length(0);
    expect(message!.mail.text).to.include(CATALOGUES.fr.email.attachedFacturX);
    expect(message!.mail.text).not.to.include(CATALOGUES.fr.email.attached);
    const [pdf, ...more] = message!.mail.attachments;
    expect(more).to.have.length(0);
    expect(pdf!.contentType).to.equal("application/pdf");
    expect(pdf!.filename).to.match(/^invoice-INV-\d{4}-\d{4}\.pdf$/);
    const report = await checkFacturX(new Uint8Array(pdf!.content));
    expect(report.problems).to.deep.equal([]);
    const { failures } = await validateXml(report.xml!, { artifacts });
    expect(failures.filter(isFatal).map(formatFailure)).to.deep.equal([]);
    const served = await t.app.request(`/invoices/${id}/einvoice?format=cii`, { headers: seller.auth });
    expect(served.status, await served.clone().text()).to.equal(200);
    expect(report.xml).to.equal(await served.text());
  });

  it("keeps the plain PDF and its sentence when the invoice does not qualify (an ETH invoice is not in a currency)", async function () {
    const invoice = await issue({ name: "Client Leroy", email: "leroy@client.test" }, "fr");
    await settle();
    const refused = await t.app.request(`/invoices/${invoice.id}/einvoice?format=facturx`, { headers: merchant.auth });
    expect(refused.status).to.equal(422);
    const [message] = sentFor(invoice.id);
    expect(message!.mail.text).to.include(CATALOGUES.fr.email.attached);
    expect(message!.mail.text).not.to.include(CATALOGUES.fr.email.attachedFacturX);
    const report = await checkFacturX(new Uint8Array(message!.mail.attachments[0]!.content));
    expect(report.xml).to.equal(undefined);
  });

  it("tells the merchant, in the invoice's language, once each, when it is paid and released", async function () {
    const invoice = await issue({ name: "Jane Doe", email: "jane@client.test" }, "en");
    await settle();
    const [copy] = sentFor(invoice.id);
    expect(copy!.mail.subject).to.match(/^Invoice .+ from Atelier Durand$/);
    expect(copy!.mail.text).to.include("View and pay the invoice:");
    expect(copy!.mail.attachments[0]!.contentType).to.equal("application/pdf");

    await call(payer, "payNative", [invoice.id], AMOUNT);
    await settle();
    await call(payer, "release", [invoice.id, AMOUNT / 2n]);
    await call(payer, "release", [invoice.id, AMOUNT / 2n]);
    await settle();
    await settle();
    const notices = sentFor(invoice.id).slice(1);
    expect(notices.map((m) => m.envelopeTo)).to.deep.equal([[MERCHANT_EMAIL], [MERCHANT_EMAIL]]);
    expect(notices.map((m) => m.mail.headers.get("x-settle-email"))).to.deep.equal(["invoice_paid", "invoice_released"]);
    expect(notices[0]!.mail.subject).to.match(/^Invoice .+ has been paid$/);
    expect(notices[1]!.mail.subject).to.match(/^Invoice .+: funds released$/);
    expect(notices[0]!.mail.text).to.include(`${ORIGIN}/#/invoice/${invoice.id}`);
    expect(notices[0]!.mail.attachments).to.have.length(0);
    const emails = await emailsOf(invoice.id);
    expect(emails!.map((e) => [e.kind, e.state])).to.deep.equal([
      ["invoice_issued", "sent"],
      ["invoice_paid", "sent"],
      ["invoice_released", "sent"],
    ]);
  });

  it("tells the merchant in French when a French invoice is refunded and disputed", async function () {
    const invoice = await issue({ name: "Client Dupont" }, "fr", (await real.freshSigner()).address);
    await call(payer, "payNative", [invoice.id], AMOUNT);
    await call(merchantSigner, "refund", [invoice.id, AMOUNT / 4n]);
    await call(payer, "dispute", [invoice.id]);
    await settle();
    const sent = sentFor(invoice.id);
    expect(sent.map((m) => m.mail.headers.get("x-settle-email"))).to.deep.equal(["invoice_paid", "invoice_refunded", "invoice_disputed"]);
    expect(sent.every((m) => m.envelopeTo[0] === MERCHANT_EMAIL)).to.equal(true);
    expect(sent[1]!.mail.subject).to.match(/^Facture .+ a été remboursée$/);
    expect(sent[2]!.mail.subject).to.match(/^Facture .+ est contestée$/);
    expect(sent[2]!.mail.text).to.include("contestée par le payeur");
  });

  it("keeps a message pending with the SMTP error while the server is down or refusing, then delivers it once", async function () {
    await smtp.stop();
    const invoice = await issue({ name: "Late Ltd", email: "late@client.test" }, "en");
    await settle();
    let [email] = (await emailsOf(invoice.id))!;
    expect(email).to.include({ kind: "invoice_issued", state: "pending", attempts: 1, sentAt: null });
    expect(email!.lastError).to.match(/ECONNREFUSED|connect/i);

    await smtp.start();
    smtp.rejectWith = "mailbox busy, try later";
    await sender.drain();
    expect((await emailsOf(invoice.id))![0]!.attempts).to.equal(1);
    t.clock.now += RETRY_MS[0]!;
    await sender.drain();
    [email] = (await emailsOf(invoice.id))!;
    expect(email).to.include({ state: "pending", attempts: 2 });
    expect(email!.lastError).to.include("mailbox busy, try later");
    expect(sentFor(invoice.id)).to.have.length(0);

    smtp.rejectWith = undefined;
    t.clock.now += RETRY_MS[1]!;
    await settle();
    await settle();
    [email] = (await emailsOf(invoice.id))!;
    expect(email).to.include({ state: "sent", attempts: 3, lastError: null });
    expect(sentFor(invoice.id)).to.have.length(1);
  });

  it("sends each message once when several replicas drain the outbox at the same time", async function () {
    const invoices = [];
    for (const name of ["One", "Two", "Three"]) invoices.push(await issue({ name: `${name} Ltd`, email: `${name}@client.test` }, "en"));
    await queue();
    const attempts = await Promise.all([sender.drain(), replicaSender().drain(), replicaSender().drain()]);
    expect(attempts.reduce((a, b) => a + b, 0)).to.equal(3);
    for (const invoice of invoices) {
      expect(sentFor(invoice.id)).to.have.length(1);
      expect((await emailsOf(invoice.id))![0]).to.include({ state: "sent", attempts: 1 });
    }
  });

  it("marks a message failed once the retry schedule is used up", async function () {
    smtp.rejectWith = "no such mailbox";
    const invoice = await issue({ name: "Gone Ltd", email: "gone@client.test" }, "en");
    await settle();
    for (const wait of RETRY_MS) {
      t.clock.now += wait;
      await sender.drain();
    }
    smtp.rejectWith = undefined;
    t.clock.now += 1000;
    await settle();
    const [email] = (await emailsOf(invoice.id))!;
    expect(email).to.include({ state: "failed", attempts: 3 });
    expect(email!.lastError).to.include("no such mailbox");
    expect(sentFor(invoice.id)).to.have.length(0);
  });
});
