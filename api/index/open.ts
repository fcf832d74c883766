/** The API's index reader from its configuration: the deployment's schema on PostgreSQL, or Ponder's SQLite file. */
import type { Deployment } from "../../core/deployment";
import { indexSchemaName } from "../../core/index-schema";
import { IndexReader } from "./reader";

/**
 * The reader of the index at `indexDatabaseUrl` (in the schema of whatever deployment `deployment` gives at the time
 * of each query), or of the SQLite file at `indexDbPath` when there is no URL.
 */
export function openIndexReader(
  config: { indexDatabaseUrl: string | undefined; indexDbPath: string },
  deployment: () => Deployment | null,
): IndexReader {
  if (config.indexDatabaseUrl === undefined) return new IndexReader({ path: config.indexDbPath });
  return new IndexReader({
    url: config.indexDatabaseUrl,
    schema: () => {
      const current = deployment();
      return current ? indexSchemaName(current.chainId, current.contracts.PaymentEscrow.address) : undefined;
    },
  });
}
