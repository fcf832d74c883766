import Database from "better-sqlite3";
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { PostgresIndexSource } from "../../api/index/pg-source";
import { SqliteIndexSource, type Queryable } from "../../api/index/source";
import { codecOf, encodeHex, type IndexBackend } from "../../core/index-codec";
import { BACKENDS, freshPostgresDatabase } from "../helpers/app-db";

/** One column of each type the index uses, declared as Ponder 0.6 declares them on each backend. */
const TABLE: Record<IndexBackend, string> = {
  sqlite: `CREATE TABLE t (id TEXT PRIMARY KEY, s TEXT, i INTEGER, f REAL, flag INTEGER, b VARCHAR(79), h BLOB, j TEXT)`,
  postgres: `CREATE TABLE t (id text PRIMARY KEY, s text, i integer, f float8, flag integer, b numeric(78, 0), h bytea, j jsonb)`,
};

const BIGINTS = [0n, 1n, 42n, 10n ** 18n, 2n ** 256n - 1n, -1n, -(2n ** 255n), -(10n ** 30n)];
const EVERY_BYTE = "0x" + Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0")).join("");
const HEXES = ["0x", "0xab", "0x00a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3", EVERY_BYTE, "0x00", "0xff", "0x0a1b2c", "0x" + "ee".repeat(32)];
/** History-like ids whose bytewise order differs from a natural-language collation's. */
const IDS = [
  "000000000012-000003-payment-0xab",
  "000000000012-000003-Payment-0xab",
  "000000000012-000003-paymentX",
  "0000000000120",
  "000000000012-000003-payment_0xab",
  "000000000012 000003",
  "a",
  "B",
];
const ARGS = { id: "7", amount: "1000000000000000000000", to: "0xabc", nested: { list: [1, 2] } };

/** A table `t` on `backend`, filled as Ponder writes it (its codec's encoding), and a read-module source on it. */
async function sourceOn(backend: IndexBackend): Promise<{ source: Queryable; drop: () => Promise<void> }> {
  const codec = codecOf(backend);
  const rows = IDS.map((id, n) => [
    id,
    `text ${n} ’é`,
    n - 2,
    n + 0.5,
    n % 2,
    codec.encodeBigint(BIGINTS[n]!),
    encodeHex(HEXES[n]!),
    backend === "sqlite" ? JSON.stringify(ARGS) : ARGS,
  ]);
  if (backend === "sqlite") {
    const path = join(mkdtempSync(join(tmpdir(), "settle-codec-")), "public.db");
    const db = new Database(path);
    db.exec(TABLE.sqlite);
    for (const row of rows) db.prepare(`INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...row);
    db.close();
    return { source: new SqliteIndexSource(path, 1_000), drop: async () => undefined };
  }
  const database = await freshPostgresDatabase("settle_codec");
  const client = new Client({ connectionString: database.url });
  await client.connect();
  await client.query(`CREATE SCHEMA settle_codec`);
  await client.query(`SET search_path = settle_codec`);
  await client.query(TABLE.postgres);
  for (const row of rows) await client.query(`INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, row);
  await client.end();
  const source = new PostgresIndexSource(database.url, "settle_codec");
  return { source, drop: async () => (await source.close(), await database.drop()) };
}

describe("core/index-codec: every column type round-trips through both backends", function () {
  for (const backend of BACKENDS) {
    describe(`[${backend}]`, function () {
      this.timeout(60_000);
      let db: Awaited<ReturnType<typeof sourceOn>>;

      before(async function () {
        db = await sourceOn(backend);
      });

      after(async function () {
        await db?.drop();
      });

      it("reads back each value as written: text, int, float, boolean, bigint, hex, json", async function () {
        const c = db.source.columns;
        const rows = await db.source.all(`SELECT * FROM t ORDER BY ${c.codec.bytewise("id")}`, []);
        const read = rows.map((row) => ({
          id: row.id,
          s: row.s,
          i: row.i,
          f: row.f,
          flag: row.flag,
          b: c.big(row, "b"),
          h: c.hex(row, "h"),
          j: c.json(row, "j"),
        }));
        const written = IDS.map((id, n) => ({
          id,
          s: `text ${n} ’é`,
          i: n - 2,
          f: n + 0.5,
          flag: n % 2,
          b: BIGINTS[n],
          h: HEXES[n],
          j: ARGS,
        }));
        expect(read).to.deep.equal([...written].sort((a, b) => (Buffer.from(a.id) < Buffer.from(b.id) ? -1 : 1)));
      });

      it("orders text ids bytewise and binds bigint and hex parameters", async function () {
        const c = db.source.columns;
        const after = await db.source.all(`SELECT id FROM t WHERE ${c.codec.bytewise("id")} > ? ORDER BY ${c.codec.bytewise("id")}`, [
          IDS[1],
        ]);
        expect(after.map((row) => row.id)).to.deep.equal(
          IDS.filter((id) => Buffer.compare(Buffer.from(id), Buffer.from(IDS[1]!)) > 0).sort(),
        );
        const big = await db.source.get(`SELECT id FROM t WHERE b = ?`, [2n ** 256n - 1n]);
        expect(big?.id).to.equal(IDS[BIGINTS.indexOf(2n ** 256n - 1n)]);
        const hex = await db.source.get(`SELECT id FROM t WHERE h = ?`, [encodeHex(HEXES[2]!)]);
        expect(hex?.id).to.equal(IDS[2]);
        expect(await db.source.get(`SELECT id FROM t WHERE b < ?`, [-(2n ** 255n)])).to.equal(undefined);
      });
    });
  }
});
