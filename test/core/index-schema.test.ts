import Database from "better-sqlite3";
import { expect } from "chai";
import { decodeBigint, decodeHex, encodeBigint, encodeHex, isHexBytes } from "../../core/index-codec";
import { chainScopedId, checkpointBlock, historyRowId, indexSchemaName } from "../../core/index-schema";

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
    it("reads the block timestamp, chain id and block number of a Ponder checkpoint", function () {
      const checkpoint = "1733400000" + "31338".padStart(16, "0") + "123".padStart(16, "0") + "0".repeat(16) + "5" + "7".padStart(16, "0");
      expect(checkpointBlock(checkpoint)).to.deep.equal({ timestamp: 1_733_400_000, chainId: 31338, number: 123 });
    });

    it("is undefined before the first checkpoint", function () {
      expect(checkpointBlock(null)).to.equal(undefined);
      expect(checkpointBlock("0".repeat(75))).to.equal(undefined);
    });
  });

  describe("chain-scoped ids", function () {
    const escrow = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    it("name one schema per deployment, and one per set of deployments whatever their order", function () {
      expect(indexSchemaName([{ chainId: 31337, escrow }])).to.equal("settle_31337_5fbdb2315678afecb367f032d93f642f64180aa3");
      const both = indexSchemaName([
        { chainId: 31337, escrow },
        { chainId: 31338, escrow },
      ]);
      expect(both).to.match(/^settle_set_[0-9a-f]{16}$/);
      expect(
        indexSchemaName([
          { chainId: 31338, escrow },
          { chainId: 31337, escrow },
        ]),
      ).to.equal(both);
      expect(
        indexSchemaName([
          { chainId: 31337, escrow },
          { chainId: 1, escrow },
        ]),
      ).not.to.equal(both);
      expect(() => indexSchemaName([])).to.throw(TypeError);
    });

    it("scope a key by chain, lowercase", function () {
      expect(chainScopedId(31338, escrow)).to.equal(`31338:${escrow.toLowerCase()}`);
      expect(chainScopedId(1, 42n)).to.equal("1:42");
    });

    it("sort history rows in time order across chains and in chain order within one", function () {
      const at = (timestamp: bigint, blockNumber: bigint, logIndex: number) => ({ timestamp, blockNumber, logIndex });
      const ids = [
        historyRowId(31338, at(100n, 9n, 0), "transfer_in", escrow),
        historyRowId(31337, at(101n, 2n, 1), "transfer_in", escrow),
        historyRowId(31337, at(101n, 2n, 3), "transfer_in", escrow),
        historyRowId(31337, at(102n, 3n, 0), "transfer_in", escrow),
      ];
      expect([...ids].sort()).to.deep.equal(ids);
      expect(ids[0]).to.equal(`000000000100-0000031338-000000000009-000000-transfer_in-${escrow.toLowerCase()}`);
    });
  });
});
