import Database from "better-sqlite3";
import { expect } from "chai";
import { decodeBigint, decodeHex, encodeBigint, encodeHex, isHexBytes } from "../../core/index-codec";
import { checkpointBlock } from "../../core/index-schema";

/** One column of each type the index uses, stored as Ponder 0.6 declares them in SQLite. */
const TABLE = `CREATE TABLE t (id TEXT PRIMARY KEY, s TEXT, i INTEGER, b TEXT, h BLOB, j TEXT, e TEXT)`;

describe("core/index-schema", function () {
  let db: Database.Database;

  beforeEach(function () {
    db = new Database(":memory:");
    db.exec(TABLE);
  });

  afterEach(function () {
    db.close();
  });

  describe("bigint columns", function () {
    const values = [0n, 1n, 42n, 10n ** 18n, 2n ** 256n - 1n, -1n, -(2n ** 255n), -(10n ** 30n)];

    it("are 79-character text that reads back as the same bigint", function () {
      for (const value of values) {
        const stored = encodeBigint(value);
        expect(stored).to.have.length(79);
        expect(decodeBigint(stored)).to.equal(value);
      }
    });

    it("sort in numeric order as text", function () {
      values.forEach((value, n) => db.prepare(`INSERT INTO t (id, b) VALUES (?, ?)`).run(String(n), encodeBigint(value)));
      const rows = db.prepare(`SELECT b FROM t ORDER BY b`).all() as { b: string }[];
      expect(rows.map((row) => decodeBigint(row.b))).to.deep.equal([...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    });

    it("compare with an encoded parameter", function () {
      values.forEach((value, n) => db.prepare(`INSERT INTO t (id, b) VALUES (?, ?)`).run(String(n), encodeBigint(value)));
      const rows = db.prepare(`SELECT b FROM t WHERE b >= ? ORDER BY b`).all(encodeBigint(42n)) as { b: string }[];
      expect(rows.map((row) => decodeBigint(row.b))).to.deep.equal([42n, 10n ** 18n, 2n ** 256n - 1n]);
    });
  });

  describe("hex columns", function () {
    it("are BLOBs of the raw bytes that read back as lowercase 0x strings", function () {
      const address = "0x00A1b2C3d4E5f60718293a4B5c6D7e8F90a1B2c3";
      db.prepare(`INSERT INTO t (id, h) VALUES ('a', ?)`).run(encodeHex(address));
      const row = db.prepare(`SELECT h, length(h) AS n, typeof(h) AS type FROM t WHERE h = ?`).get(encodeHex(address.toLowerCase())) as {
        h: Buffer;
        n: number;
        type: string;
      };
      expect(row.type).to.equal("blob");
      expect(row.n).to.equal(20);
      expect(decodeHex(row.h)).to.equal(address.toLowerCase());
    });

    it("round-trip the empty value, odd and even lengths, and every byte", function () {
      const everyByte = "0x" + Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0")).join("");
      for (const value of ["0x", "0xab", "0x0a1b2c", everyByte, everyByte + "ff"]) expect(decodeHex(encodeHex(value))).to.equal(value);
    });

    it("refuse what is not whole bytes of hex", function () {
      for (const value of ["", "0x1", "abcd", "0xzz", "0x12 "]) {
        expect(isHexBytes(value), value).to.equal(false);
        expect(() => encodeHex(value), value).to.throw(TypeError);
      }
      expect(isHexBytes("0x" + "ab".repeat(32), 32)).to.equal(true);
      expect(isHexBytes("0x" + "ab".repeat(20), 32)).to.equal(false);
    });
  });

  describe("string, int, enum and json columns", function () {
    it("are stored as they are (json as its text), and empty optional columns as NULL", function () {
      const args = { id: "7", amount: "1000000000000000000000", to: "0xabc" };
      db.prepare(`INSERT INTO t (id, s, i, j, e) VALUES ('a', ?, ?, ?, ?)`).run(
        "InvoicePaid",
        2_147_483_647,
        JSON.stringify(args),
        "partially_paid",
      );
      db.prepare(`INSERT INTO t (id) VALUES ('b')`).run();
      const [a, b] = db.prepare(`SELECT * FROM t ORDER BY id`).all() as Record<string, unknown>[];
      expect(a).to.include({ s: "InvoicePaid", i: 2_147_483_647, e: "partially_paid" });
      expect(JSON.parse(a!.j as string)).to.deep.equal(args);
      expect(b).to.deep.equal({ id: "b", s: null, i: null, b: null, h: null, j: null, e: null });
    });
  });

  describe("checkpointBlock", function () {
    it("reads the block timestamp and number of a Ponder checkpoint", function () {
      const checkpoint = "1733400000" + "31337".padStart(16, "0") + "123".padStart(16, "0") + "0".repeat(16) + "5" + "7".padStart(16, "0");
      expect(checkpointBlock(checkpoint)).to.deep.equal({ timestamp: 1_733_400_000, number: 123 });
    });

    it("is undefined before the first checkpoint", function () {
      expect(checkpointBlock(null)).to.equal(undefined);
      expect(checkpointBlock("0".repeat(75))).to.equal(undefined);
    });
  });
});
