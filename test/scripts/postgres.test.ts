import { expect } from "chai";
import { startPostgres, type PostgresCluster } from "../../scripts/stack/postgres";
import { freePort } from "../support/processes";

describe("throwaway PostgreSQL cluster", function () {
  let cluster: PostgresCluster;

  before(async function () {
    cluster = await startPostgres({ port: await freePort() });
  });
  after(async () => cluster?.drop());

  it("creates databases once and answers queries in them", async function () {
    await cluster.createDatabase("settle_app");
    await cluster.createDatabase("settle_app");
    await cluster.psql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2);", "settle_app");
    expect((await cluster.psql("SELECT count(*) FROM t", "settle_app")).trim()).to.equal("2");
    expect(cluster.url("settle_app")).to.equal(`postgres://postgres@127.0.0.1:${cluster.port}/settle_app`);
  });

  it("keeps committed rows through a kill -9 and a restart", async function () {
    await cluster.kill();
    await expect(cluster.psql("SELECT 1")).to.be.rejectedWith(/psql failed/);
    await cluster.start();
    expect((await cluster.psql("SELECT count(*) FROM t", "settle_app")).trim()).to.equal("2");
  });

  it("refuses a database name that is not plain", async function () {
    await expect(cluster.createDatabase("x; DROP DATABASE postgres")).to.be.rejectedWith(/not a plain database name/);
  });
});
