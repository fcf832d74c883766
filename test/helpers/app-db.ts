/**
 * The databases of the tests on either backend: SQLite files (the default) or a throwaway PostgreSQL cluster
 * (scripts/stack/postgres.ts) shared by the whole run, with a fresh database per test app and per indexer. A suite
 * written once runs on both through {@link describeBackends}: its test apps' app database and its indexers' index are
 * on that suite's backend.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { type AppDb, openAppDatabase } from "../../api/db";
import { type PostgresCluster, startPostgres } from "../../scripts/stack/postgres";
import { freePort } from "./processes";

/** The database engines the API and the indexer support. */
export type Backend = "sqlite" | "postgres";
/** Every backend, in the order suites run on them. */
export const BACKENDS: readonly Backend[] = ["sqlite", "postgres"];

let current: Backend = "sqlite";

/** The backend of the suite now running (what {@link makeApp} uses unless told otherwise). */
export function currentBackend(): Backend {
  return current;
}

/**
 * Declares the suite `title` once per backend ("title [sqlite]", "title [postgres]"): `body` is the usual describe
 * body, and every test app it makes without naming a backend uses that suite's.
 */
export function describeBackends(title: string, body: (this: Mocha.Suite, backend: Backend) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, function () {
      before(function () {
        current = backend;
      });
      after(function () {
        current = "sqlite";
      });
      body.call(this, backend);
    });
  }
}

let shared: Promise<PostgresCluster> | undefined;
let created = 0;

/** The run's PostgreSQL cluster, started on first use on a free port. */
export function testPostgres(): Promise<PostgresCluster> {
  shared ??= freePort().then((port) => startPostgres({ port }));
  return shared;
}

/** Runs one statement in the cluster's `postgres` database on a connection of its own (tests kill the server). */
async function admin(cluster: PostgresCluster, statement: string): Promise<void> {
  const client = new Client({ connectionString: cluster.url("postgres") });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new empty database (named `<prefix>_…`) on the run's cluster; returns its URL and a function that drops it. */
export async function freshPostgresDatabase(prefix = "settle_app"): Promise<{ url: string; drop: () => Promise<void> }> {
  const cluster = await testPostgres();
  const name = `${prefix}_${process.pid}_${++created}`;
  await admin(cluster, `CREATE DATABASE ${name}`);
  return { url: cluster.url(name), drop: () => admin(cluster, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Where one test's app database lives on `backend`: a new SQLite file or a new PostgreSQL database, and how to drop it. */
export async function freshAppDbTarget(
  backend: Backend,
): Promise<{ appDbPath: string; appDatabaseUrl: string | undefined; drop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "settle-appdb-"));
  const postgres = backend === "postgres" ? await freshPostgresDatabase() : undefined;
  return {
    appDbPath: join(dir, "app.sqlite"),
    appDatabaseUrl: postgres?.url,
    async drop() {
      await postgres?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new app database on `backend`, opened (no migration run yet), and a function that closes and drops it. */
export async function openFreshAppDb(backend: Backend): Promise<{ db: AppDb; drop(): Promise<void> }> {
  const target = await freshAppDbTarget(backend);
  const db = await openAppDatabase(target);
  return {
    db,
    async drop() {
      await db.destroy();
      await target.drop();
    },
  };
}

// Root hook: drop the cluster once the whole run is over.
after(async function () {
  this.timeout(60_000);
  if (!shared) return;
  const cluster = await shared.catch(() => undefined);
  await cluster?.drop();
});
