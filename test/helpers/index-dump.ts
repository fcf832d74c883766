/**
 * Reads every row of the index's tables (Ponder 0.6, on SQLite or PostgreSQL) decoded for comparisons with each
 * backend's codec (core/index-codec): hex columns become lowercase 0x strings, bigint columns bigints, json columns
 * JSON text. For tests that check the index row by row (against the chain, or against a rebuilt index).
 */
import Database from "better-sqlite3";
import { Client } from "pg";
import { POSTGRES_CODEC, SQLITE_CODEC, decodeHex } from "../../core/index-codec";
import { INDEX_TABLES, type IndexTable } from "../../core/index-schema";
import type { IndexLocation } from "../../scripts/stack/indexer";

/** A decoded row. */
export type DumpRow = Record<string, unknown>;
/** Every row of every table, each table ordered by id (numbers by value, strings bytewise). */
export type IndexDump = Record<IndexTable, DumpRow[]>;

const BIGINT_TEXT = /^[0-9-][0-9]{78}$/;
/** PostgreSQL's type ids of numeric and jsonb. */
const NUMERIC_OID = 1700;
const JSONB_OID = 3802;

const selectAll = (table: IndexTable) => `SELECT * FROM "${table}"`;

/** `rows` ordered by their decoded id: the same order on both backends. */
const byId = (rows: DumpRow[]): DumpRow[] =>
  rows.sort((a, b) =>
    (a.id as bigint | string) < (b.id as bigint | string) ? -1 : (a.id as bigint | string) > (b.id as bigint | string) ? 1 : 0,
  );

/** Reads and decodes every row of the index at `location` (read-only). */
export async function dumpIndex(location: IndexLocation): Promise<IndexDump> {
  return "path" in location ? dumpSqlite(location.path) : dumpPostgres(location.url, location.schema());
}

function dumpSqlite(path: string): IndexDump {
  const decode = (value: unknown) =>
    Buffer.isBuffer(value)
      ? decodeHex(value)
      : typeof value === "string" && BIGINT_TEXT.test(value)
        ? SQLITE_CODEC.decodeBigint(value)
        : value;
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 5_000 });
  try {
    const dump = {} as IndexDump;
    for (const table of INDEX_TABLES) {
      const rows = db.prepare(selectAll(table)).all() as DumpRow[];
      dump[table] = byId(rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, decode(value)]))));
    }
    return dump;
  } finally {
    db.close();
  }
}

async function dumpPostgres(url: string, schema: string | undefined): Promise<IndexDump> {
  if (!schema) throw new Error("no deployment, hence no index schema");
  const client = new Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const dump = {} as IndexDump;
    for (const table of INDEX_TABLES) {
      const result = await client.query<DumpRow>(selectAll(table));
      const types = new Map(result.fields.map((field) => [field.name, field.dataTypeID]));
      const decode = (key: string, value: unknown) => {
        if (value === null) return null;
        if (Buffer.isBuffer(value)) return decodeHex(value);
        if (types.get(key) === NUMERIC_OID) return POSTGRES_CODEC.decodeBigint(value);
        if (types.get(key) === JSONB_OID) return JSON.stringify(value);
        return value;
      };
      dump[table] = byId(
        result.rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, decode(key, value)]))),
      );
    }
    return dump;
  } finally {
    await client.end();
  }
}
