import { expect } from "chai";
import { Migrator, type MigrationProvider, sql } from "kysely";
import { type AppDb, MIGRATIONS, migrateToLatest } from "../../api/db";
import { describeBackends, openFreshAppDb } from "../helpers/app-db";

// Migrations 0013 (share links name their invoice's chain) and 0014 (credit notes do too) on an app database that
// has share links and credit notes already.
describeBackends("app database: migrations 0013 and 0014 (share links' and credit notes' chain)", function (backend) {
  let db: AppDb;
  let drop: () => Promise<void>;

  beforeEach(async function () {
    ({ db, drop } = await openFreshAppDb(backend));
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

    expect(await migrateToLatest(db)).to.deep.equal(["0013_share_link_chain", "0014_credit_note_chain", "0015_webhook_chain_marks"]);
    const links = await db.selectFrom("share_links").select(["id", "chain_id"]).orderBy("id").execute();
    expect(links).to.deep.equal([
      { id: "l-draft", chain_id: 8453 },
      { id: "l-onchain", chain_id: null },
    ]);
  });

  it("gives a credit note its draft's chain, and reads it by chain after", async function () {
    const merchant = "0x0000000000000000000000000000000000000001";
    await sql`INSERT INTO users (address, created_at, updated_at) VALUES (${merchant}, 1, 1)`.execute(db);
    for (const chainId of [31337, 8453])
      await sql`INSERT INTO invoice_drafts (id, merchant, token, chain_id, escrow, due_date, total, reference, canonical, created_at)
                VALUES (${`d-${chainId}`}, ${merchant}, '0x0', ${chainId}, '0x0', 1, '1', ${`0x${chainId}`}, '{}', 1)`.execute(db);
    for (const chainId of [31337, 8453])
      await sql`INSERT INTO credit_notes (id, event_id, merchant, draft_id, invoice_id, number, amount, net, taxes, tx_hash,
                                          block_number, issued_at, created_at)
                VALUES (${`cn-${chainId}`}, ${`ev-${chainId}`}, ${merchant}, ${`d-${chainId}`}, '1', ${`CN-${chainId}`}, '1', '1',
                        '[]', '0x0', 1, 1, 1)`.execute(db);

    await migrateToLatest(db);
    const notes = await db.selectFrom("credit_notes").select(["id", "chain_id"]).where("invoice_id", "=", "1").orderBy("id").execute();
    expect(notes).to.deep.equal([
      { id: "cn-31337", chain_id: 31337 },
      { id: "cn-8453", chain_id: 8453 },
    ]);
    const onBase = await db.selectFrom("credit_notes").select("id").where("chain_id", "=", 8453).where("invoice_id", "=", "1").execute();
    expect(onBase).to.deep.equal([{ id: "cn-8453" }]);
  });
});
