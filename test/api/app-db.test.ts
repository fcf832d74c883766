import { expect } from "chai";
import { sql } from "kysely";
import { type Server, createServer } from "node:net";
import { ConfigError, loadConfig } from "../../api/env";
import { type AppDb, MIGRATIONS, migrateToLatest, openAppDatabase } from "../../api/db";
import { describeBackends, freshAppDbTarget, testPostgres } from "../helpers/app-db";
import { freePort } from "../helpers/processes";

/** The one-line error openAppDatabase gives for `url`. */
async function openError(url: string): Promise<string> {
  try {
    const db = await openAppDatabase({ appDbPath: "", appDatabaseUrl: url });
    await db.destroy();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${url} opened`);
}

describe("app database configuration", function () {
  it("refuses an APP_DATABASE_URL that is not a PostgreSQL URL, without echoing it", function () {
    const problems = (() => {
      try {
        loadConfig({ APP_DATABASE_URL: "mysql://root:hunter2@db/settle" });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^APP_DATABASE_URL must be a PostgreSQL URL like postgres:\/\/.*unset it to use SQLite/);
    expect(problems[0]).to.not.include("hunter2");
  });

  it("keeps SQLite when APP_DATABASE_URL is unset or blank", function () {
    expect(loadConfig({}).appDatabaseUrl).to.equal(undefined);
    expect(loadConfig({ APP_DATABASE_URL: " " }).appDatabaseUrl).to.equal(undefined);
    expect(loadConfig({ APP_DATABASE_URL: "postgres://u@127.0.0.1:5432/app" }).appDatabaseUrl).to.equal("postgres://u@127.0.0.1:5432/app");
  });

  it("names the fix when nothing listens at the URL", async function () {
    const message = await openError(`postgres://postgres@127.0.0.1:${await freePort()}/settle_app`);
    expect(message).to.match(/^APP_DATABASE_URL: cannot connect to 127\.0\.0\.1:\d+\/settle_app .*start PostgreSQL there or fix the URL$/);
    expect(message).to.not.include("\n");
  });

  it("names the fix when the server at the URL is not PostgreSQL", async function () {
    const server: Server = createServer((socket) => socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const message = await openError(`postgres://postgres@127.0.0.1:${port}/settle_app`);
      expect(message).to.match(/^APP_DATABASE_URL: 127\.0\.0\.1:\d+\/settle_app is not a PostgreSQL server .*point the URL at PostgreSQL$/);
      expect(message).to.not.include("\n");
    } finally {
      server.close();
    }
  });

  it("names the fix when the database does not exist", async function () {
    const cluster = await testPostgres();
    expect(await openError(cluster.url("no_such_db"))).to.match(/database .*\/no_such_db does not exist: create it/);
  });
});

describeBackends("app database migrations with four replicas", function (backend) {
  let target: Awaited<ReturnType<typeof freshAppDbTarget>>;
  let replicas: AppDb[];
  beforeEach(async function () {
    target = await freshAppDbTarget(backend);
    replicas = await Promise.all([0, 1, 2, 3].map(() => openAppDatabase(target)));
  });
  afterEach(async function () {
    await Promise.all(replicas.map((db) => db.destroy()));
    await target.drop();
  });

  it("run once when the replicas start together", async function () {
    const applied = await Promise.all(replicas.map((db) => migrateToLatest(db)));
    expect(applied.filter((names) => names.length > 0)).to.deep.equal([Object.keys(MIGRATIONS)]);
    const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(replicas[0]!);
    expect(rows.rows.map((r) => r.name)).to.deep.equal(Object.keys(MIGRATIONS));
  });
});
