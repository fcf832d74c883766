import { PaymentEscrowAbi } from "../../core/abis/PaymentEscrow";
import { invoiceTerms } from "../helpers/constants";
import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Contract, ContractFactory, type JsonRpcSigner, parseEther } from "ethers";
import { type Browser, chromium } from "playwright-core";
import { formatAmount } from "../../api/documents/model";
import { verifyDocument } from "../../api/documents/stored";
import { REPO_ROOT } from "../helpers/node";
import { type TestApp, errorCode, jsonRequest, makeApp, signIn, unbuiltIndex } from "../helpers/api-app";
import { describeBackends } from "../helpers/app-db";
import { pdfText } from "../helpers/pdf-text";
import type { RealIndex } from "../helpers/real-index";

/** Where the screenshots of the HTML documents and the PDFs go (gitignored). */
const ARTIFACTS = join(REPO_ROOT, "test-artifacts", "documents");
const DAY = 86_400;
const XSS = `<script>alert("li")</script><img src=x onerror=alert(1)>`;

/** A signed-in node account. */
interface Actor {
  signer: JsonRpcSigner;
  address: string;
  auth: Record<string, string>;
}

/** One invoice of the scenario: its draft id, on-chain id and what its documents must say. */
interface Case {
  draftId: string;
  onchainId: string;
  status: string;
  label: string;
  /** Strings both documents must contain (totals and balance in human units). */
  figures: string[];
}

