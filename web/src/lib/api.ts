/**
 * The Settle API client. The page is served by the API from the same origin, so requests are
 * relative and the httpOnly session cookie set by POST /auth/verify travels with them. Every
 * failure becomes an {@link ApiError} with a message people can read.
 */
import type { EinvoiceDownload } from "../../../core/einvoice";
import { backoffDelayMs, type BackoffSchedule } from "../../../core/backoff";
import { RPC_PROBLEM_CODES } from "../../../core/rpc";
import type {
  ContractsResponse,
  NonceResponse,
  SessionResponse,
  MeResponse,
  Profile,
  ProfilePatch,
  CreatedDraft,
  InvoiceDraftInput,
  CustomerList,
  CreditNoteList,
  Invoice,
  InvoicePage,
  InvoiceEvent,
  HistoryPage,
  HistoryFilters,
  TransactionVerification,
  InvoiceTransactions,
  BatchTransactions,
  TokenResponse,
  RelayerHealth,
} from "./api-shapes";

export type * from "./api-shapes";

/** One field problem of a 400 `validation_failed` answer. */
export interface FieldProblem {
  in?: string;
  path: string;
  message: string;
}

/**
 * A failed API call: HTTP status (0 when the API could not be reached), stable code, sentence, and the seconds its
 * Retry-After header asked to wait, when it sent one.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /**
   * Whether this is the API saying the blockchain node (core/rpc's `node_*` codes) or the index does not answer for
   * now: a read retries it by itself, an action offers to retry.
   */
  get transient(): boolean {
    return this.status === 503 && TRANSIENT_CODES.includes(this.code);
  }

  /** The field problems of a validation failure (empty otherwise). */
  get fieldProblems(): FieldProblem[] {
    return Array.isArray(this.details) ? (this.details as FieldProblem[]).filter((d) => typeof d?.path === "string") : [];
  }
}

/** The codes of a 503 that pass by themselves: the node's problems and the index catching up. */
const TRANSIENT_CODES: readonly string[] = [...RPC_PROBLEM_CODES, "index_not_ready"];

/** The page's reads retry for as long as the page is open: 1 s doubling to 30 s, never sooner than the API's Retry-After. */
const READ_BACKOFF: BackoffSchedule = { firstMs: 1_000, capMs: 30_000, retryAfter: "atLeast" };

/** The seconds to wait before retry number `attempt` (from 0): 1, 2, 4… up to 30, and never less than `retryAfter`. */
export function retryDelaySeconds(attempt: number, retryAfter?: number): number {
  return backoffDelayMs(READ_BACKOFF, attempt, retryAfter === undefined ? undefined : retryAfter * 1000) / 1000;
}

/** The message used whenever the API cannot be reached at all. */
export const API_UNREACHABLE = "Cannot reach the Settle API. Check your connection (or that the server is running) and try again.";

type Query = Record<string, string | number | undefined | null>;

/** Builds `path?query`, leaving out empty values. */
export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** `fetch` on the API (same origin, the session cookie travels); ApiError `api_unreachable` when nothing answers. */
async function fetchApi(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { ...init, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "api_unreachable", API_UNREACHABLE);
  }
}

/** The {@link ApiError} an answer that is not the expected one stands for (the API's JSON error when it sent one). */
async function errorOf(response: Response): Promise<ApiError> {
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) {
    if (response.status >= 500 || response.status === 404)
      return new ApiError(response.status, "api_unavailable", `The Settle API is not available here (HTTP ${response.status}).`);
    return new ApiError(response.status, "bad_response", `The Settle API answered unexpectedly (HTTP ${response.status}).`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return new ApiError(response.status, "bad_response", `The Settle API answered unexpectedly (HTTP ${response.status}).`);
  }
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } }).error;
  const retryAfter = Number(response.headers.get("retry-after") ?? NaN);
  return new ApiError(
    response.status,
    error?.code ?? "http_error",
    humanApiMessage(response.status, error?.code, error?.message),
    error?.details,
    Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
  );
}

