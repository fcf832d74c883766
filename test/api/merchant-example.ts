import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { startApiProcess, type ApiProcess } from "../support/api-process";
import { QUIET_ENV, REPO_ROOT } from "../support/node";
import { stopAllProcesses } from "../support/processes";
import { type SettleStack, HARDHAT_KEYS, startSettleStack } from "../support/settle-stack";

describe("examples/merchant.ts against a real node, indexer and API", function () {
  this.timeout(300_000);
  let stack: SettleStack;
  let api: ApiProcess;

  before(async function () {
    stack = await startSettleStack();
    const dir = mkdtempSync(join(tmpdir(), "settle-example-"));
    api = await startApiProcess(
      {
        APP_DB_PATH: join(dir, "app.sqlite"),
        INDEX_DB_PATH: stack.indexer.databasePath,
        RPC_URL: stack.node.url,
        SETTLE_DEPLOYMENTS_DIR: stack.deployment.deploymentsDir,
        WEBHOOK_POLL_MS: "100",
      },
      dir,
    );
    await stack.indexer.waitUntilIndexed();
  });
  after(async function () {
    await stopAllProcesses();
  });

  it("gets a token, creates an invoice, and hears it created, paid and released through verified webhooks", async function () {
    const { stdout } = await promisify(execFile)(
      join(REPO_ROOT, "node_modules", ".bin", "ts-node"),
      ["--transpile-only", "examples/merchant.ts", "--json"],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          ...QUIET_ENV,
          SETTLE_API: api.url,
          RPC_URL: stack.node.url,
          MERCHANT_PRIVATE_KEY: HARDHAT_KEYS[1],
          PAYER_PRIVATE_KEY: HARDHAT_KEYS[2],
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
    };
    expect(summary.status).to.equal("released");
    expect(summary.detailsMatch).to.equal(true);
    expect(summary.webhooks.map((w) => w.type)).to.deep.equal(["invoice.created", "invoice.paid", "invoice.released"]);
    expect(new Set(summary.webhooks.map((w) => w.id)).size).to.equal(3);
    expect(summary.rejectedWebhooks).to.equal(0);
    expect(summary.releasedWebhookStatus).to.equal("released");
    expect(await stack.invoiceCount()).to.equal(BigInt(summary.invoiceId));
  });
});
