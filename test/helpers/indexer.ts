/**
 * The stack launcher's indexer (scripts/stack/indexer.ts) with the API's read module on its
 * index, as the tests use it: on the running suite's backend (./app-db's describeBackends), SQLite
 * files or a fresh PostgreSQL database per index folder (a restart on the same folder reuses it).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Client } from "pg";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IndexReader } from "../../api/index/reader";
import { startIndexer as startStackIndexer, type IndexerOptions, type RunningIndexer as StackIndexer } from "../../scripts/stack/indexer";
import { type Backend, currentBackend, freshPostgresDatabase } from "./app-db";

/** A running indexer whose reader is the API's read module. */
export type RunningIndexer = StackIndexer<IndexReader>;

/** The PostgreSQL database of each index folder started on PostgreSQL. */
const databases = new Map<string, string>();

/** The index database URL of `indexDir` (made on first use). */
async function databaseOf(indexDir: string): Promise<string> {
  let url = databases.get(indexDir);
  if (!url) {
    url = (await freshPostgresDatabase("settle_index")).url;
    databases.set(indexDir, url);
  }
  return url;
}

/**
 * Starts the real indexer (temporary index folder, free port unless given) with an {@link IndexReader} on it, its
 * index on `backend` (default: the running suite's).
 */
export async function startIndexer(
  options: Omit<IndexerOptions<IndexReader>, "openReader" | "indexDatabaseUrl"> & { backend?: Backend },
): Promise<RunningIndexer> {
  const { backend = currentBackend(), ...rest } = options;
  const indexDir = rest.indexDir ?? mkdtempSync(join(tmpdir(), "settle-index-"));
  const indexDatabaseUrl = backend === "postgres" ? await databaseOf(indexDir) : undefined;
  return startStackIndexer({ ...rest, indexDir, indexDatabaseUrl, openReader: (location) => new IndexReader(location) });
}

/** Deletes the index of a stopped `indexer` (its folder; on PostgreSQL, its schema too), as if it had never run. */
export async function deleteIndex(indexer: RunningIndexer): Promise<void> {
  rmSync(indexer.indexDir, { recursive: true, force: true });
  const location = indexer.location;
  if ("path" in location) return;
  const client = new Client({ connectionString: location.url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${location.schema()} CASCADE`);
  } finally {
    await client.end();
  }
}
