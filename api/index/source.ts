/**
 * The index's SQLite file, opened read-only: lazily, with a busy timeout, and again when the indexer has replaced the
 * file (a rebuild). Prepared statements are kept per SQL text. Synchronous (better-sqlite3).
 */
import Database from "better-sqlite3";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Row } from "./columns";
import { IndexNotReadyError } from "./errors";

/** What the queries run on: one SQL statement with its parameters at a time. */
export interface Queryable {
  /** Every row `sql` returns. */
  all(sql: string, params: readonly unknown[]): Row[];
  /** The first row `sql` returns, or undefined. */
  get(sql: string, params: readonly unknown[]): Row | undefined;
}

/** The index database at one path (Ponder's public.db). */
export class IndexSource implements Queryable {
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

  /** Closes the database (the next query opens it again). */
  close(): void {
    this.db?.close();
    this.db = undefined;
    this.statements.clear();
    this.fileId = "";
  }

  /** {@inheritDoc Queryable.all} */
  all(sql: string, params: readonly unknown[]): Row[] {
    return this.statement(sql).all(...params) as Row[];
  }

  /** {@inheritDoc Queryable.get} */
  get(sql: string, params: readonly unknown[]): Row | undefined {
    return this.statement(sql).get(...params) as Row | undefined;
  }

  /** The statement of `sql`, prepared once per open file. */
  private statement(sql: string): Database.Statement {
    const db = this.connection();
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** The open database, (re)opened when the file appeared or was replaced. */
  private connection(): Database.Database {
    let id: string;
    try {
      const stat = statSync(this.path);
      id = `${stat.dev}:${stat.ino}`;
    } catch {
      this.close();
      throw new IndexNotReadyError("missing", `there is no index at ${this.path} yet: is the indexer running?`);
    }
    if (this.db && id === this.fileId) return this.db;
    this.close();
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
