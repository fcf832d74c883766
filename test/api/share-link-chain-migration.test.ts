import { expect } from "chai";
import { Migrator, type MigrationProvider, sql } from "kysely";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppDb, MIGRATIONS, migrateToLatest, openAppDatabase } from "../../api/db";
import { describeBackends, freshPostgresDatabase } from "../helpers/app-db";

// Migration 0013 (share links name their invoice's chain) on an app database that has share links already.
describeBackends("app database: migration 0013 (share links' chain)", function (backend) {
  let db: AppDb;
  let drop: () => Promise<void>;

  beforeEach(async function () {
    const dir = mkdtempSync(join(tmpdir(), "settle-appdb-"));
    const postgres = backend === "postgres" ? await freshPostgresDatabase() : undefined;
    db = await openAppDatabase({ appDbPath: join(dir, "app.sqlite"), appDatabaseUrl: postgres?.url });
    drop = async () => {
      await db.destroy();
      await postgres?.drop();
      rmSync(dir, { recursive: true, force: true });
    };
    // Up to 0012: the database as it was before several chains.
    const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
    const { error } = await new Migrator({ db, provider }).migrateTo("0012_invoice_mentions");
    if (error) throw error;
  });
  afterEach(async function () {
    await drop();
  });

  it("gives a draft's links its draft's chain and leaves an on-chain invoice's links to the first network", async function () {
    const merchant = "0x0000000000000000000000000000000000000001";
    await sql`INSERT INTO users (address, created_at, updated_at) VALUES (${merchant}, 1, 1)`.execute(db);
    await sql`INSERT INTO invoice_drafts (id, merchant, token, chain_id, escrow, due_date, total, reference, canonical, created_at)
              VALUES ('d-8453', ${merchant}, '0x0', 8453, '0x0', 1, '1', '0xaa', '{}', 1)`.execute(db);
    for (const [id, key] of [
      ["l-draft", "d-8453"],
      ["l-onchain", "onchain:7"],
    ])
      await sql`INSERT INTO share_links (id, invoice_key, token_hash, created_by, created_at)
                VALUES (${id}, ${key}, ${`hash-${id}`}, ${merchant}, 1)`.execute(db);

    expect(await migrateToLatest(db)).to.deep.equal(["0013_share_link_chain"]);
    const links = await db.selectFrom("share_links").select(["id", "chain_id"]).orderBy("id").execute();
    expect(links).to.deep.equal([
      { id: "l-draft", chain_id: 8453 },
      { id: "l-onchain", chain_id: null },
    ]);
  });
});
