import { readFile } from "node:fs/promises";
import { expect } from "chai";
import { Contract, parseEther } from "ethers";
import { checkFacturX } from "../../einvoice/facturx/check";
import { EINVOICE_CUSTOMER, EINVOICE_LINES, EINVOICE_SELLER } from "../helpers/einvoice-api";
import { Backend, BrowserSession, journeySteps } from "../helpers/browser-stack";
import { artifactAbi } from "../helpers/real-index";
import { waitFor } from "../../scripts/stack/processes";

/** French digit groups are narrow no-break spaces; the test compares with plain spaces. */
const plain = (text: string | null) => (text ?? "").replace(/[\u202f\u00a0]/g, " ").trim();

describe("web: a taxed invoice in French, and its credit note", function () {
  this.timeout(180_000);
  journeySteps();
  let backend: Backend;
  let merchant: BrowserSession;
  let invoiceId: string;
  /** GET `path` from the page, with its session cookie. */
  const apiGet = <T>(path: string) =>
    merchant.page.evaluate(async (url) => (await fetch(url, { headers: { Accept: "application/json" } })).json(), path) as Promise<T>;
  /** Sends `body` as JSON with `method` from the page, with its session cookie; returns status and JSON answer. */
  const apiSend = <T>(method: string, path: string, body: unknown) =>
    merchant.page.evaluate(
      async ([m, url, json]) => {
        const answer = await fetch(url, { method: m, headers: { "Content-Type": "application/json" }, body: json });
        return { status: answer.status, body: await answer.json() };
      },
      [method, path, JSON.stringify(body)] as const,
    ) as Promise<{ status: number; body: T }>;

  before(async function () {
    backend = await Backend.shared();
    // Accounts no other journey uses: 8 bills, 9 pays (from outside the page).
    merchant = await BrowserSession.start(backend, { name: "french-merchant", accountIndex: 8 });
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed") await merchant?.screenshot("failed-french").catch(() => undefined);
  });
  after(async function () {
    await merchant?.stop();
  });

  it("switches the page to French, and remembers it", async function () {
    await merchant.open("#/invoices/new");
    expect(plain(await merchant.page.textContent(".nav"))).to.contain("Invoices");
    await merchant.page.selectOption("#language-switcher", "fr");
    await merchant.page.getByRole("heading", { name: "Nouvelle facture" }).waitFor();
    expect(plain(await merchant.page.textContent(".nav"))).to.contain("Factures");
    expect(await merchant.page.getAttribute("html", "lang")).to.equal("fr");
    await merchant.page.reload();
    await merchant.page.getByRole("heading", { name: "Nouvelle facture" }).waitFor();
    expect(await merchant.page.inputValue("#language-switcher")).to.equal("fr");
  });

  it("signs in, in French", async function () {
    await merchant.page.click("#gate-connect");
    await merchant.page.locator("#sign-in").waitFor();
    expect(plain(await merchant.page.textContent("#sign-in"))).to.equal("Se connecter");
    await merchant.page.click((await merchant.page.locator("#gate-signin").count()) > 0 ? "#gate-signin" : "#sign-in");
    await merchant.page.locator("#account-button .signed-in-mark").waitFor();
    await merchant.page.locator("#invoice-form").waitFor();
  });

  it("checks the customer and the lines with the API's rules, in French", async function () {
    await merchant.page.selectOption("#invoice-customer", "new");
    await merchant.page.fill("#customer-name", "Atelier Dupont SARL");
    await merchant.page.fill("#customer-vat", "FR123");
    await merchant.page.fill("#customer-email", "compta@");
    await merchant.page.check("#deliver-elsewhere");
    const line = merchant.page.locator(".line-item").first();
    await line.locator('input[name$="-tax"]').fill("120");
    await merchant.page.click("#create-invoice");
    expect(await merchant.page.textContent("#customer-vat-error")).to.match(/^Ce n'est pas un numéro de TVA européen : a FR VAT number/);
    expect(await merchant.page.textContent("#customer-email-error")).to.equal("Saisissez une adresse e-mail comme nom@exemple.fr.");
    expect(await merchant.page.textContent("#delivery-line1-error")).to.equal("Saisissez l'adresse.");
    expect(await merchant.page.textContent("#line-0-tax-error")).to.equal(
      "Un pourcentage de 0 à 100 comme 20 ou 5,5 (au plus 3 décimales).",
    );
    expect(merchant.wallet.requestsOf("eth_sendTransaction")).to.have.length(0);
  });

  it("shows net, tax per rate and gross live, as the API computes them", async function () {
    const page = merchant.page;
    await page.fill("#customer-vat", "FR40303265045");
    await page.fill("#customer-email", "compta@dupont.example");
    await page.fill("#customer-line1", "12 rue de la Paix");
    await page.fill("#customer-city", "Paris");
    await page.fill("#customer-postal", "75002");
    await page.fill("#customer-country", "FR");
    await page.selectOption("#invoice-language", "fr");
    await page.selectOption("#invoice-supply", "services");
    await page.fill("#delivery-name", "Entrepôt Dupont");
    await page.fill("#delivery-line1", "8 rue des Entrepôts");
    await page.fill("#delivery-city", "Villeurbanne");
    await page.fill("#delivery-postal", "69100");
    await page.fill("#delivery-country", "FR");
    const lines: [string, string, string, string, string][] = [
      ["Conseil, 3 jours", "3", "1000", "100", "20"],
      ["Livre technique", "2", "10,5", "", "5,5"],
    ];
    for (let i = 0; i < lines.length; i++) {
      if (i > 0) await page.click("#add-line");
      const [description, quantity, price, discount, tax] = lines[i]!;
      const row = page.locator(".line-item").nth(i);
      await row.locator('input[name$="-description"]').fill(description);
      await row.locator('input[name$="-quantity"]').fill(quantity);
      await row.locator('input[name$="-price"]').fill(price);
      await row.locator('input[name$="-discount"]').fill(discount);
      await row.locator('input[name$="-tax"]').fill(tax);
    }
    // 3 × 1000 − 100 = 2900 at 20 % (580), 2 × 10.5 = 21 at 5.5 % (1.155): 2921 net, 3502.155 gross.
    expect(plain(await page.textContent("#invoice-subtotal"))).to.equal("2 921 SETL");
    expect(plain(await page.textContent('#invoice-totals dd[data-rate="20"]'))).to.equal("580 SETL");
    expect(plain(await page.textContent('#invoice-totals dd[data-rate="5.5"]'))).to.equal("1,155 SETL");
    expect(plain(await page.textContent("#invoice-total"))).to.equal("3 502,155 SETL");
    expect(plain(await page.textContent("#invoice-totals"))).to.contain("TVA 5,5 %");
    await merchant.screenshot("new-invoice-fr");
  });

  it("creates the invoice on chain; the API's totals are the ones shown", async function () {
    await merchant.page.click("#create-invoice");
    await merchant.page.waitForURL(/#\/invoice\/\d+\?created=1$/, { timeout: 60_000 });
    invoiceId = /#\/invoice\/(\d+)/.exec(merchant.page.url())![1]!;
    const invoice = await apiGet<{
      details: {
        subtotal: string;
        total: string;
        taxes: { rate: string; amount: string }[];
        language: string;
        customer: { email: string };
        supply: string | null;
        delivery: unknown;
      };
      onchain: { amount: string };
    }>(`/invoices/${invoiceId}`);
    expect(invoice.details.subtotal).to.equal(parseEther("2921").toString());
    expect(invoice.details.taxes).to.deep.equal([
      { rate: "5.5", base: parseEther("21").toString(), amount: parseEther("1.155").toString() },
      { rate: "20", base: parseEther("2900").toString(), amount: parseEther("580").toString() },
    ]);
    expect(invoice.details.total).to.equal(parseEther("3502.155").toString());
    expect(invoice.onchain.amount).to.equal(invoice.details.total);
    expect(invoice.details.language).to.equal("fr");
    expect(invoice.details.customer.email).to.equal("compta@dupont.example");
    expect(invoice.details.supply).to.equal("services");
    expect(invoice.details.delivery).to.deep.equal({
      name: "Entrepôt Dupont",
      address: { line1: "8 rue des Entrepôts", city: "Villeurbanne", postalCode: "69100", country: "FR" },
    });
  });

  it("shows the invoice in French with its number and verification", async function () {
    const number = await merchant.waitForText("#invoice-number", /^INV-\d{4}-\d{4}$/, 30_000);
    expect(plain(await merchant.page.textContent("#invoice-title"))).to.equal(`Facture ${number}`);
    expect(await merchant.waitForText("#verification strong", "Vérifiée")).to.equal("Vérifiée");
    expect(plain(await merchant.page.textContent("#invoice-doc-total"))).to.equal("3 502,155 SETL");
    expect(plain(await merchant.page.textContent("#invoice-customer"))).to.contain("compta@dupont.example");
    expect(await merchant.page.textContent("#no-credit-notes")).to.equal("Aucun avoir : rien n'a été rendu au payeur.");
    await merchant.screenshot("invoice-fr");
  });

  it("emails the invoice to the customer, in French, with its PDF and link", async function () {
    const number = await merchant.waitForText("#invoice-number", /^INV-\d{4}-\d{4}$/);
    const smtp = backend.smtp!;
    await waitFor("the customer's email", async () => smtp.received.some((m) => m.envelopeTo.includes("compta@dupont.example")), {
      timeoutMs: 60_000,
    });
    const message = smtp.received.find((m) => m.envelopeTo.includes("compta@dupont.example"))!;
    expect(message.mail.subject).to.match(new RegExp(`^Facture ${number} de `));
    expect(message.mail.text).to.contain(`${backend.baseUrl}/invoices/`).and.to.contain("?share=");
    const [pdf] = message.mail.attachments;
    expect(pdf!.contentType).to.equal("application/pdf");
    expect(pdf!.content.subarray(0, 5).toString()).to.equal("%PDF-");
    // The page says it was sent.
    await merchant.page.reload();
    expect(
      await merchant.page.locator('#invoice-emails [data-kind="invoice_issued"]').getAttribute("data-state", { timeout: 30_000 }),
    ).to.equal("sent");
  });

  it("lists a numbered credit note after a partial refund", async function () {
    const payer = backend.signer(9);
    const deployer = backend.signer(0);
    const escrow = new Contract(
      backend.deployment.contracts.PaymentEscrow!.address,
      artifactAbi("PaymentEscrow.sol/PaymentEscrow.json"),
      payer,
    );
    const token = new Contract(
      backend.deployment.contracts.SettleToken!.address,
      artifactAbi("SettleToken.sol/SettleToken.json"),
      deployer,
    );
    const amount = parseEther("3502.155");
    await (await token.getFunction("transfer")(payer.address, amount)).wait();
    await (await token.connect(payer).getFunction("approve")(escrow.target, amount)).wait();
    await (await escrow.getFunction("pay")(BigInt(invoiceId), amount)).wait();
    payer.provider!.destroy();
    deployer.provider!.destroy();
    await backend.waitForIndex();
    await merchant.page.reload();
    await merchant.page.locator("#refund-amount").waitFor();
    expect(plain(await merchant.page.textContent(".actions-card"))).to.contain("Rembourser le payeur");
    // Prefilled with everything held, written the French way (no digit groups, a decimal comma).
    expect(await merchant.page.inputValue("#refund-amount")).to.equal("3502,155");
    await merchant.page.fill("#refund-amount", "1000");
    await merchant.page.click("#action-refund");
    await merchant.txCard("#invoice-tx", "indexed");
    const row = merchant.page.locator("#credit-notes tr[data-credit-note]");
    await row.first().waitFor({ timeout: 30_000 });
    const number = await row.first().getAttribute("data-credit-note");
    expect(number).to.match(/^CN-INV-\d{4}-\d{4}$/);
    expect(plain(await row.first().textContent())).to.contain("1 000 SETL");
    const pdf = await row.first().locator("a.credit-note-pdf").getAttribute("href");
    const response = await merchant.page.evaluate(async (url) => {
      const answer = await fetch(url);
      return { status: answer.status, type: answer.headers.get("content-type") };
    }, pdf!);
    expect(response).to.deep.equal({ status: 200, type: "application/pdf" });
    await merchant.screenshot("credit-note-fr");
  });

  it("lists the invoice by its number, in French", async function () {
    await merchant.go("#/invoices?role=merchant&tab=all");
    const row = merchant.page.locator(`tr[data-invoice="${invoiceId}"]`);
    await row.waitFor();
    expect(plain(await row.locator("a.row-link").textContent())).to.match(/^INV-\d{4}-\d{4}$/);
    expect(plain(await merchant.page.textContent("#tab-awaiting"))).to.equal("En attente de paiement");
  });

  it("shows the API's reason when the invoice cannot be an e-invoice (a 422: no seller's legal details, not a currency)", async function () {
    await merchant.go(`#/invoice/${invoiceId}`);
    const refusal = await merchant.page.evaluate(async (url) => {
      const answer = await fetch(url);
      return { status: answer.status, body: (await answer.json()) as { error: { code: string; message: string } } };
    }, `/invoices/${invoiceId}/einvoice?format=facturx`);
    expect(refusal.status).to.equal(422);
    await merchant.page.click("#einvoice-facturx");
    const error = merchant.page.locator("#einvoice-links .inline-error");
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).to.include(refusal.body.error.message);
    expect(plain(await merchant.page.textContent("#einvoice-links .hint"))).to.contain("norme européenne EN 16931");
  });

  it("downloads the Factur-X PDF of an invoice in a stablecoin: its XML is what the API serves as CII", async function () {
    expect((await apiSend("PATCH", "/users/me", EINVOICE_SELLER)).status).to.equal(200);
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const body = {
      token: backend.deployment.tokens!.TestUSD!.address,
      dueDate: due,
      customer: EINVOICE_CUSTOMER,
      language: "fr",
      lineItems: EINVOICE_LINES,
    };
    const draft = await apiSend<{ id: string; transaction: { to: string; data: string; value: string } }>("POST", "/invoices", body);
    expect(draft.status, JSON.stringify(draft.body)).to.equal(201);
    const signer = backend.signer(8);
    const tx = draft.body.transaction;
    await (await signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })).wait();
    signer.provider!.destroy();
    await backend.waitForIndex();
    const { onchain } = await apiGet<{ onchain: { id: string } }>(`/invoices/${draft.body.id}`);
    await merchant.go(`#/invoice/${onchain.id}`);
    await merchant.waitForText("#invoice-number", /^INV-\d{4}-\d{4}$/, 30_000);
    const [download] = await Promise.all([merchant.page.waitForEvent("download"), merchant.page.click("#einvoice-facturx")]);
    expect(download.suggestedFilename()).to.match(/^invoice-INV-\d{4}-\d{4}\.pdf$/);
    const report = await checkFacturX(new Uint8Array(await readFile((await download.path())!)));
    expect(report.problems).to.deep.equal([]);
    const cii = await merchant.page.evaluate(async (url) => (await fetch(url)).text(), `/invoices/${onchain.id}/einvoice?format=cii`);
    expect(report.xml).to.equal(cii);
    expect(await merchant.page.locator("#einvoice-links .inline-error").count()).to.equal(0);
    await merchant.screenshot("einvoice-fr");
  });

  it("raised no uncaught error and broke no Content-Security-Policy rule", function () {
    expect(merchant.problems).to.deep.equal([]);
  });
});
