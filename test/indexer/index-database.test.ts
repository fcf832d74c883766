import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { QUIET_ENV, REPO_ROOT } from "../../scripts/stack/paths";
import { freshPostgresDatabase } from "../helpers/app-db";
import { startIndexer } from "../helpers/indexer";
import { deploySettle, startHardhatNode, type HardhatNode, type TestDeployment } from "../helpers/node";
import { freePort, stopAllProcesses } from "../helpers/processes";

const run = promisify(execFile);

/** Runs the indexer's supervisor on `url` until it exits; returns its exit code and its error lines. */
async function supervisorOn(url: string, rpcUrl: string, deploymentsDir: string): Promise<{ code: number; errors: string[] }> {
  const env = {
    ...process.env,
    ...QUIET_ENV,
    INDEX_DATABASE_URL: url,
    RPC_URL: rpcUrl,
    SETTLE_DEPLOYMENTS_DIR: deploymentsDir,
    SETTLE_INDEX_DIR: mkdtempSync(join(tmpdir(), "settle-index-")),
    PORT: String(await freePort()),
  };
  try {
    await run(process.execPath, ["--import", "tsx", "supervisor/main.ts"], { cwd: join(REPO_ROOT, "indexer"), env, timeout: 60_000 });
    return { code: 0, errors: [] };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, errors: failure.stderr.split("\n").filter((line) => line.startsWith("[indexer] error:")) };
  }
}

describe("Indexer: INDEX_DATABASE_URL it cannot use stops it with one line that names the fix", function () {
  this.timeout(180_000);
  let node: HardhatNode;
  let deployment: TestDeployment;

  before(async function () {
    node = await startHardhatNode();
    deployment = await deploySettle(node);
  });

  after(async function () {
    await stopAllProcesses();
  });

  it("when nothing listens at the URL", async function () {
    const { code, errors } = await supervisorOn(`postgres://postgres@127.0.0.1:${await freePort()}/settle_index`, node.url, deployment.deploymentsDir);
    expect(code).to.equal(1);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/^\[indexer\] error: INDEX_DATABASE_URL: cannot connect to 127\.0\.0\.1:\d+\/settle_index .*start PostgreSQL there or fix the URL$/);
  });

  it("when the server at the URL is not PostgreSQL", async function () {
    const server: Server = createServer((socket) => socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const { code, errors } = await supervisorOn(`postgres://postgres@127.0.0.1:${port}/settle_index`, node.url, deployment.deploymentsDir);
      expect(code).to.equal(1);
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(/INDEX_DATABASE_URL: 127\.0\.0\.1:\d+\/settle_index is not a PostgreSQL server .*point the URL at PostgreSQL$/);
    } finally {
      server.close();
    }
  });

  it("when another indexer is writing the deployment's schema", async function () {
    const first = await startIndexer({ rpcUrl: node.url, deploymentsDir: deployment.deploymentsDir, backend: "postgres" });
    await first.waitUntilIndexed();
    const location = first.location as { url: string; schema: () => string };
    const { code, errors } = await supervisorOn(location.url, node.url, deployment.deploymentsDir);
    expect(code).to.equal(1);
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include(`another Settle indexer is writing schema ${location.schema()}`);
    expect(errors[0]).to.match(/stop it, or give this indexer another database \(INDEX_DATABASE_URL\)$/);
    // The first one is untouched: still serving.
    expect(await first.reader.isReady()).to.equal(true);
    await first.stop();
  });

  it("when the database does not exist", async function () {
    const { url, drop } = await freshPostgresDatabase("settle_gone");
    await drop();
    const { code, errors } = await supervisorOn(url, node.url, deployment.deploymentsDir);
    expect(code).to.equal(1);
    expect(errors[0]).to.match(/INDEX_DATABASE_URL: database .* does not exist: create it \(createdb\) or fix the URL$/);
  });
});
