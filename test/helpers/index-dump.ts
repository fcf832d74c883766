/**
 * Reads every row of the index's tables (Ponder 0.6 SQLite) decoded for comparisons: hex BLOBs
 * become lowercase 0x strings and 79-character bigint texts become bigints. For tests that check
 * the index row by row (against the chain, or against a rebuilt index).
 */
import Database from "better-sqlite3";
import { INDEX_TABLES, decodeBigint, decodeHex, type IndexTable } from "../../core/index-schema";

/** A decoded row. */
export type DumpRow = Record<string, unknown>;
/** Every row of every table, each table ordered by id. */
export type IndexDump = Record<IndexTable, DumpRow[]>;

const BIGINT_TEXT = /^[0-9-][0-9]{78}$/;

function decodeValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return decodeHex(value);
  if (typeof value === "string" && BIGINT_TEXT.test(value)) return decodeBigint(value);
  return value;
}

/** Reads and decodes every row of the index at `databasePath` (read-only). */
export function dumpIndex(databasePath: string): IndexDump {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true, timeout: 5_000 });
  try {
    const dump = {} as IndexDump;
    for (const table of INDEX_TABLES) {
      const rows = db.prepare(`SELECT * FROM "${table}" ORDER BY id`).all() as DumpRow[];
      dump[table] = rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, decodeValue(value)])));
    }
    return dump;
  } finally {
    db.close();
  }
}
