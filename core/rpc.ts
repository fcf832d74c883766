/**
 * What went wrong talking to a JSON-RPC node, in one vocabulary for every layer: the API answers 503 with the
 * problem's code and sentence, the tasks retry the transient ones with back-off and say what they wait for, the page
 * shows the sentence and retries. A problem always names the node's host (never its path or query, where providers
 * put their API keys).
 */

/** The kinds of node failure, as API error codes. */
export const RPC_PROBLEM_CODES = ["node_rate_limited", "node_unavailable", "node_timeout", "node_unreachable"] as const;
/** One of {@link RPC_PROBLEM_CODES}. */
export type RpcProblemCode = (typeof RPC_PROBLEM_CODES)[number];

/** A classified node failure. */
export interface RpcProblem {
  code: RpcProblemCode;
  /** The node's host (and port): `eth-mainnet.g.alchemy.com`, `127.0.0.1:8545`. */
  host: string;
  /** Seconds the node asked to wait (Retry-After), when it said. */
  retryAfterSeconds?: number;
  /** One sentence for people, naming the host and the problem. */
  message: string;
}

/** The host (and port) of a node URL, without credentials, path or query; the input itself when it is not a URL. */
export function rpcHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** What the node does wrong, as the predicate of a sentence about it: "is rate-limiting requests (HTTP 429)". */
export function rpcProblemPhrase(code: RpcProblemCode): string {
  switch (code) {
    case "node_rate_limited":
      return "is rate-limiting requests (HTTP 429)";
    case "node_unavailable":
      return "is unavailable (it answered with a server error)";
    case "node_timeout":
      return "did not answer in time";
    case "node_unreachable":
      return "cannot be reached (connection refused or dropped)";
  }
}

/** The sentence of a problem of kind `code` at `host`. */
export function rpcProblemMessage(code: RpcProblemCode, host: string, retryAfterSeconds?: number): string {
  const wait = retryAfterSeconds !== undefined ? `; retry in ${retryAfterSeconds} s` : "; retry shortly";
  return `The node at ${host} ${rpcProblemPhrase(code)}${wait}`;
}

/** Builds a problem of kind `code` at the node `url`. */
export function rpcProblem(code: RpcProblemCode, url: string, retryAfterSeconds?: number): RpcProblem {
  const host = rpcHost(url);
  return {
    code,
    host,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    message: rpcProblemMessage(code, host, retryAfterSeconds),
  };
}

/** Fields an error of ethers, viem, undici or Node's net module may carry. */
interface ErrorFields {
  code?: unknown;
  status?: unknown;
  statusCode?: unknown;
  message?: unknown;
  shortMessage?: unknown;
  cause?: unknown;
  error?: unknown;
  info?: { responseStatus?: unknown; response?: { statusCode?: unknown; headers?: Record<string, string> } } & Record<string, unknown>;
  response?: { statusCode?: unknown; headers?: Record<string, string> };
  headers?: unknown;
}

/** The HTTP status an error reports, in any of the shapes the clients use ("429 Too Many Requests" included). */
function httpStatus(e: ErrorFields): number | undefined {
  for (const value of [e.status, e.statusCode, e.response?.statusCode, e.info?.response?.statusCode, e.info?.responseStatus]) {
    const status = typeof value === "number" ? value : typeof value === "string" ? Number.parseInt(value, 10) : NaN;
    if (Number.isInteger(status) && status >= 100) return status;
  }
  return undefined;
}

/** Seconds of a Retry-After header, when an error carries one. */
function retryAfter(e: ErrorFields): number | undefined {
  const headers = e.response?.headers ?? e.info?.response?.headers;
  const raw = headers?.["retry-after"] ?? headers?.["Retry-After"];
  const seconds = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** The problem one error (and its causes) shows, or undefined when it is not a transport failure (a revert, say). */
function classifyOne(e: ErrorFields): RpcProblemCode | undefined {
  const status = httpStatus(e);
  if (status === 429) return "node_rate_limited";
  if (status !== undefined && status >= 500) return "node_unavailable";
  const code = typeof e.code === "string" ? e.code : "";
  const text = `${String(e.shortMessage ?? "")} ${String(e.message ?? "")}`;
  if (code === "TIMEOUT" || code === "ETIMEDOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || /timed? ?out|timeout/i.test(text))
    return "node_timeout";
  if (/\b429\b|too many requests|rate.?limit/i.test(text)) return "node_rate_limited";
  if (/\b50[0-4]\b|service unavailable|bad gateway/i.test(text)) return "node_unavailable";
  if (
    ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "UND_ERR_SOCKET", "UND_ERR_CLOSED"].includes(code) ||
    /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|network error|other side closed|connection (refused|reset)|missing response|bad response/i.test(
      text,
    )
  ) {
    return "node_unreachable";
  }
  return undefined;
}

/**
 * Classifies a failed call to the node at `url`: the problem, or undefined when the error is not the node's transport
 * failing (a revert or a bad argument is the caller's to report). Looks through `cause` and `error` chains.
 */
export function classifyRpcError(error: unknown, url: string): RpcProblem | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    const e = current as ErrorFields;
    const code = classifyOne(e);
    if (code) return rpcProblem(code, url, code === "node_rate_limited" ? retryAfter(e) : undefined);
    current = e.cause ?? e.error;
  }
  return undefined;
}
