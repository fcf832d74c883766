/**
 * settle:einvoice against the API over real HTTP on the shared real index: it signs in with SIWE as a Hardhat account
 * (the invoice's merchant) or uses a share link, and writes the file the API serves; refusals and bad arguments are one
 * clear line. Lives among the API suites because it needs the shared real index (test/tasks runs after the indexer
 * suites have stopped every process).
 */
import { readFile, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { expect } from "chai";
import { checkFacturX } from "../../einvoice/facturx/check";
import { type TestApp, jsonRequest, makeApp, signIn } from "../helpers/api-app";
import { EINVOICE_CUSTOMER, type EinvoiceMerchant, becomeEinvoiceSeller, issueEinvoiceReady } from "../helpers/einvoice-api";
import { useRealIndex } from "../helpers/real-index";
import { runJson, runTask } from "../helpers/task-runner";

/** The node account that is the merchant here (accounts 6 and up are free for specs that transact). */
const MERCHANT_ACCOUNT = 17;

describe("settle:einvoice task (API over HTTP, shared real index)", function () {
  this.timeout(300_000);
  useRealIndex();
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let api: string;
  let merchant: EinvoiceMerchant;
  let usdInvoice: string, setlInvoice: string;

  before(async function () {
    t = await makeApp();
    await new Promise<void>((resolve) => {
      server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
    });
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const signer = await t.real.signer(MERCHANT_ACCOUNT);
    merchant = { signer, auth: (await signIn(t, signer)).auth };
    await becomeEinvoiceSeller(t, merchant);
    const extra = { customer: EINVOICE_CUSTOMER, language: "fr" };
    usdInvoice = await issueEinvoiceReady(t, merchant, t.real.deploymentFile.tokens!.TestUSD!.address, extra);
    setlInvoice = await issueEinvoiceReady(t, merchant, t.real.deploymentFile.contracts.SettleToken.address, extra);
  });
  beforeEach(function () {
    // The task signs its SIWE message with the wall clock.
    t.clock.now = Date.now();
  });
  after(async function () {
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  const out = (name: string) => join(t.dir, name);
  /** What GET /invoices/{id}/einvoice?format=… serves the merchant. */
  async function served(id: string, format: string): Promise<Buffer> {
    const res = await t.app.request(`/invoices/${id}/einvoice?format=${format}`, { headers: merchant.auth });
    expect(res.status, await res.clone().text()).to.equal(200);
    return Buffer.from(await res.arrayBuffer());
  }

  it("signs in as the merchant's account and writes the CII the API serves", async function () {
    const file = out("invoice.cii.xml");
    const report = await runJson("settle:einvoice", { id: usdInvoice, format: "cii", out: file, api, from: String(MERCHANT_ACCOUNT) });
    const bytes = await readFile(file);
    expect(bytes.equals(await served(usdInvoice, "cii"))).to.equal(true);
    expect(report).to.include({ out: file, format: "cii", mediaType: "application/xml" });
    expect(report.fileName).to.match(/^invoice-INV-\d{4}-\d{4}\.cii\.xml$/);
    expect(Number(report.bytes)).to.equal(bytes.length);
  });

  it("writes the Factur-X PDF (account given by address) carrying that CII", async function () {
    const file = out("invoice.pdf");
    const from = await merchant.signer.getAddress();
    const run = await runTask("settle:einvoice", { id: usdInvoice, format: "facturx", out: file, api, from });
    expect(run.failed, run.err).to.equal(false);
    expect(run.out).to.match(/^wrote invoice-INV-\d{4}-\d{4}\.pdf \(facturx, \d+ bytes\) to /);
    const report = await checkFacturX(new Uint8Array(await readFile(file)));
    expect(report.problems).to.deep.equal([]);
    expect(report.xml).to.equal((await served(usdInvoice, "cii")).toString("utf8"));
  });

  it("downloads with a share link, without signing in", async function () {
    const created = await t.app.request(`/invoices/${usdInvoice}/share-links`, jsonRequest("POST", { label: "accounting" }, merchant.auth));
    expect(created.status).to.equal(201);
    const { token } = (await created.json()) as { token: string };
    const file = out("invoice.ubl.xml");
    await runJson("settle:einvoice", { id: usdInvoice, format: "ubl", out: file, api, share: token });
    expect((await readFile(file)).equals(await served(usdInvoice, "ubl"))).to.equal(true);
  });

  it("prints the API's refusal: 422 with its reason, 403 for another account, 404 for an unknown credit note", async function () {
    const file = out("refused.xml");
    await rm(file, { force: true });
    const merchantArgs = { id: usdInvoice, format: "cii", out: file, api, from: String(MERCHANT_ACCOUNT) };
    let run = await runTask("settle:einvoice", { ...merchantArgs, id: setlInvoice });
    expect(run.failed).to.equal(true);
    expect(run.err).to.match(/^error: the API refused the e-invoice of invoice \d+ \(HTTP 422 not_a_currency: .*stablecoin/);
    run = await runTask("settle:einvoice", { ...merchantArgs, from: String(MERCHANT_ACCOUNT + 1) });
    expect(run.err).to.include("(HTTP 403 not_invoice_party:");
    run = await runTask("settle:einvoice", { ...merchantArgs, creditNote: "CN-NONE-0001" });
    expect(run.err).to.include("HTTP 404 credit_note_not_found");
    await expect(readFile(file)).to.be.rejectedWith(/ENOENT/);
  });

  it("names bad arguments and an API that does not answer, in one line", async function () {
    const base = { id: usdInvoice, format: "cii", out: out("bad.xml"), api };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ format: "pdf" }, 'error: bad --format "pdf": use facturx, ubl, cii'],
      [{ id: "0" }, 'error: bad --id "0": on-chain ids are whole numbers from 1'],
      [{ creditNote: "12" }, 'error: bad --credit-note "12"'],
      [{ share: "short" }, "error: bad --share: a share link's token is the 43 characters"],
      [{ share: "a".repeat(43), from: "1" }, "error: give --from or --share, not both"],
      [{ from: "99" }, "error: no account #99"],
      [{ api: "http://127.0.0.1:9" }, "error: cannot reach the Settle API at http://127.0.0.1:9"],
    ];
    for (const [args, error] of cases) {
      const run = await runTask("settle:einvoice", { ...base, ...args });
      expect(run.failed, JSON.stringify(args)).to.equal(true);
      expect(run.err, JSON.stringify(args)).to.include(error);
    }
  });
});
