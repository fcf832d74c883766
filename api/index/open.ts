/** The API's index reader from its configuration: the deployments' schema on PostgreSQL, or Ponder's SQLite file. */
import type { Deployment } from "../../core/deployment";
import { indexSchemaOf } from "../../core/index-schema";
import { IndexReader } from "./reader";

/**
 * The reader of the index at `indexDatabaseUrl` (in the schema of whatever deployments `deployments` gives at the time
 * of each query: one, or every indexed network's), or of the SQLite file at `indexDbPath` when there is no URL.
 */
export function openIndexReader(
  config: { indexDatabaseUrl: string | undefined; indexDbPath: string },
  deployments: () => Deployment | readonly Deployment[] | null,
): IndexReader {
  if (config.indexDatabaseUrl === undefined) return new IndexReader({ path: config.indexDbPath });
  return new IndexReader({
    url: config.indexDatabaseUrl,
    schema: () => {
      const current = deployments();
      const all = current === null ? [] : "chainId" in current ? [current] : current;
      return all.length > 0 ? indexSchemaOf(all) : undefined;
    },
  });
}
