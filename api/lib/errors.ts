import { isDatabaseUnavailable } from "../db/dialect";
import { z } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import type { RpcProblem } from "../../core/rpc";
import { chainName } from "../../core/chains";

/** The one error body of the API: `{ error: { code, message, details? } }`. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invoice_not_found" }),
      message: z.string().openapi({ example: "No invoice 42" }),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

/** A failure the client can act on: becomes `{ error: { code, message, details } }` with `status`. */
export class ApiError extends Error {
  /**
   * @param status HTTP status sent to the client
   * @param code stable snake_case code clients can switch on
   * @param message one sentence for people
   * @param details optional structured data (field errors, limits)
   */
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Seconds a client is told to wait (Retry-After) when the node said nothing itself. */
export const NODE_RETRY_AFTER_SECONDS = 2;

/**
 * The node failed in transport (core/rpc's {@link RpcProblem}): 503 with the problem's code (`node_rate_limited`,
 * `node_unavailable`, `node_timeout`, `node_unreachable`), its sentence naming the node's host, the host and the wait in
 * details, and a `Retry-After` header (the node's own, else {@link NODE_RETRY_AFTER_SECONDS}).
 */
export class NodeProblemError extends ApiError {
  /** Seconds to wait before retrying. */
  readonly retryAfterSeconds: number;

  constructor(readonly problem: RpcProblem) {
    const retryAfterSeconds = problem.retryAfterSeconds ?? NODE_RETRY_AFTER_SECONDS;
    super(503, problem.code, problem.message, { host: problem.host, retryAfterSeconds });
    this.name = "NodeProblemError";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const CODES_BY_STATUS: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
  503: "service_unavailable",
};

/** Builds the JSON error response (used by onError, notFound and middleware that answer early). */
export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: unknown): Response {
  return c.json({ error: details === undefined ? { code, message } : { code, message, details } }, status);
}

/** Error names of the index read module that mean "not ready": answered 503 without a stack. */
const NOT_READY_NAMES = new Set(["IndexNotReadyError", "IndexUnavailableError"]);

/**
 * The app's single error handler. Known errors keep their status and code; anything else is logged
 * with the request id and answered as a bare 500 (no stack, path or SQL reaches the client).
 */
export function onError(logger: Logger): ErrorHandler {
  return (err, c) => {
    if (err instanceof NodeProblemError) {
      logger.warn({ reqId: c.get("requestId"), problem: err.problem }, "node problem");
      c.header("Retry-After", String(Math.ceil(err.retryAfterSeconds)));
    }
    if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.details);
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      if (status >= 500) {
        logger.error({ reqId: c.get("requestId"), err }, "http exception");
        return errorResponse(c, 500, "internal_error", "Internal error");
      }
      // HTTPException messages are written by Hono or by us for clients (e.g. "Malformed JSON in request body").
      return errorResponse(c, status, CODES_BY_STATUS[status] ?? "bad_request", err.message || "Bad request");
    }
    if (err instanceof Error && err.name === "IndexQueryError") {
      // The read module's own argument checks; the route schemas should have caught it first.
      return errorResponse(c, 400, "invalid_query", err.message.slice(0, 300));
    }
    if (err instanceof Error && err.name === "IndexAmbiguousError") {
      // An id on several chains, asked without `?chainId=`: the caller picks a chain.
      const candidates = (err as Error & { candidates: AmbiguousMatch[] }).candidates.map(ambiguousCandidate);
      return errorResponse(c, 409, "ambiguous_id", err.message.slice(0, 300), { candidates });
    }
    if (err instanceof Error && NOT_READY_NAMES.has(err.name)) {
      return errorResponse(c, 503, "index_not_ready", "The index is not ready yet; retry shortly");
    }
    if (isDatabaseUnavailable(err)) {
      logger.warn(
        { reqId: c.get("requestId"), err: { message: (err as Error).message, code: (err as { code?: unknown }).code } },
        "app database unavailable",
      );
      c.header("Retry-After", "5");
      return errorResponse(c, 503, "database_unavailable", "The app database is not answering right now; retry shortly");
    }
    logger.error({ reqId: c.get("requestId"), err }, "unhandled error");
    return errorResponse(c, 500, "internal_error", "Internal error");
  };
}

/** What the read module's IndexAmbiguousError lists for each chain: its chain id, and for an invoice its row. */
interface AmbiguousMatch {
  chainId: number;
  id?: bigint | string;
  merchant?: string;
  status?: string;
}

/** One candidate of a 409 `ambiguous_id`: its chain (id and name) and, for an invoice, its id, merchant and status. */
function ambiguousCandidate({ chainId, id, merchant, status }: AmbiguousMatch) {
  return {
    chainId,
    chainName: chainName(chainId),
    ...(id === undefined ? {} : { id: id.toString() }),
    ...(merchant === undefined ? {} : { merchant }),
    ...(status === undefined ? {} : { status }),
  };
}

/** 404 for paths no route serves. */
export const onNotFound: NotFoundHandler = (c) => errorResponse(c, 404, "route_not_found", `No route for ${c.req.method} this path`);

/**
 * zod-openapi's default hook: a failed validation becomes 400 `validation_failed` with one entry
 * per field error ({ in, path, message }).
 */
export function validationHook(
  result:
    { success: true } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }; target?: string },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const details = result.error.issues.slice(0, 50).map((issue) => ({
    in: result.target,
    path: issue.path.map((p) => (typeof p === "symbol" ? p.toString() : p)).join("."),
    message: issue.message,
  }));
  return errorResponse(c, 400, "validation_failed", "The request is invalid", details);
}

/** OpenAPI response entries for the errors a route can answer. */
export function errorResponses(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503>) {
  const descriptions: Record<number, string> = {
    400: "Invalid input (details lists the field errors)",
    401: "Not signed in, or the session is no longer valid",
    403: "Signed in but not allowed",
    404: "Not found",
    409: "Conflict (e.g. Idempotency-Key reused with another body)",
    413: "Body larger than the limit",
    415: "Unsupported Content-Type",
    422: "Understood but not possible for this resource (e.g. an invoice that cannot be an e-invoice: the code says why)",
    429: "Too many requests",
    503: "Index, node or deployment not ready",
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s] ?? "Error", content: { "application/json": { schema: ErrorSchema } } }]),
  ) as Record<number, { description: string; content: { "application/json": { schema: typeof ErrorSchema } } }>;
}
