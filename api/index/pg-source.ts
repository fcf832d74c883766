/**
 * The index on PostgreSQL: Ponder's tables in the deployment's schema (core/index-schema's indexSchemaName), read
 * through a small pool whose connections search that schema. The queries' `?` placeholders become `$n`, and each
 * statement is prepared once per connection. A server that does not answer is an IndexNotReadyError (HTTP 503), never
 * a crash: the pool replaces the connections a restart or a crash dropped.
 */
import { Client, Pool } from "pg";
import { POSTGRES_CODEC } from "../../core/index-codec";
import { clientVersion, describeUrl, isUnreachable, serverProblem } from "../../core/postgres-check";
import { Columns, type Row } from "./columns";
import { IndexNotReadyError, IndexTableMissingError } from "./errors";
import { bindParams, type Queryable } from "./source";

/** PostgreSQL's code for a missing table (undefined_table). */
const UNDEFINED_TABLE = "42P01";

/** `sql` with its `?` placeholders numbered ($1, $2...). The read module's SQL has no `?` inside literals. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The index in schema `schema` of the database at `url`. */
export class PostgresIndexSource implements Queryable {
  /** {@inheritDoc Queryable.columns} */
  readonly columns = new Columns(POSTGRES_CODEC);
  private pool: Pool | undefined;
  /** The schema the pool's connections search. */
  private poolSchema: string | undefined;
  /** Each SQL text's numbered text and prepared statement name. */
  private statements = new Map<string, { text: string; name: string }>();

  /**
   * @param url the database (INDEX_DATABASE_URL). @param schema the deployment's schema, or a function that gives the
   * current one (undefined while there is no deployment). @param timeoutMs how long a query may take (the statement
   * timeout), and a connection.
   */
  constructor(
    readonly url: string,
    private readonly schema: string | (() => string | undefined),
    private readonly timeoutMs = 5_000,
  ) {}

  /** Where the index is, without the URL's password: for messages. */
  get where(): string {
    return `${describeUrl(this.url)} schema ${this.poolSchema ?? "(none yet)"}`;
  }

  /** {@inheritDoc Queryable.all} */
  async all(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return this.query(sql, params);
  }

  /** {@inheritDoc Queryable.get} */
  async get(sql: string, params: readonly unknown[]): Promise<Row | undefined> {
    return (await this.query(sql, params))[0];
  }

  /** {@inheritDoc Queryable.close} */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    this.poolSchema = undefined;
    await pool?.end();
  }

  /**
   * Checks that the URL reaches PostgreSQL (the API's start-up check).
   *
   * @throws Error with one line that names the fix (core/postgres-check)
   */
  async check(): Promise<void> {
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: this.timeoutMs });
    client.on("error", () => undefined);
    try {
      const problem = await serverProblem("INDEX_DATABASE_URL", this.url, () => clientVersion(client));
      if (problem) throw new Error(problem.message);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async query(sql: string, params: readonly unknown[]): Promise<Row[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = { text: numberPlaceholders(sql), name: `settle_index_${this.statements.size}` };
      this.statements.set(sql, statement);
    }
    try {
      const result = await this.connection().query<Row>({ ...statement, values: bindParams(params, POSTGRES_CODEC.encodeBigint) });
      return result.rows;
    } catch (error) {
      const failure = error as { code?: string; message?: string };
      if (failure.code === UNDEFINED_TABLE) throw new IndexTableMissingError(failure.message ?? "a table is missing");
      if (isUnreachable(error) || failure.code === "3D000") {
        throw new IndexNotReadyError("missing", `the index database ${this.where} does not answer (${failure.message}): is PostgreSQL up?`);
      }
      throw error;
    }
  }

  /** The pool, made on first use and again when the deployment's schema changes: its connections search it. */
  private connection(): Pool {
    const schema = typeof this.schema === "string" ? this.schema : this.schema();
    if (schema === undefined) throw new IndexNotReadyError("missing", "there is no deployment yet, hence no index: deploy the contracts");
    if (this.pool && schema !== this.poolSchema) void this.close();
    if (!this.pool) {
      this.poolSchema = schema;
      this.pool = new Pool({
        connectionString: this.url,
        max: 10,
        connectionTimeoutMillis: this.timeoutMs,
        statement_timeout: this.timeoutMs,
        options: `-c search_path=${schema}`,
        application_name: "settle_api_index",
      });
      // A connection the server dropped while idle (a restart, a crash) is replaced on the next query.
      this.pool.on("error", () => undefined);
    }
    return this.pool;
  }
}
