import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { Wallet } from "ethers";
import { startApiProcess, type ApiProcess } from "../helpers/api-process";
import { QUIET_ENV, REPO_ROOT } from "../helpers/node";
import { hardhatKey } from "../helpers/settle-stack";
import { type RealIndex, realIndex } from "../helpers/real-index";

describe("examples/merchant.ts against a real node, indexer and API", function () {
  this.timeout(300_000);
  let real: RealIndex;
  let api: ApiProcess;

  before(async function () {
    real = await realIndex();
    const dir = mkdtempSync(join(tmpdir(), "settle-example-"));
    api = await startApiProcess(
      {
        APP_DB_PATH: join(dir, "app.sqlite"),
        INDEX_DB_PATH: real.indexer.databasePath,
        RPC_URL: real.node.url,
        SETTLE_DEPLOYMENTS_DIR: real.deployment.deploymentsDir,
        WEBHOOK_POLL_MS: "100",
      },
      dir,
    );
  });
  after(async function () {
    await api?.process.stop();
  });

  it("gets a token, creates an invoice, hears it created, paid and released through verified webhooks, and downloads its PDF", async function () {
    // Accounts 6 and 7 of the shared node are free for tests that transact.
    const pdfDir = mkdtempSync(join(tmpdir(), "settle-example-pdf-"));
    const { stdout } = await promisify(execFile)(
      join(REPO_ROOT, "node_modules", ".bin", "ts-node"),
      ["--transpile-only", "examples/merchant.ts", "--json"],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          ...QUIET_ENV,
          SETTLE_API: api.url,
          RPC_URL: real.node.url,
          MERCHANT_PRIVATE_KEY: hardhatKey(6),
          PAYER_PRIVATE_KEY: hardhatKey(7),
          PDF_DIR: pdfDir,
        },
        timeout: 240_000,
      },
    );
    const summary = JSON.parse(stdout.trim().split("\n").pop()!) as {
      invoiceId: string;
      status: string;
      detailsMatch: boolean;
      webhooks: Array<{ id: string; type: string }>;
      rejectedWebhooks: number;
      releasedWebhookStatus: string;
      pdfPath: string;
    };
    expect(summary.status).to.equal("released");
    expect(summary.detailsMatch).to.equal(true);
    expect(summary.webhooks.map((w) => w.type)).to.deep.equal(["invoice.created", "invoice.paid", "invoice.released"]);
    expect(new Set(summary.webhooks.map((w) => w.id)).size).to.equal(3);
    expect(summary.rejectedWebhooks).to.equal(0);
    expect(summary.releasedWebhookStatus).to.equal("released");
    const pdf = readFileSync(summary.pdfPath);
    expect(pdf.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
    expect(summary.pdfPath.startsWith(pdfDir)).to.equal(true);
    const onchain = (await real.contracts.escrow.getFunction("getInvoice")(BigInt(summary.invoiceId))) as { merchant: string };
    expect(onchain.merchant).to.equal(new Wallet(hardhatKey(6)).address);
  });
});
