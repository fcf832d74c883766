/**
 * Invoice numbering (api/services/numbering, linkDraft): unique, gap-free, never reused, also when two API
 * processes link the same drafts at the same time. Runs on app.sqlite files of its own (no chain needed: the
 * on-chain rows are built here).
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { type AppDb, migrateToLatest, openAppDb } from "../../api/db";
import type { InvoiceRow } from "../../api/index/rows";
import { allocateNumber } from "../../api/services/numbering";
import { linkDraft } from "../../api/services/drafts";
import { expandPrefix, formatNumber } from "../../core/invoice/numbering";

const MERCHANT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const JAN_2026 = Date.UTC(2026, 0, 15) / 1000;
const JAN_2027 = Date.UTC(2027, 0, 15) / 1000;

/** The fields of an on-chain row linkDraft reads. */
function onchain(id: number, createdAt = JAN_2026): InvoiceRow {
  return { chainId: 31337, id: BigInt(id), reference: reference(id), createdTimestamp: BigInt(createdAt) } as InvoiceRow;
}

const reference = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/**
 * Links drafts `ids` (in that order) from a worker thread with its own connection to `dir`/app.sqlite, as a second
 * API process would; resolves with the number each link gave (null: already linked by someone else).
 */
function linkInThread(dir: string, ids: number[]): Promise<Array<string | null>> {
  const code = `
    require("ts-node").register({ transpileOnly: true });
    const { workerData, parentPort } = require("node:worker_threads");
    const { openAppDb } = require(workerData.root + "/api/db");
    const { linkDraft } = require(workerData.root + "/api/services/drafts");
    (async () => {
      const db = openAppDb(workerData.path);
      const given = [];
      for (const id of workerData.ids) {
        const row = { chainId: 31337, id: BigInt(id), reference: "0x" + id.toString(16).padStart(64, "0"), createdTimestamp: BigInt(workerData.createdAt) };
        given.push((await linkDraft(db, row, 1)) ?? null);
      }
      await db.destroy();
      parentPort.postMessage(given);
    })();`;
  const worker = new Worker(code, {
    eval: true,
    workerData: { root: join(__dirname, "..", ".."), path: join(dir, "app.sqlite"), ids, createdAt: JAN_2026 },
  });
  return new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

describe("invoice numbering", function () {
  let dir: string;
  let db: AppDb;

  /** Drafts 1..count of MERCHANT, not linked yet. */
  async function drafts(count: number, from = 1): Promise<void> {
    for (let n = from; n < from + count; n++) {
      await db
        .insertInto("invoice_drafts")
        .values({
          id: `draft-${n}`,
          merchant: MERCHANT,
          payer: null,
          arbiter: null,
          token: "0x0000000000000000000000000000000000000000",
          chain_id: 31337,
          escrow: MERCHANT,
          due_date: JAN_2027,
          notes: null,
          total: "1",
          reference: reference(n),
          canonical: "{}",
          onchain_id: null,
          linked_at: null,
          created_at: 0,
          schema: "settle.invoice.v2",
          subtotal: "1",
          taxes: "[]",
          number: null,
        })
        .execute();
    }
  }
  const numbers = async () =>
    (await db.selectFrom("invoice_drafts").select(["id", "number"]).orderBy("number").execute()).map((d) => d.number);

  beforeEach(async function () {
    dir = mkdtempSync(join(tmpdir(), "settle-numbering-"));
    db = openAppDb(join(dir, "app.sqlite"));
    await migrateToLatest(db);
    await db.insertInto("users").values({ address: MERCHANT, created_at: 0, updated_at: 0, invoice_prefix: "F-{YYYY}-" }).execute();
  });
  afterEach(async function () {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("formats the prefix with the creation year and a four-digit sequence", function () {
    expect(formatNumber(expandPrefix("F-{YYYY}-", JAN_2026), 1)).to.equal("F-2026-0001");
    expect(formatNumber("INV-", 12345)).to.equal("INV-12345");
  });

  const expected = (count: number) => Array.from({ length: count }, (_, n) => formatNumber("F-2026-", n + 1));

  it("numbers drafts linked concurrently in one process once each, without gaps", async function () {
    await drafts(40);
    // Every draft is linked twice at once (the background linker and a read racing).
    const attempts = Array.from({ length: 40 }, (_, n) => n + 1).flatMap((n) => [
      linkDraft(db, onchain(n), 1),
      linkDraft(db, onchain(n), 1),
    ]);
    const given = (await Promise.all(attempts)).filter((n) => n !== undefined);
    expect([...given].sort()).to.deep.equal(expected(40));
    expect(await numbers()).to.deep.equal(expected(40));
    const sequence = await db.selectFrom("invoice_sequences").selectAll().execute();
    expect(sequence).to.deep.equal([{ merchant: MERCHANT, prefix: "F-2026-", last: 40 }]);
  });

  it("numbers drafts linked at the same time by two processes (threads with their own connection) once each", async function () {
    await drafts(40);
    const ids = Array.from({ length: 40 }, (_, n) => n + 1);
    const [a, b] = await Promise.all([linkInThread(dir, ids), linkInThread(dir, [...ids].reverse())]);
    const given = [...a!, ...b!].filter((n): n is string => n !== null);
    expect(given.sort()).to.deep.equal(expected(40));
    expect(await numbers()).to.deep.equal(expected(40));
  });

  it("never consumes a number in a transaction that fails", async function () {
    await drafts(1);
    await db
      .transaction()
      .execute(async (trx) => {
        await allocateNumber(trx, MERCHANT, JAN_2026);
        throw new Error("the link failed");
      })
      .catch(() => undefined);
    expect(await linkDraft(db, onchain(1), 1)).to.equal("F-2026-0001");
  });

  it("starts a new sequence with a new year or prefix and never changes a number given", async function () {
    await drafts(4);
    expect(await linkDraft(db, onchain(1), 1)).to.equal("F-2026-0001");
    expect(await linkDraft(db, onchain(2, JAN_2027), 1)).to.equal("F-2027-0001");
    await db.updateTable("users").set({ invoice_prefix: "SETTLE/" }).execute();
    expect(await linkDraft(db, onchain(3), 1)).to.equal("SETTLE/0001");
    expect(await linkDraft(db, onchain(1), 1)).to.equal(undefined);
    await db.updateTable("users").set({ invoice_prefix: "F-{YYYY}-" }).execute();
    expect(await linkDraft(db, onchain(4), 1)).to.equal("F-2026-0002");
    expect(await numbers()).to.deep.equal(["F-2026-0001", "F-2026-0002", "F-2027-0001", "SETTLE/0001"]);
  });

  it("refuses the same number twice for a merchant (unique index)", async function () {
    await drafts(2);
    await db.updateTable("invoice_drafts").set({ number: "F-2026-0001" }).where("id", "=", "draft-1").execute();
    const duplicate = db.updateTable("invoice_drafts").set({ number: "F-2026-0001" }).where("id", "=", "draft-2").execute();
    await expect(duplicate).to.be.rejectedWith(/UNIQUE/);
  });
});
