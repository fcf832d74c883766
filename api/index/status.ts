/**
 * Readiness of the index for the routes that degrade instead of failing while it is missing or
 * building. Everything else reads the indexer's read module (./index-reader) directly.
 */
import { IndexNotReadyError, type IndexReader, type IndexStatus } from "./index-reader";

/** The index's status that never throws: { ready: false } for a missing index. */
export function safeStatus(index: IndexReader): IndexStatus {
  try {
    return index.status();
  } catch (err) {
    if (err instanceof IndexNotReadyError) return { ready: false, network: null, block: null };
    throw err;
  }
}