/** A block time as the documents print it: `YYYY-MM-DD HH:MM UTC`. */
const blockTime = (seconds: bigint) => `${new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;

describe("Invoice document model", function () {
  const SETL = { symbol: "SETL", decimals: 18 };

  it("formats amounts in human units without rounding anything away", function () {
    expect(formatAmount(0n, SETL)).to.equal("0.00 SETL");
    expect(formatAmount(1n, { symbol: "ETH", decimals: 18 })).to.equal("0.000000000000000001 ETH");
    expect(formatAmount(1_234_567n * 10n ** 16n, SETL)).to.equal("12,345.67 SETL");
    expect(formatAmount(1_500_000_123n, { symbol: "TUSD", decimals: 6 })).to.equal("1,500.000123 TUSD");
    expect(formatAmount(42n, { symbol: "units", decimals: 0 })).to.equal("42 units");
    expect(formatAmount(2n ** 96n - 1n, { symbol: "X", decimals: 0 })).to.equal("79,228,162,514,264,337,593,543,950,335 X");
  });

  it("verifies details only against the deployment's own chain and escrow", function () {
    const escrow = "0x9fE46736679d2D9A65F0992F32b2E0E8Ef7B7C20".toLowerCase();
    const merchant = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const draft = {
      id: "5d3c2f4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
      merchant,
      payer: null,
      arbiter: null,
      token: "0x0000000000000000000000000000000000000000",
      chain_id: 31337,
      escrow,
      due_date: 2_000_000_000,
      notes: null,
      total: "5",
      reference: "",
      canonical: "",
      onchain_id: "1",
      linked_at: 0,
      created_at: 0,
      schema: "settle.invoice.v1",
      subtotal: null,
      taxes: null,
      number: null,
      seller: null,
      customer: null,
      language: null,
      currency: null,
      delivery: null,
      supply: null,
    };
    const items = [
      {
        draft_id: draft.id,
        position: 0,
        description: "Tea",
        quantity: "5",
        unit_price: "1",
        amount: "5",
        discount: null,
        tax_rate: null,
        tax_mention: null,
      },
    ];
    draft.reference = verifyDocument({ draft: { draft, items }, row: undefined, chainId: 31337, escrow }).computedReference!;
    const row = {
      id: 1n,
      merchant: merchant.toLowerCase() as `0x${string}`,
      payer: null,
      arbiter: null,
      token: draft.token as `0x${string}`,
      amount: 5n,
      dueDate: 2_000_000_000n,
      reference: draft.reference as `0x${string}`,
      pricing: null,
    };
    expect(verifyDocument({ draft: { draft, items }, row, chainId: 31337, escrow }).headline).to.equal(
      "Verified against chain 31337, invoice #1",
    );
    expect(verifyDocument({ draft: { draft, items }, row, chainId: 1, escrow }).state).to.equal("mismatch");
    expect(verifyDocument({ draft: { draft, items }, row, chainId: 31337, escrow: merchant }).state).to.equal("mismatch");
    expect(verifyDocument({ draft: { draft, items }, row: { ...row, amount: 6n }, chainId: 31337, escrow }).verified).to.equal(false);
    expect(verifyDocument({ draft: undefined, row, chainId: 31337, escrow }).state).to.equal("no_details");
  });
});

describeBackends("API invoice documents (on the shared real index)", function () {
  this.timeout(300_000);

  let real: RealIndex;
  let t: TestApp;
  let merchant: Actor, payer: Actor, arbiter: Actor, stranger: Actor;
  let setl: string;
  const cases: Case[] = [];
  let tampered: Case, offchainOnly: { draftId: string }, bare: { onchainId: string };

  const send = async (actor: Actor, tx: { to: string; data: string; value: string }) => {
    const response = await actor.signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) });
    await response.wait();
  };
  const indexed = () => real.waitForIndex();

  /** Creates a draft through the API; the merchant sends its createInvoice unless `onchain` is false. */
  async function create(
    lineItems: Array<{ description: string; quantity: number; unitPrice: string }>,
    options: { token?: string; payer?: string | null; dueInSeconds?: number; arbiter?: string; notes?: string; onchain?: boolean } = {},
  ): Promise<{ draftId: string; onchainId: string }> {
    // Due dates count from the chain's time: the shared chain may run ahead of the wall clock.
    const head = (await real.provider.getBlock("latest"))!.timestamp;
    const res = await t.app.request(
      "/invoices",
      jsonRequest(
        "POST",
        {
          token: options.token ?? setl,
          payer: options.payer === undefined ? payer.address : options.payer,
          arbiter: options.arbiter ?? null,
          dueDate: new Date((head + (options.dueInSeconds ?? 30 * DAY)) * 1000).toISOString(),
          lineItems,
          notes: options.notes ?? null,
        },
        merchant.auth,
      ),
    );
    expect(res.status, await res.clone().text()).to.equal(201);
    const draft = (await res.json()) as { id: string; reference: string; transaction: { to: string; data: string; value: string } };
    if (options.onchain === false) return { draftId: draft.id, onchainId: "" };
    await send(merchant, draft.transaction);
    await indexed();
    return { draftId: draft.id, onchainId: (await real.reader.invoiceByReference(draft.reference))!.id.toString() };
  }

  /** Asks the API for the action's transactions and sends them from `actor`. */
  async function act(actor: Actor, id: string, body: Record<string, unknown>): Promise<void> {
    const res = await t.app.request(`/invoices/${id}/transactions`, jsonRequest("POST", body, actor.auth));
    expect(res.status, await res.clone().text()).to.equal(200);
    for (const tx of ((await res.json()) as { transactions: Array<{ to: string; data: string; value: string }> }).transactions)
      await send(actor, tx);
    await indexed();
  }

  const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });

  let browser: Browser | undefined;
  /**
   * Opens `html` in headless Debian Chromium with every network request refused, checks that it asked
   * for none, ran no script and drew with the embedded Inter faces, and saves a full-page PNG.
   */
  async function screenshot(name: string, html: string): Promise<void> {
    browser ??= await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    try {
      const requested: string[] = [];
      await page.route("**/*", (route) => {
        requested.push(route.request().url());
        return route.abort();
      });
      let dialogs = 0;
      page.on("dialog", (dialog) => {
        dialogs += 1;
        void dialog.dismiss();
      });
      await page.setContent(html, { waitUntil: "load" });
      const loaded = await page.evaluate(
        `document.fonts.ready.then((fonts) => [...fonts].filter((f) => f.status === "loaded").map((f) => f.family + " " + f.weight))`,
      );
      expect(loaded, name).to.include.members(["Inter 400", "Inter 600"]);
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(join(ARTIFACTS, `${name}.html`), html);
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
      expect(requested, name).to.deep.equal([]);
      expect(dialogs, name).to.equal(0);
    } finally {
      await page.close();
    }
  }

  before(async function () {
    t = await makeApp();
    real = t.real;
    setl = real.deployment.contracts.SettleToken.address;
    const actor = async (n: number): Promise<Actor> => {
      const signer = await real.signer(n);
      const { address, auth } = await signIn(t, signer);
      return { signer, address, auth };
    };
    // Accounts of their own (the fixture's scripted invoices use 1 to 5): nobody else's invoices show up.
    [merchant, payer, arbiter, stranger] = [await actor(14), await actor(15), await actor(16), await actor(17)];
    await (await real.contracts.setl.getFunction("transfer")(payer.address, parseEther("10000"))).wait();

    const profile = (actor: Actor, body: Record<string, unknown>) => t.app.request("/users/me", jsonRequest("PATCH", body, actor.auth));
    expect(
      (
        await profile(merchant, {
          displayName: "Ada Lovelace",
          company: "Analytical Engines Ltd",
          email: "billing@analytical.example",
          billingAddress: { line1: "12 Babbage Row", city: "London", postalCode: "EC1A 1BB", country: "GB" },
          taxId: "GB123456789",
        })
      ).status,
    ).to.equal(200);
    expect((await profile(payer, { displayName: "Grace Hopper", company: "Compilers & Co" })).status).to.equal(200);

    const design = [
      { description: "Design sprint (days)", quantity: 2, unitPrice: parseEther("500").toString() },
      { description: "Hosting, first year", quantity: 1, unitPrice: parseEther("250").toString() },
    ];
    const eth = "0x0000000000000000000000000000000000000000";
    const add = (c: Omit<Case, "draftId" | "onchainId">, ids: { draftId: string; onchainId: string }) => {
      const entry = { ...c, ...ids };
      cases.push(entry);
      return entry;
    };

    const open = await create([{ description: XSS, quantity: 3, unitPrice: parseEther("40").toString() }, ...design], {
      notes: `Thanks! <b>bold?</b> & "quotes"`,
    });
    add({ status: "open", label: "Awaiting payment", figures: ["1,370.00 SETL"] }, open);

    const partial = await create(design);
    await act(payer, partial.onchainId, { action: "pay", amount: parseEther("400").toString() });
    add({ status: "partially_paid", label: "Partly paid", figures: ["1,250.00 SETL", "400.00 SETL", "850.00 SETL"] }, partial);

    const paid = await create([{ description: "Consulting call", quantity: 1, unitPrice: parseEther("0.75").toString() }], { token: eth });
    await act(payer, paid.onchainId, { action: "pay" });
    add({ status: "paid", label: "Paid, in escrow", figures: ["0.75 ETH", "0.00 ETH"] }, paid);

    const released = await create(design);
    await act(payer, released.onchainId, { action: "pay" });
    await act(payer, released.onchainId, { action: "release", amount: parseEther("1000").toString() });
    await act(payer, released.onchainId, { action: "release" });
    add({ status: "released", label: "Released", figures: ["1,250.00 SETL", "1,000.00 SETL"] }, released);

    const refunded = await create([{ description: "Workshop seat", quantity: 2, unitPrice: parseEther("0.1").toString() }], { token: eth });
    await act(payer, refunded.onchainId, { action: "pay" });
    await act(merchant, refunded.onchainId, { action: "refund" });
    add({ status: "refunded", label: "Refunded", figures: ["0.20 ETH"] }, refunded);

    const disputed = await create(design, { arbiter: arbiter.address });
    await act(payer, disputed.onchainId, { action: "pay" });
    await act(payer, disputed.onchainId, { action: "dispute" });
    add({ status: "disputed", label: "Disputed", figures: ["1,250.00 SETL"] }, disputed);

    const resolved = await create([{ description: "Logo redesign", quantity: 1, unitPrice: parseEther("3").toString() }], {
      token: eth,
      arbiter: arbiter.address,
    });
    await act(payer, resolved.onchainId, { action: "pay" });
    await act(payer, resolved.onchainId, { action: "dispute" });
    await act(arbiter, resolved.onchainId, { action: "resolve", toMerchant: parseEther("1").toString() });
    add({ status: "resolved", label: "Resolved", figures: ["3.00 ETH", "1.00 ETH to merchant, 2.00 ETH to payer"] }, resolved);

    const cancelled = await create(design);
    await act(merchant, cancelled.onchainId, { action: "cancel" });
    add({ status: "cancelled", label: "Cancelled", figures: ["1,250.00 SETL"] }, cancelled);

    const expired = await create(design, { dueInSeconds: 120 });
    add({ status: "expired", label: "Expired", figures: ["1,250.00 SETL"] }, expired);

    tampered = { ...(await create(design)), status: "open", label: "Awaiting payment", figures: [] };
    offchainOnly = await create(design, { onchain: false, payer: null });
    // An invoice created on chain without this API: no details to show or verify.
    const escrow = new Contract(real.deployment.contracts.PaymentEscrow.address, PaymentEscrowAbi, merchant.signer);
    const head = (await real.provider.getBlock("latest"))!.timestamp;
    const terms = invoiceTerms({
      payer: payer.address,
      token: eth,
      amount: parseEther("1"),
      dueDate: head + 30 * DAY,
      referenceHash: "0x" + "ab".repeat(32),
    });
    await (await escrow.getFunction("createInvoice")(terms)).wait();
    await indexed();
    bare = { onchainId: (await real.reader.invoiceByReference("0x" + "ab".repeat(32)))!.id.toString() };

    // Three minutes pass: the invoice due in two expires.
    await real.node.rpc("evm_increaseTime", [180]);
    await real.node.mine(1);
    await indexed();
  });

  after(async function () {
    await browser?.close();
    await t?.close();
  });

  describe("every status", function () {
    it("has one invoice of each status in the index", async function () {
      const rows = await Promise.all(cases.map((c) => real.reader.invoice(BigInt(c.onchainId))));
      expect(rows.map((row) => row!.status)).to.deep.equal(cases.map((c) => c.status));
    });

    it("renders the HTML document: status, totals, line items, activity with tx hashes, escrow and chain, verified", async function () {
      for (const c of cases) {
        const res = await get(`/invoices/${c.onchainId}/document`, merchant.auth);
        expect(res.status, c.status).to.equal(200);
        expect(res.headers.get("content-type")).to.match(/^text\/html/);
        const html = await res.text();
        expect(html, c.status).to.include(`data-status="${c.status}"`).and.include(`>${c.label}<`);
        for (const figure of c.figures) expect(html, `${c.status}: ${figure}`).to.include(figure);
        expect(html).to.include(`Verified against chain 31337, invoice #${c.onchainId}`).and.include('data-verification="verified"');
        expect(html).to.include("Ada Lovelace").and.include("Grace Hopper").and.include("12 Babbage Row");
        expect(html).to.include(real.deployment.contracts.PaymentEscrow.address).and.include("chain 31337");
        const items = await t.db.selectFrom("invoice_line_items").select("description").where("draft_id", "=", c.draftId).execute();
        expect(items.length).to.be.greaterThan(0);
        for (const { description } of items) if (description !== XSS) expect(html, c.status).to.include(description);
        for (const event of await real.reader.invoiceEvents(BigInt(c.onchainId))) {
          expect(html, `${c.status} ${event.kind}`).to.include(event.txHash).and.include(blockTime(event.timestamp));
        }
      }
    });

    it("renders the same document as an A4 PDF with an embedded font, whose text says the status, totals and verification", async function () {
      for (const c of cases) {
        const res = await get(`/invoices/${c.onchainId}/document.pdf`, payer.auth);
        expect(res.status, c.status).to.equal(200);
        expect(res.headers.get("content-type")).to.equal("application/pdf");
        expect(res.headers.get("content-disposition")).to.equal(`inline; filename="invoice-${c.onchainId}.pdf"`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        mkdirSync(ARTIFACTS, { recursive: true });
        writeFileSync(join(ARTIFACTS, `invoice-${c.status}.pdf`), bytes);
        const raw = Buffer.from(bytes).toString("latin1");
        expect(raw.startsWith("%PDF-")).to.equal(true);
        expect(raw).to.match(/\/MediaBox \[0 0 595\.28 841\.89\]/);
        expect(raw)
          .to.match(/\/FontFile2 /)
          .and.match(/\/BaseFont \/[A-Z]{6}\+Inter/);
        expect(raw).to.not.match(/\/BaseFont \/(Helvetica|Times|Courier)/);
        const { text } = await pdfText(bytes);
        expect(text, c.status).to.include(c.label.toUpperCase());
        for (const figure of c.figures) expect(text, `${c.status}: ${figure}`).to.include(figure);
        expect(text).to.include(`Verified against chain 31337, invoice #${c.onchainId}`);
        expect(text).to.include("Invoice total").and.include("Balance due");
        const events = await real.reader.invoiceEvents(BigInt(c.onchainId));
        for (const event of events)
          expect(text, `${c.status} ${event.kind}`).to.include(event.txHash).and.include(blockTime(event.timestamp));
      }
    });

    it("saves a screenshot of each HTML document from headless Chromium, which loads nothing from the network", async function () {
      for (const c of cases)
        await screenshot(`invoice-${c.status}`, await (await get(`/invoices/${c.onchainId}/document`, merchant.auth)).text());
    });
  });

  describe("tokens", function () {
    it("reads the symbol and decimals of the invoice's ERC-20 from the chain", async function () {
      const artifact = JSON.parse(readFileSync(join(REPO_ROOT, "artifacts/contracts/test/TestToken.sol/TestToken.json"), "utf8")) as {
        abi: never;
        bytecode: string;
      };
      const tusd = await new ContractFactory(artifact.abi, artifact.bytecode, merchant.signer).deploy("Test USD", "TUSD", 6);
      await tusd.waitForDeployment();
      const { draftId } = await create([{ description: "Support hours", quantity: 3, unitPrice: "1500000" }], {
        token: await tusd.getAddress(),
        onchain: false,
      });
      const html = await (await get(`/invoices/${draftId}/document`, merchant.auth)).text();
      expect(html).to.include("1.50 TUSD").and.include("4.50 TUSD");
    });

    it("shows base units for a token without ERC-20 metadata rather than failing", async function () {
      const notAToken = real.deployment.contracts.StakingRewards.address;
      const { draftId } = await create([{ description: "Odd token", quantity: 2, unitPrice: "7" }], { token: notAToken, onchain: false });
      const res = await get(`/invoices/${draftId}/document.pdf`, merchant.auth);
      expect(res.status).to.equal(200);
      expect((await pdfText(new Uint8Array(await res.arrayBuffer()))).text).to.include(`14 units of ${notAToken.slice(0, 8)}…`);
    });
  });

  describe("long and non-Latin documents", function () {
    it("breaks a long invoice over several PDF pages and draws Cyrillic, Greek and Vietnamese with the embedded font", async function () {
      const names = ["Консультация по проекту", "Μελέτη σχεδιασμού", "Thiết kế giao diện", "Łódź office rent"];
      const items = Array.from({ length: 60 }, (_, n) => ({
        description: `${names[n % names.length]} ${n + 1}`,
        quantity: 1,
        unitPrice: parseEther("1").toString(),
      }));
      const { draftId } = await create(items, { onchain: false });
      const res = await get(`/invoices/${draftId}/document.pdf`, merchant.auth);
      expect(res.status).to.equal(200);
      const bytes = new Uint8Array(await res.arrayBuffer());
      writeFileSync(join(ARTIFACTS, "invoice-long.pdf"), bytes);
      const { text, pages } = await pdfText(bytes);
      expect(pages).to.be.greaterThan(1);
      for (const item of items) expect(text).to.include(item.description);
      expect(text).to.include("60.00 SETL").and.include(`page ${pages} of ${pages}`);
      const html = await (await get(`/invoices/${draftId}/document`, merchant.auth)).text();
      for (const name of names) expect(html).to.include(name);
      const faces = [...html.matchAll(/unicode-range:([^}]+)\}/g)].map((m) => m[1]);
      expect(faces.some((range) => range!.includes("U+0400-045F"))).to.equal(true);
    });
  });

  describe("escaping", function () {
    it("shows a line item's markup as text and never as HTML", async function () {
      const open = cases.find((c) => c.status === "open")!;
      const res = await get(`/invoices/${open.onchainId}/document`, merchant.auth);
      const html = await res.text();
      expect(html).to.not.include("<script>").and.not.include("<img").and.not.include("<b>bold");
      expect(html).to.include("&lt;script&gt;alert(&quot;li&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
      expect(html).to.include("Thanks! &lt;b&gt;bold?&lt;/b&gt; &amp; &quot;quotes&quot;");
      expect(html).to.not.match(/<[^>]*\b(?:src|href)\s*=|url\((?!data:)/);
      expect(res.headers.get("content-security-policy")).to.include("default-src 'none'");
      const { text } = await pdfText(
        new Uint8Array(await (await get(`/invoices/${open.onchainId}/document.pdf`, merchant.auth)).arrayBuffer()),
      );
      expect(text).to.include(`<script>alert("li")</script>`);
    });
  });

  describe("verification", function () {
    it("never shows details edited in the app database after creation as verified", async function () {
      const before = await (await get(`/invoices/${tampered.onchainId}/document`, merchant.auth)).text();
      expect(before).to.include(`Verified against chain 31337, invoice #${tampered.onchainId}`);
      await t.db
        .updateTable("invoice_line_items")
        .set({ description: "Hosting, first year (and second year free)" })
        .where("draft_id", "=", tampered.draftId)
        .where("position", "=", 1)
        .execute();
      for (const id of [tampered.onchainId, tampered.draftId]) {
        const html = await (await get(`/invoices/${id}/document`, merchant.auth)).text();
        expect(html).to.include("(and second year free)").and.include("These details do not match the on-chain reference");
        expect(html).to.include('data-verification="mismatch"').and.not.include("Verified against");
        if (id === tampered.onchainId) await screenshot("invoice-tampered", html);
        const { text } = await pdfText(new Uint8Array(await (await get(`/invoices/${id}/document.pdf`, merchant.auth)).arrayBuffer()));
        expect(text).to.include("These details do not match the on-chain reference").and.not.include("Verified against");
      }
    });

    it("does not verify notes edited in the app database either, and verifies them again once restored", async function () {
      const c = cases.find((x) => x.status === "cancelled")!;
      await t.db.updateTable("invoice_drafts").set({ notes: "Paid in cash" }).where("id", "=", c.draftId).execute();
      const html = await (await get(`/invoices/${c.onchainId}/document`, merchant.auth)).text();
      expect(html).to.include('data-verification="mismatch"');
      await t.db.updateTable("invoice_drafts").set({ notes: null }).where("id", "=", c.draftId).execute();
      expect(await (await get(`/invoices/${c.onchainId}/document`, merchant.auth)).text()).to.include('data-verification="verified"');
    });

    it("says a draft never sent is not found on chain", async function () {
      const html = await (await get(`/invoices/${offchainOnly.draftId}/document`, merchant.auth)).text();
      expect(html).to.include("Not found on chain 31337").and.include('data-status="draft"').and.not.include("Verified against");
      expect(html).to.include("Open invoice: the first payment binds the payer");
      await screenshot("invoice-draft", html);
      const { text } = await pdfText(
        new Uint8Array(await (await get(`/invoices/${offchainOnly.draftId}/document.pdf`, merchant.auth)).arrayBuffer()),
      );
      expect(text).to.include("Not found on chain 31337").and.include("DRAFT").and.include("1,250.00 SETL");
    });

    it("shows an invoice created outside the API with its on-chain state and no verification", async function () {
      const html = await (await get(`/invoices/${bare.onchainId}/document`, payer.auth)).text();
      expect(html).to.include("Not verified: no off-chain details").and.include("1.00 ETH").and.not.include("Verified against");
      // Its merchant can still share it (the link is filed under the on-chain id).
      const created = await t.app.request(`/invoices/${bare.onchainId}/share-links`, { method: "POST", headers: merchant.auth });
      const { url } = (await created.json()) as { url: string };
      expect(url).to.match(new RegExp(`/invoices/${bare.onchainId}/document\\?share=`));
      expect((await get(url.slice("http://localhost:8000".length))).status).to.equal(200);
    });

    it('answers 503 rather than "not found on chain" while the index is not built', async function () {
      const cold = await makeApp({ index: unbuiltIndex() });
      try {
        // The same draft in an app whose index is not there yet (signing in creates the merchant's row).
        const { auth } = await signIn(cold, merchant.signer);
        const source = await t.db.selectFrom("invoice_drafts").selectAll().where("id", "=", offchainOnly.draftId).executeTakeFirstOrThrow();
        await cold.db.insertInto("invoice_drafts").values(source).execute();
        const res = await cold.app.request(`/invoices/${offchainOnly.draftId}/document`, { headers: auth });
        expect(res.status).to.equal(503);
        expect(await errorCode(res)).to.equal("index_not_ready");
      } finally {
        await cold.close();
      }
    });
  });

  describe("access", function () {
    let c: Case;
    before(function () {
      c = cases.find((x) => x.status === "partially_paid")!;
    });

    it("lets the merchant and the payer in, by bearer token or session cookie", async function () {
      for (const actor of [merchant, payer]) {
        expect((await get(`/invoices/${c.onchainId}/document`, actor.auth)).status).to.equal(200);
        expect((await get(`/invoices/${c.draftId}/document.pdf`, actor.auth)).status).to.equal(200);
      }
      const token = merchant.auth.Authorization!.slice("Bearer ".length);
      expect((await get(`/invoices/${c.onchainId}/document`, { Cookie: `settle_session=${token}` })).status).to.equal(200);
    });

    it("refuses a stranger (403), the arbiter (403) and anyone not signed in (401)", async function () {
      for (const actor of [stranger, arbiter]) {
        const res = await get(`/invoices/${c.onchainId}/document`, actor.auth);
        expect(res.status).to.equal(403);
        expect(await errorCode(res)).to.equal("not_invoice_party");
      }
      const anonymous = await get(`/invoices/${c.onchainId}/document.pdf`);
      expect(anonymous.status).to.equal(401);
      expect(await errorCode(anonymous)).to.equal("unauthenticated");
    });

    it("opens both documents with a share link until the merchant revokes it", async function () {
      const created = await t.app.request(
        `/invoices/${c.onchainId}/share-links`,
        jsonRequest("POST", { label: "Accounting" }, merchant.auth),
      );
      expect(created.status).to.equal(201);
      const link = (await created.json()) as { id: string; token: string; url: string; pdfUrl: string; active: boolean };
      expect(link.token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(link.url).to.equal(`http://localhost:8000/invoices/${c.draftId}/document?share=${link.token}`);
      expect(link.active).to.equal(true);
      const row = await t.db.selectFrom("share_links").selectAll().where("id", "=", link.id).executeTakeFirstOrThrow();
      expect(row.token_hash).to.equal(createHash("sha256").update(link.token).digest("hex"));
      expect(JSON.stringify(row)).to.not.include(link.token);

      const path = (url: string) => url.slice("http://localhost:8000".length);
      const html = await get(path(link.url));
      expect(html.status).to.equal(200);
      expect(await html.text()).to.include(`Verified against chain 31337, invoice #${c.onchainId}`);
      const pdf = await get(path(link.pdfUrl));
      expect(pdf.status).to.equal(200);
      expect((await pdfText(new Uint8Array(await pdf.arrayBuffer()))).text).to.include("PARTLY PAID");
      expect((await get(`/invoices/${c.onchainId}/document?share=${link.token}`, stranger.auth)).status).to.equal(200);
      const staleCookie = { Cookie: "settle_session=expired.or.forged" };
      expect((await get(`/invoices/${c.onchainId}/document?share=${link.token}`, staleCookie)).status).to.equal(200);
      expect((await get(`/invoices/${c.onchainId}/document`, staleCookie)).status).to.equal(401);

      const other = cases.find((x) => x.status === "paid")!;
      const elsewhere = await get(`/invoices/${other.onchainId}/document?share=${link.token}`);
      expect(elsewhere.status).to.equal(403);
      expect(await errorCode(elsewhere)).to.equal("share_link_invalid");

      const listed = (await (await get(`/invoices/${c.onchainId}/share-links`, merchant.auth)).json()) as {
        items: Array<{ id: string; label: string; lastUsedAt: string | null; active: boolean }>;
      };
      expect(listed.items.map((i) => [i.id, i.label, i.active])).to.deep.equal([[link.id, "Accounting", true]]);
      expect(listed.items[0]!.lastUsedAt).to.be.a("string");
      expect(JSON.stringify(listed)).to.not.include(link.token);

      const revoked = await t.app.request(`/invoices/${c.onchainId}/share-links/${link.id}`, { method: "DELETE", headers: merchant.auth });
      expect(revoked.status).to.equal(204);
      const after = await get(path(link.url));
      expect(after.status).to.equal(403);
      expect(await errorCode(after)).to.equal("share_link_invalid");
      expect((await get(path(link.pdfUrl))).status).to.equal(403);
      const relisted = (await (await get(`/invoices/${c.onchainId}/share-links`, merchant.auth)).json()) as {
        items: Array<{ active: boolean }>;
      };
      expect(relisted.items.map((i) => i.active)).to.deep.equal([false]);
    });

    it("stops a share link at its expiry", async function () {
      const expiresAt = new Date(t.clock.now + 3600_000).toISOString();
      const res = await t.app.request(`/invoices/${c.onchainId}/share-links`, jsonRequest("POST", { expiresAt }, merchant.auth));
      const { url } = (await res.json()) as { url: string };
      const path = url.slice("http://localhost:8000".length);
      expect((await get(path)).status).to.equal(200);
      t.clock.now += 2 * 3600_000;
      try {
        expect((await get(path)).status).to.equal(403);
      } finally {
        t.clock.now -= 2 * 3600_000;
      }
    });

    it("lets only the merchant create, list and revoke share links", async function () {
      for (const actor of [payer, stranger]) {
        const create = await t.app.request(`/invoices/${c.onchainId}/share-links`, jsonRequest("POST", {}, actor.auth));
        expect(create.status).to.equal(403);
        expect(await errorCode(create)).to.equal("not_invoice_merchant");
        expect((await get(`/invoices/${c.onchainId}/share-links`, actor.auth)).status).to.equal(403);
      }
      // No body at all: a link without label or expiry.
      const created = (await (
        await t.app.request(`/invoices/${c.onchainId}/share-links`, { method: "POST", headers: merchant.auth })
      ).json()) as {
        id: string;
      };
      const byPayer = await t.app.request(`/invoices/${c.onchainId}/share-links/${created.id}`, { method: "DELETE", headers: payer.auth });
      expect(byPayer.status).to.equal(403);
      const other = cases.find((x) => x.status === "paid")!;
      const wrongInvoice = await t.app.request(`/invoices/${other.onchainId}/share-links/${created.id}`, {
        method: "DELETE",
        headers: merchant.auth,
      });
      expect(wrongInvoice.status).to.equal(404);
      expect(await errorCode(wrongInvoice)).to.equal("share_link_not_found");
      expect((await t.app.request(`/invoices/${c.onchainId}/share-links`, { method: "POST", headers: stranger.auth })).status).to.equal(
        403,
      );
    });

    it("answers bad input and unknown invoices with JSON errors", async function () {
      const cases404 = [`/invoices/999999/document`, `/invoices/00000000-0000-4000-8000-000000000000/document.pdf`];
      for (const path of cases404) {
        const res = await get(path, merchant.auth);
        expect(res.status, path).to.equal(404);
        expect(await errorCode(res)).to.equal("invoice_not_found");
      }
      const badId = await get(`/invoices/not-an-id/document`, merchant.auth);
      expect(badId.status).to.equal(400);
      expect(await errorCode(badId)).to.equal("validation_failed");
      const badShare = await get(`/invoices/${c.onchainId}/document?share=short`);
      expect(badShare.status).to.equal(400);
      const unknownShare = await get(`/invoices/${c.onchainId}/document?share=${"A".repeat(43)}`);
      expect(unknownShare.status).to.equal(403);
      const past = await t.app.request(
        `/invoices/${c.onchainId}/share-links`,
        jsonRequest("POST", { expiresAt: new Date(t.clock.now - 1000).toISOString() }, merchant.auth),
      );
      expect(past.status).to.equal(400);
      const extra = await t.app.request(`/invoices/${c.onchainId}/share-links`, jsonRequest("POST", { token: "mine" }, merchant.auth));
      expect(extra.status).to.equal(400);
      const badLink = await t.app.request(`/invoices/${c.onchainId}/share-links/nope`, { method: "DELETE", headers: merchant.auth });
      expect(badLink.status).to.equal(400);
    });

    it("is documented in /openapi.json", async function () {
      const doc = (await (await get("/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
      expect(doc.paths["/invoices/{id}/document"]).to.have.property("get");
      expect(doc.paths["/invoices/{id}/document.pdf"]).to.have.property("get");
      expect(doc.paths["/invoices/{id}/share-links"]).to.have.keys("get", "post");
      expect(doc.paths["/invoices/{id}/share-links/{linkId}"]).to.have.property("delete");
    });
  });
});
