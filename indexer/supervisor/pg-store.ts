/**
 * The index on PostgreSQL (./store.ts): Ponder's tables in the deployment's schema (core/index-schema's
 * indexSchemaName) of INDEX_DATABASE_URL, with the supervisor's identity, caught-up and sync-health tables beside
 * them. One connection, which holds a session advisory lock on the schema while the supervisor runs: a second
 * supervisor on the same schema stops with one line. A rebuild drops the schema. A connection the server dropped
 * (a restart, a crash) is replaced, and the lock taken again, on the next call.
 */
import pg from "pg";
import {
  CAUGHT_UP_TABLE,
  IDENTITY_TABLE,
  PONDER_META_KEY,
  PONDER_META_TABLE,
  SYNC_HEALTH_TABLE,
  checkpointBlock,
  indexSchemaOf,
  type IndexIdentity,
  type SyncHealth,
} from "../../core/index-schema";
import { clientVersion, describeUrl, isUnreachable, serverProblem } from "../../core/postgres-check";
import { SettingsError, readDeployments, type IndexerSettings } from "../lib/settings";
import { log } from "./log";
import type { FinalizedBlock, IndexStore } from "./store";

/** PostgreSQL is down or starting up: worth waiting for once the store has worked. */
class TransientError extends Error {}

/** Ponder 0.6 names its connections `<schema>_<pool>` after these pools. */
const PONDER_POOLS = ["internal", "user", "readonly"];

/** The deployment's schema in the database at INDEX_DATABASE_URL. */
export class PostgresIndexStore implements IndexStore {
  private client: pg.Client | undefined;
  /** True once a connection has worked: from then on, an unreachable server is waited for. */
  private opened = false;
  /** The schema whose advisory lock {@link client} holds. */
  private locked: string | undefined;

  /** @param settings the indexer's settings (the deployment file). @param url INDEX_DATABASE_URL. */
  constructor(
    private readonly settings: IndexerSettings,
    private readonly url: string,
  ) {}

  /** {@inheritDoc IndexStore.where} */
  get where(): string {
    return `${describeUrl(this.url)} schema ${this.schema() ?? "(of the deployment, once there is one)"}`;
  }

  /** {@inheritDoc IndexStore.open}: PostgreSQL answers, and no other indexer writes the schema. */
  async open(): Promise<void> {
    await this.connection(true);
  }

