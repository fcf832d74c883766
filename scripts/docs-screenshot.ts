/**
 * `npm run docs:screenshot`: the README's picture of a French invoice, from the real thing. Starts a local stack
 * (node, deploy, indexer, API), signs in as a merchant with French legal details, creates a taxed invoice in French
 * for a French customer through POST /invoices, sends its createInvoice transaction, downloads its PDF from the API,
 * renders the first page with pdfjs-dist in Debian's Chromium, and writes docs/screenshots/invoice-fr-pdf.png.
 * Nothing is downloaded: pdfjs-dist comes from node_modules, Chromium from the system (CHROMIUM_PATH).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Network, parseEther } from "ethers";
import { chromium } from "playwright-core";
import { apiRequest, signIn, untilIndexed } from "./lib/demo-api";
import type { DemoTarget } from "./lib/demo";
import { testAccount } from "./lib/test-accounts";
import { REPO_ROOT } from "./stack/paths";
import { startStack } from "./stack/stack";

/** Where the picture goes. */
const OUTPUT = join(REPO_ROOT, "docs", "screenshots", "invoice-fr-pdf.png");
/** Debian's Chromium (never a download). */
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
/** The origin the render page is served from (answered by Playwright's router, no server). */
const RENDER_ORIGIN = "http://pdf-render.invalid";
const PDFJS_BUILD = join(REPO_ROOT, "node_modules", "pdfjs-dist", "build");

/** The render page: pdf.mjs draws page 1 of /invoice.pdf at twice the CSS scale into a canvas, then marks it done. */
const RENDER_HTML = `<!doctype html><html><body style="margin:0;background:#fff">
<canvas id="page"></canvas>
<script type="module">
import * as pdfjs from "/pdf.mjs";
pdfjs.GlobalWorkerOptions.workerSrc = "/pdf.worker.mjs";
const doc = await pdfjs.getDocument({ url: "/invoice.pdf", isEvalSupported: false }).promise;
const page = await doc.getPage(1);
const viewport = page.getViewport({ scale: 2 });
const canvas = document.getElementById("page");
canvas.width = viewport.width;
canvas.height = viewport.height;
canvas.style.width = viewport.width / 2 + "px";
await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
document.body.dataset.done = "1";
</script></body></html>`;

/** Creates the French invoice on a fresh stack and returns its PDF. */
async function frenchInvoicePdf(dir: string): Promise<Buffer> {
  const stack = await startStack({ dir, api: { env: { LOG_LEVEL: "warn" } }, progress: (line) => console.log(`  ${line}`) });
  try {
    const target: DemoTarget = { rpcUrl: stack.node.url, apiUrl: stack.api!.url, deployment: stack.deployment };
    const provider = new JsonRpcProvider(stack.node.url, Network.from(stack.deployment.chainId), { staticNetwork: true });
    const merchant = testAccount(1).connect(provider);
    const token = await signIn(target, merchant);
    await apiRequest(target, "PATCH", "/users/me", token, {
      displayName: "Settle Conseil",
      company: "Settle Conseil SAS",
      email: "facturation@settle-conseil.example",
      billingAddress: { line1: "8 rue du Faubourg Poissonnière", city: "Paris", postalCode: "75010", country: "FR" },
      vatNumber: "FR40303265045",
      companyNumber: "73282932000074",
      invoicePrefix: "F-{YYYY}-",
      paymentTerms: "Paiement à 30 jours, en SETL, via l'escrow Settle.",
    });
    const block = await provider.getBlock("latest");
    const created = await apiRequest<{ transaction: { to: string; data: string; value: string } }>(target, "POST", "/invoices", token, {
      token: stack.deployment.contracts.SettleToken!.address,
      payer: testAccount(2).address,
      dueDate: new Date((block!.timestamp + 30 * 86_400) * 1000).toISOString(),
      language: "fr",
      customer: {
        name: "Atelier Dupont SARL",
        address: { line1: "12 rue de la Paix", city: "Paris", postalCode: "75002", country: "FR" },
        vatNumber: "FR40303265045",
        email: "compta@dupont.example",
      },
      lineItems: [
        {
          description: "Conseil, 3 jours",
          quantity: 3,
          unitPrice: parseEther("1000").toString(),
          discount: parseEther("100").toString(),
          taxRate: "20",
        },
        { description: "Livre technique", quantity: 2, unitPrice: parseEther("10.5").toString(), taxRate: "5.5" },
        { description: "Formation (exonérée)", quantity: 1, unitPrice: parseEther("250").toString(), taxRate: "0", taxMention: "exempt" },
      ],
      notes: "Merci pour votre confiance.",
    });
    const { to, data, value } = created.transaction;
    const receipt = await (await merchant.sendTransaction({ to, data, value: BigInt(value) })).wait();
    const escrowLog = receipt!.logs.find((log) => log.address.toLowerCase() === to.toLowerCase());
    const id = BigInt(escrowLog!.topics[1]!);
    await untilIndexed(target, id, token);
    const pdf = await fetch(new URL(`/invoices/${id}/document.pdf`, target.apiUrl), { headers: { authorization: `Bearer ${token}` } });
    if (!pdf.ok || pdf.headers.get("content-type") !== "application/pdf") throw new Error(`GET the PDF: HTTP ${pdf.status}`);
    provider.destroy();
    return Buffer.from(await pdf.arrayBuffer());
  } finally {
    await stack.stop();
  }
}

/** Renders page 1 of `pdf` in Chromium with pdfjs-dist and saves it as `output`. */
async function renderFirstPage(pdf: Buffer, output: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await page.route(`${RENDER_ORIGIN}/**`, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === "/") return route.fulfill({ contentType: "text/html", body: RENDER_HTML });
      if (path === "/invoice.pdf") return route.fulfill({ contentType: "application/pdf", body: pdf });
      if (path === "/pdf.mjs" || path === "/pdf.worker.mjs")
        return route.fulfill({ contentType: "text/javascript", body: readFileSync(join(PDFJS_BUILD, path.slice(1))) });
      return route.fulfill({ status: 404, body: "" });
    });
    await page.goto(`${RENDER_ORIGIN}/`);
    await page.waitForSelector("body[data-done='1']", { timeout: 60_000 });
    mkdirSync(join(output, ".."), { recursive: true });
    await page.locator("#page").screenshot({ path: output });
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "settle-docs-"));
  try {
    console.log("Creating a French invoice on a local stack…");
    const pdf = await frenchInvoicePdf(dir);
    console.log(`Rendering page 1 of its PDF (${pdf.length} bytes)…`);
    await renderFirstPage(pdf, OUTPUT);
    console.log(`Wrote ${OUTPUT}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
