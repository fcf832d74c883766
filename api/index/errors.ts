/** Errors of the read module: the index is not there yet (HTTP 503), or a query argument is malformed (HTTP 400). */

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