  /** {@inheritDoc IndexStore.close} */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.locked = undefined;
    await client?.end().catch(() => undefined);
  }

  /** {@inheritDoc IndexStore.exists} */
  async exists(): Promise<boolean> {
    return (await this.run((db, schema) => db.query(`SELECT to_regclass('${schema}.${PONDER_META_TABLE}') AS t`)))?.rows[0]?.t != null;
  }

  /** {@inheritDoc IndexStore.readIdentity} */
  async readIdentity(): Promise<IndexIdentity | undefined> {
    try {
      const result = await this.run((db, schema) => db.query(`SELECT value FROM ${schema}.${IDENTITY_TABLE} WHERE id = 1`));
      const value = result?.rows[0]?.value as string | undefined;
      return value ? (JSON.parse(value) as IndexIdentity) : undefined;
    } catch (error) {
      if ((error as { code?: string }).code === "42P01" || (error as { code?: string }).code === "3F000") return undefined;
      throw error;
    }
  }

  /** {@inheritDoc IndexStore.writeIdentity} */
  async writeIdentity(identity: IndexIdentity): Promise<void> {
    await this.run(async (db, schema) => {
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${schema}.${IDENTITY_TABLE} (id integer PRIMARY KEY CHECK (id = 1), value text NOT NULL)`);
      await db.query(
        `INSERT INTO ${schema}.${IDENTITY_TABLE} (id, value) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET value = excluded.value`,
        [JSON.stringify(identity)],
      );
    });
  }

  /** {@inheritDoc IndexStore.delete}: the whole schema goes (Ponder's RPC cache, in ponder_sync, stays). */
  async delete(): Promise<void> {
    await this.run((db, schema) => db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
  }

  /** {@inheritDoc IndexStore.finalizedBlock} */
  async finalizedBlock(): Promise<FinalizedBlock | undefined> {
    try {
      const result = await this.run((db, schema) =>
        db.query(`SELECT value->>'checkpoint' AS checkpoint FROM ${schema}.${PONDER_META_TABLE} WHERE key = '${PONDER_META_KEY.app}'`),
      );
      return checkpointBlock(result?.rows[0]?.checkpoint as string | undefined);
    } catch {
      return undefined;
    }
  }

  /** {@inheritDoc IndexStore.setCaughtUp} */
  async setCaughtUp(block: number | undefined, chains: Record<string, number> = {}): Promise<void> {
    if (!(await this.exists())) return;
    await this.run(async (db, schema) => {
      const table = `${schema}.${CAUGHT_UP_TABLE}`;
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${table} (id integer PRIMARY KEY CHECK (id = 1), block bigint NOT NULL, at bigint NOT NULL, chains text NOT NULL)`,
      );
      if (block === undefined) await db.query(`DELETE FROM ${table}`);
      else {
        await db.query(
          `INSERT INTO ${table} (id, block, at, chains) VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET block = excluded.block, at = excluded.at, chains = excluded.chains`,
          [block, Date.now(), JSON.stringify(chains)],
        );
      }
    });
  }

  /** {@inheritDoc IndexStore.writeSyncHealth} */
  async writeSyncHealth(network: string, health: SyncHealth): Promise<void> {
    try {
      if (!(await this.exists())) return;
      await this.run(async (db, schema) => {
        const table = `${schema}.${SYNC_HEALTH_TABLE}`;
        await db.query(`CREATE TABLE IF NOT EXISTS ${table} (network text PRIMARY KEY, value text NOT NULL)`);
        await db.query(`INSERT INTO ${table} (network, value) VALUES ($1, $2) ON CONFLICT (network) DO UPDATE SET value = excluded.value`, [
          network,
          JSON.stringify(health),
        ]);
      });
    } catch {
      // Down or busy: the next check writes it.
    }
  }

  /** {@inheritDoc IndexStore.releasePonderLock}: safe, the supervisor holds the schema's advisory lock. */
  async releasePonderLock(): Promise<void> {
    try {
      const result = await this.run((db, schema) =>
        db.query(
          `UPDATE ${schema}.${PONDER_META_TABLE} SET value = jsonb_set(value, '{is_locked}', '0') WHERE key = '${PONDER_META_KEY.app}' AND value->>'is_locked' = '1'`,
        ),
      );
      if ((result?.rowCount ?? 0) > 0) log("released the lock left by a Ponder process that did not shut down");
    } catch {
      // No meta table yet: Ponder deals with it.
    }
  }

  /** The schema of the set of deployments, or undefined while one of them is missing (or unreadable). */
  private schema(): string | undefined {
    try {
      return indexSchemaOf(readDeployments(this.settings));
    } catch {
      return undefined;
    }
  }

  /**
   * Runs `body` on the connection with the deployment's schema (undefined while there is no deployment); once more,
   * on a new connection, when the server dropped this one (a crash, a restart).
   */
  private async run<T>(body: (db: pg.Client, schema: string) => Promise<T>): Promise<T | undefined> {
    const schema = this.schema();
    if (schema === undefined) return undefined;
    for (let attempt = 1; ; attempt++) {
      const db = await this.connection();
      try {
        return await body(db, schema);
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        await this.close();
        if (attempt === 2) throw error;
      }
    }
  }

  /**
   * The connection, made (and the schema's advisory lock taken) when there is none or the schema changed.
   *
   * @throws SettingsError when PostgreSQL cannot be used or another indexer writes the schema
   */
  private async connection(checkPonder = false): Promise<pg.Client> {
    const schema = this.schema();
    if (this.client && this.locked === schema) return this.client;
    await this.close();
    for (let waitingSince: number | undefined; ;) {
      try {
        const client = await this.connect();
        if (schema !== undefined) await this.lock(client, schema, checkPonder);
        this.client = client;
        this.locked = schema;
        if (waitingSince !== undefined) log("PostgreSQL answers again", { downS: Math.round((Date.now() - waitingSince) / 1000) });
        this.opened = true;
        return client;
      } catch (error) {
        // Once the store has worked, a server that is down or starting up (a crash, a restart) is waited for.
        if (!this.opened || !(error instanceof TransientError)) throw error;
        if (waitingSince === undefined) log("waiting for PostgreSQL to answer", { reason: error.message });
        waitingSince ??= Date.now();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /**
   * A new connection to a server that says it is PostgreSQL.
   *
   * @throws TransientError when it is down or starting up, SettingsError (one line naming the fix) when it cannot be used
   */
  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: 10_000,
      application_name: `settle_indexer_${process.pid}`,
    });
    client.on("error", () => undefined);
    const problem = await serverProblem("INDEX_DATABASE_URL", this.url, () => clientVersion(client));
    if (problem) {
      await client.end().catch(() => undefined);
      throw problem.unreachable ? new TransientError(problem.message) : new SettingsError(problem.message);
    }
    return client;
  }

  /**
   * Takes the advisory lock of `schema` on `client` and, when `checkPonder`, checks that no Ponder is connected to it;
   * throws a one-line SettingsError when another indexer writes it.
   */
  private async lock(client: pg.Client, schema: string, checkPonder: boolean): Promise<void> {
    const key = `settle-index:${schema}`;
    const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [key]);
    const where = `schema ${schema} of ${describeUrl(this.url)}`;
    const busy = async (who: string) => {
      await client.end().catch(() => undefined);
      return new SettingsError(
        `INDEX_DATABASE_URL: ${who} is writing ${where}: stop it, or give this indexer another database (INDEX_DATABASE_URL)`,
      );
    };
    if (!rows[0]?.ok) throw await busy("another Settle indexer");
    if (!checkPonder) return;
    // A Ponder started by hand (no supervisor, no advisory lock) is connected under its schema's pool names.
    const ponder = await client.query<{ n: number }>(
      "SELECT CAST(count(*) AS integer) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = ANY($1)",
      [PONDER_POOLS.map((pool) => `${schema}_${pool}`)],
    );
    if ((ponder.rows[0]?.n ?? 0) > 0) throw await busy("a Ponder app that no Settle indexer runs");
  }
}
