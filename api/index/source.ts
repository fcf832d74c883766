/**
 * What the read module's queries run on, and the SQLite one: Ponder's `public.db`, opened read-only lazily, with a
 * busy timeout, and again when the indexer has replaced the file (a rebuild). Prepared statements are kept per SQL
 * text. The PostgreSQL one: ./pg-source.ts.
 */
import Database from "better-sqlite3";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { SQLITE_CODEC } from "../../core/index-codec";
import { Columns, type Row } from "./columns";
import { IndexNotReadyError, IndexTableMissingError } from "./errors";

/**
 * What the queries run on: one SQL statement at a time, `?` placeholders bound to plain values (a `bigint` for a
 * bigint column, bytes for a hex column: the source encodes them with its backend's codec).
 */
export interface Queryable {
  /** The decoder of this backend's columns (and its codec). */
  readonly columns: Columns;
  /** Every row `sql` returns. */
  all(sql: string, params: readonly unknown[]): Promise<Row[]>;
  /** The first row `sql` returns, or undefined. */
  get(sql: string, params: readonly unknown[]): Promise<Row | undefined>;
  /** Closes the connections (the next query opens them again). */
  close(): Promise<void>;
}

/** The parameters of a statement, with bigints encoded by `encode`. */
export function bindParams(params: readonly unknown[], encode: (value: bigint) => string): unknown[] {
  return params.map((value) => (typeof value === "bigint" ? encode(value) : value));
}

/** The index database at one path (Ponder's public.db). */
export class SqliteIndexSource implements Queryable {
  /** {@inheritDoc Queryable.columns} */
  readonly columns = new Columns(SQLITE_CODEC);
  /** Path of the database file. */
  readonly path: string;
  private db: Database.Database | undefined;
  /** Device and inode of the open file: another value means the indexer replaced it. */
  private fileId = "";
  private statements = new Map<string, Database.Statement>();

  /** @param path the database file. @param busyTimeoutMs how long a read waits for the writer's lock. */
  constructor(
    path: string,
    private readonly busyTimeoutMs: number,
  ) {
    this.path = resolve(path);
  }

  /** {@inheritDoc Queryable.close} */
  async close(): Promise<void> {
    this.closeNow();
  }

  /** {@inheritDoc Queryable.all} */
  async all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return this.run(sql, (statement) => statement.all(...bindParams(params, SQLITE_CODEC.encodeBigint)) as Row[]);
  }

  /** {@inheritDoc Queryable.get} */
  async get(sql: string, params: readonly unknown[]): Promise<Row | undefined> {
    return this.run(sql, (statement) => statement.get(...bindParams(params, SQLITE_CODEC.encodeBigint)) as Row | undefined);
  }

  /** Runs `sql`'s statement, prepared once per open file; a missing table is an {@link IndexTableMissingError}. */
  private run<T>(sql: string, body: (statement: Database.Statement) => T): T {
    const db = this.connection();
    try {
      let statement = this.statements.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        this.statements.set(sql, statement);
      }
      return body(statement);
    } catch (error) {
      if (/no such table/.test((error as Error).message)) throw new IndexTableMissingError((error as Error).message);
      throw error;
    }
  }

  private closeNow(): void {
    this.db?.close();
    this.db = undefined;
    this.statements.clear();
    this.fileId = "";
  }

  /** The open database, (re)opened when the file appeared or was replaced. */
  private connection(): Database.Database {
    let id: string;
    try {
      const stat = statSync(this.path);
      id = `${stat.dev}:${stat.ino}`;
    } catch {
      this.closeNow();
      throw new IndexNotReadyError("missing", `there is no index at ${this.path} yet: is the indexer running?`);
    }
    if (this.db && id === this.fileId) return this.db;
    this.closeNow();
    try {
      const db = new Database(this.path, { readonly: true, fileMustExist: true, timeout: this.busyTimeoutMs });
      db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      this.db = db;
      this.fileId = id;
      return db;
    } catch (error) {
      throw new IndexNotReadyError("missing", `the index at ${this.path} cannot be opened yet (${(error as Error).message})`);
    }
  }
}
