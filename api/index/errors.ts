/**
 * Errors of the read module: the index is not there yet (HTTP 503), a query argument is malformed (HTTP 400), or an id
 * is ambiguous across chains (HTTP 409).
 */

/** Why the index cannot be served. */
export type IndexNotReadyReason = "missing" | "building";

/** The index is missing, being built or being rebuilt: try again later (HTTP 503). */
export class IndexNotReadyError extends Error {
  override name = "IndexNotReadyError";
  /** Stable code for API error bodies. */
  readonly code = "INDEX_NOT_READY";

  /** @param reason what is going on. @param message a sentence for people. */
  constructor(
    readonly reason: IndexNotReadyReason,
    message: string,
  ) {
    super(message);
  }
}

/** A table of the index is not there yet: Ponder has just created the database, or is recreating its tables. */
export class IndexTableMissingError extends IndexNotReadyError {
  override name = "IndexTableMissingError";

  /** @param detail the driver's message. */
  constructor(detail: string) {
    super("building", `the index is being created (${detail}): try again shortly`);
  }
}

/** A query argument is malformed (not an address, a negative limit...): a caller bug or bad input (HTTP 400). */
export class IndexQueryError extends Error {
  override name = "IndexQueryError";
  /** Stable code for API error bodies. */
  readonly code = "INVALID_QUERY";
}

/**
 * An id names rows on several chains and no chain was given (HTTP 409): the caller picks one of the `candidates`
 * (each with its `chainId`) and asks again with `?chainId=`.
 */
export class IndexAmbiguousError<Candidate extends { chainId: number } = { chainId: number }> extends Error {
  override name = "IndexAmbiguousError";
  /** Stable code for API error bodies. */
  readonly code = "AMBIGUOUS_ID";

  /** @param what what was looked up ("invoice 1"). @param candidates every match, one per chain. */
  constructor(
    what: string,
    readonly candidates: Candidate[],
  ) {
    super(`${what} exists on chains ${candidates.map((candidate) => candidate.chainId).join(", ")}: give the chain (?chainId=)`);
  }
}
