/**
 * The stack launcher's indexer (scripts/stack/indexer.ts) with the API's read module on its
 * database, as the tests use it.
 */
import { IndexReader } from "../../api/index/reader";
import { startIndexer as startStackIndexer, type IndexerOptions, type RunningIndexer as StackIndexer } from "../../scripts/stack/indexer";

/** A running indexer whose reader is the API's read module. */
export type RunningIndexer = StackIndexer<IndexReader>;

/** Starts the real indexer (temporary index folder, free port unless given) with an {@link IndexReader} on it. */
export function startIndexer(options: Omit<IndexerOptions<IndexReader>, "openReader">): Promise<RunningIndexer> {
  return startStackIndexer({ ...options, openReader: (path) => new IndexReader({ path }) });
}