/** Sends one request and returns its JSON body (undefined for 204), or throws {@link ApiError}. */
export async function request<T>(
  method: string,
  path: string,
  options: { body?: unknown; query?: Query; headers?: Record<string, string> } = {},
): Promise<T> {
  const response = await fetchApi(withQuery(path, options.query), {
    method,
    headers: {
      Accept: "application/json",
      ...(options.body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 204) return undefined as T;
  if (!response.ok || !(response.headers.get("content-type") ?? "").includes("application/json")) throw await errorOf(response);
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError(response.status, "bad_response", `The Settle API answered unexpectedly (HTTP ${response.status}).`);
  }
}

/** GETs a file the API serves as an attachment: its bytes and the name Content-Disposition gives, or throws {@link ApiError}. */
export async function downloadFile(path: string): Promise<{ blob: Blob; fileName: string }> {
  const response = await fetchApi(path, { method: "GET" });
  if (!response.ok) throw await errorOf(response);
  const fileName = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "download";
  return { blob: await response.blob(), fileName };
}

/**
 * The API's own sentence, made friendlier for the codes people meet most. The node's problems (`node_*`) keep the
 * API's sentence: it names the node and what is wrong with it.
 */
function humanApiMessage(status: number, code: string | undefined, message: string | undefined): string {
  switch (code) {
    case "unauthenticated":
    case "invalid_token":
    case "session_revoked":
      return "Your session has ended. Sign in again to continue.";
    case "index_not_ready":
      return "The indexer is still catching up with the chain. Try again in a few seconds.";
    case "deployment_missing":
      return "The contracts are not deployed yet on this server.";
    case "rate_limited":
      return "Too many attempts. Wait a minute and try again.";
    case "validation_failed":
      return "Some fields need attention.";
  }
  if (message) return message.endsWith(".") ? message : `${message}.`;
  if (status === 503) return "The Settle API is not ready yet. Try again shortly.";
  return `The Settle API refused the request (HTTP ${status}).`;
}

// ------------------------------------------------------------------ endpoints

/** The API's routes, typed. */
export const api = {
  contracts: () => request<ContractsResponse>("GET", "/blockchain/contracts"),
  /** A token's symbol, decimals and name on chain `chainId`, read by the API's node of that chain (422 `not_a_token`). */
  token: (address: string, chainId: number) =>
    request<TokenResponse>("GET", `/blockchain/tokens/${encodeURIComponent(address)}`, { query: { chainId } }),
  nonce: () => request<NonceResponse>("GET", "/auth/nonce"),
  verify: (message: string, signature: string) => request<SessionResponse>("POST", "/auth/verify", { body: { message, signature } }),
  logout: () => request<void>("POST", "/auth/logout"),
  me: () => request<MeResponse>("GET", "/auth/me"),
  profile: () => request<Profile>("GET", "/users/me"),
  updateProfile: (patch: ProfilePatch) => request<Profile>("PATCH", "/users/me", { body: patch }),
  /** Prepares a draft and its createInvoice transaction on chain `chainId` (the API's first network when absent). */
  createInvoice: (input: InvoiceDraftInput, idempotencyKey: string, chainId?: number) =>
    request<CreatedDraft>("POST", "/invoices", {
      body: chainId === undefined ? input : { ...input, chainId },
      headers: { "Idempotency-Key": idempotencyKey },
    }),
  invoices: (query: { role?: string; status?: string; cursor?: string; limit?: number; chainId?: number }) =>
    request<InvoicePage>("GET", "/invoices", { query }),
  /** An invoice (or draft) by id; with `chainId` the on-chain invoice of that chain (409 `ambiguous_id` without it when several match). */
  invoice: (id: string, chainId?: number) => request<Invoice>("GET", `/invoices/${encodeURIComponent(id)}`, { query: { chainId } }),
  customers: () => request<CustomerList>("GET", "/customers"),
  creditNotes: (id: string, chainId?: number) =>
    request<CreditNoteList>("GET", `/invoices/${encodeURIComponent(id)}/credit-notes`, { query: { chainId } }),
  invoiceEvents: (id: string, chainId?: number) =>
    request<{ items: InvoiceEvent[] }>("GET", `/invoices/${encodeURIComponent(id)}/events`, { query: { chainId } }),
  history: (filters: HistoryFilters & { cursor?: string; limit?: number; chainId?: number }) =>
    request<HistoryPage>("GET", "/transactions", { query: { ...filters } }),
  /** A transaction's verification (of chain `chainId` when given: the API's first network otherwise). */
  transaction: (hash: string, chainId?: number) =>
    request<TransactionVerification>("GET", `/transactions/${encodeURIComponent(hash)}`, { query: { chainId } }),
  health: () => request<{ relayer: RelayerHealth }>("GET", "/health"),
  payTransactions: (id: string, amount: bigint, chainId?: number) =>
    request<InvoiceTransactions>("POST", `/invoices/${encodeURIComponent(id)}/transactions`, {
      query: { chainId },
      body: { action: "pay", amount: amount.toString() },
    }),
  /** The quote and calls (approve + payPriced) paying invoice `id`, priced in a currency, in `token`. */
  pricedPayTransactions: (id: string, token: string, slippageBps: number, chainId?: number) =>
    request<InvoiceTransactions>("POST", `/invoices/${encodeURIComponent(id)}/transactions`, {
      query: { chainId },
      body: { action: "pay", token, slippageBps },
    }),
  /** The calls that pay `invoiceIds` together, all of chain `chainId` (one payMany is one chain's transaction). */
  batchTransactions: (invoiceIds: string[], chainId?: number) =>
    request<BatchTransactions>("POST", "/invoices/batch-transactions", { body: { invoiceIds }, query: { chainId } }),
  relay: (endpoint: string, body: unknown) => request<{ txHash: string; relayer: string }>("POST", endpoint, { body }),
};

/** The URL of the CSV download of the history with `filters` (the session cookie authorises it). */
export function historyCsvUrl(filters: HistoryFilters, limit = 500): string {
  return withQuery("/transactions", { ...filters, format: "csv", limit });
}

/** The CSV of the merchant's invoices and credit notes of UTC year `year`, for an accountant (the session cookie authorises it). */
export function invoiceExportUrl(year: number): string {
  return withQuery("/invoices/export", { from: `${year}-01-01T00:00:00Z`, to: `${year + 1}-01-01T00:00:00Z`, format: "csv" });
}

/** An invoice's e-invoice in `format` (GET /invoices/{id}/einvoice), for {@link downloadFile}. */
export function invoiceEinvoiceUrl(id: string, format: EinvoiceDownload): string {
  return withQuery(`/invoices/${encodeURIComponent(id)}/einvoice`, { format });
}

/** Links to an invoice's printable document and its PDF, served by the API. */
export function invoiceDocumentUrls(id: string): { html: string; pdf: string } {
  const base = `/invoices/${encodeURIComponent(id)}/document`;
  return { html: base, pdf: `${base}.pdf` };
}
