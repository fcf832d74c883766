/**
 * A JSON-RPC proxy that makes a real node behave like a public RPC on a bad day: added latency, 429 with
 * Retry-After, 503, dropped, stalled and truncated responses, outages (every connection reset), eth_getLogs capped to
 * a block range and a result count in the wording of the large providers, and a head that lags behind. Tests and
 * benchmarks put it between the indexer, the API or the tasks and a local Hardhat node. Random faults draw from a
 * seeded generator, so a run can be replayed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** How eth_getLogs refusals are worded: each large provider words them its own way (clients parse them). */
export type LogsErrorWording = "alchemy" | "infura" | "quicknode" | "generic";

/** The faults to inject. Probabilities are per HTTP request, between 0 and 1. */
export interface FaultProfile {
  /** Added before every answer, in milliseconds. */
  latencyMs?: number;
  /** Share of requests answered 429 Too Many Requests with `Retry-After: retryAfterSeconds`. */
  rateLimitProbability?: number;
  retryAfterSeconds?: number;
  /** Share answered 503 Service Unavailable. */
  serverErrorProbability?: number;
  /** Share whose connection is destroyed without an answer. */
  dropProbability?: number;
  /** Share held for `stallMs` (default 30 s), then destroyed without an answer. */
  stallProbability?: number;
  stallMs?: number;
  /** Share whose answer is cut in the middle of its body. */
  truncateProbability?: number;
  /**
   * The random faults above (429, 503, drop, stall, truncate) hit only requests calling one of these JSON-RPC methods
   * (a batch: any of its calls); every request when unset. Latency, outages and the eth_getLogs caps are not limited.
   * E.g. `["eth_sendRawTransaction"]` with truncation loses the answer of a send the node received.
   */
  onlyMethods?: string[];
  /** eth_getLogs over more blocks than this is refused. */
  maxLogsBlockRange?: number;
  /** eth_getLogs returning more logs than this is refused. */
  maxLogsResults?: number;
  /** Wording of those refusals (default "generic"). */
  logsErrorWording?: LogsErrorWording;
  /** eth_blockNumber and the "latest" block report this many blocks behind the node's head. */
  headLagBlocks?: number;
}

/** What the proxy did, by kind (for assertions and benchmark reports). */
export interface FaultCounts {
  requests: number;
  forwarded: number;
  rateLimited: number;
  serverErrors: number;
  dropped: number;
  stalled: number;
  truncated: number;
  logsRefused: number;
  outageResets: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** http://127.0.0.1:<port>: give this to the client instead of the node's URL. */
  readonly url: string;
  /** Replaces the fault profile (an empty object: a clean pass-through with nothing added). */
  setProfile(profile: FaultProfile): void;
  /** Starts an outage (every connection reset at once) for `ms` milliseconds, or until {@link endOutage}. */
  startOutage(ms?: number): void;
  /** Ends an outage. */
  endOutage(): void;
  /** Counters since the start. */
  readonly counts: Readonly<FaultCounts>;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

/** A JSON-RPC request as the proxy reads it. */
interface RpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

/** mulberry32: a small seeded generator, so that a failing run can be replayed with its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** The JSON-RPC methods a request body calls (none when it is not JSON-RPC). */
function methodsOf(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]).map((r) => String((r as RpcRequest | null)?.method));
  } catch {
    return [];
  }
}

/** The refusal of an eth_getLogs call over `range` blocks or `results` logs, as `wording`'s provider says it. */
function logsRefusal(wording: LogsErrorWording, from: number, suggestedTo: number, results?: number) {
  switch (wording) {
    case "alchemy":
      return {
        code: -32602,
        message: `Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters, this block range should work: [${hex(from)}, ${hex(suggestedTo)}]`,
      };
    case "infura":
      return { code: -32005, message: "query returned more than 10000 results", data: { from: hex(from), to: hex(suggestedTo) } };
    case "quicknode":
      return { code: -32614, message: `eth_getLogs is limited to a ${suggestedTo - from + 1} range` };
    case "generic":
      return { code: -32000, message: results === undefined ? "block range is too wide" : `query returned more than ${results} results` };
  }
}

/**
 * Starts a proxy on a free port of 127.0.0.1 in front of the JSON-RPC node at `target`.
 *
 * @param seed seeds the random faults (default 1)
 */
export async function startFaultProxy(target: string, profile: FaultProfile = {}, seed = 1): Promise<FaultProxy> {
  let current: FaultProfile = { ...profile };
  const random = seededRandom(seed);
  const counts: FaultCounts = {
    requests: 0,
    forwarded: 0,
    rateLimited: 0,
    serverErrors: 0,
    dropped: 0,
    stalled: 0,
    truncated: 0,
    logsRefused: 0,
    outageResets: 0,
  };
  const sockets = new Set<Socket>();
  let outageUntil = 0;
  let outageTimer: NodeJS.Timeout | undefined;
  const inOutage = () => outageUntil > Date.now();
  const chance = (p: number | undefined) => p !== undefined && p > 0 && random() < p;
  /** Whether the random faults may hit a request with this body ({@link FaultProfile.onlyMethods}). */
  const faultable = (body: string) => !current.onlyMethods || methodsOf(body).some((m) => current.onlyMethods!.includes(m));

  const forward = async (body: unknown): Promise<unknown> => {
    const response = await fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return response.json();
  };
  const headNumber = async () =>
    Number(((await forward({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber" })) as { result: string }).result);
  const blockTag = async (tag: unknown, head: () => Promise<number>): Promise<number> => {
    if (typeof tag === "string" && tag.startsWith("0x")) return Number(tag);
    if (tag === "earliest") return 0;
    return Math.max(0, (await head()) - (current.headLagBlocks ?? 0));
  };

  /** Answers one JSON-RPC request, applying the per-method faults (logs caps, lagging head). */
  const answer = async (request: RpcRequest): Promise<unknown> => {
    const lag = current.headLagBlocks ?? 0;
    let head: number | undefined;
    const getHead = async () => (head ??= await headNumber());
    if (lag > 0 && request.method === "eth_blockNumber") {
      return { jsonrpc: "2.0", id: request.id, result: hex(Math.max(0, (await getHead()) - lag)) };
    }
    if (lag > 0 && request.method === "eth_getBlockByNumber" && request.params?.[0] === "latest") {
      const number = Math.max(0, (await getHead()) - lag);
      return forward({ ...request, params: [hex(number), ...(request.params ?? []).slice(1)] });
    }
    if (request.method === "eth_getLogs" && (current.maxLogsBlockRange || current.maxLogsResults)) {
      const filter = (request.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string; blockHash?: string };
      const wording = current.logsErrorWording ?? "generic";
      if (!filter.blockHash && current.maxLogsBlockRange) {
        const from = await blockTag(filter.fromBlock ?? "latest", getHead);
        const to = await blockTag(filter.toBlock ?? "latest", getHead);
        if (to - from + 1 > current.maxLogsBlockRange) {
          counts.logsRefused++;
          return { jsonrpc: "2.0", id: request.id, error: logsRefusal(wording, from, from + current.maxLogsBlockRange - 1) };
        }
      }
      const result = (await forward(request)) as { result?: unknown[] };
      if (current.maxLogsResults && Array.isArray(result.result) && result.result.length > current.maxLogsResults) {
        counts.logsRefused++;
        const from = await blockTag(filter.fromBlock ?? "latest", getHead);
        const to = await blockTag(filter.toBlock ?? "latest", getHead);
        const suggestedTo = from + Math.max(0, Math.floor((to - from) / 2));
        return { jsonrpc: "2.0", id: request.id, error: logsRefusal(wording, from, suggestedTo, current.maxLogsResults) };
      }
      return result;
    }
    return forward(request);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    counts.requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (inOutage()) {
      counts.outageResets++;
      return void req.socket.destroy();
    }
    if (current.latencyMs) await new Promise((resolve) => setTimeout(resolve, current.latencyMs));
    const faulty = faultable(Buffer.concat(chunks).toString("utf8"));
    if (faulty && chance(current.dropProbability)) {
      counts.dropped++;
      return void req.socket.destroy();
    }
    if (faulty && chance(current.stallProbability)) {
      counts.stalled++;
      return void setTimeout(() => req.socket.destroy(), current.stallMs ?? 30_000).unref();
    }
    if (faulty && chance(current.rateLimitProbability)) {
      counts.rateLimited++;
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(current.retryAfterSeconds ?? 1) });
      return void res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: 429, message: "Too Many Requests" } }));
    }
    if (faulty && chance(current.serverErrorProbability)) {
      counts.serverErrors++;
      res.writeHead(503, { "content-type": "text/plain" });
      return void res.end("Service Unavailable");
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }));
    }
    let result: unknown;
    try {
      result = Array.isArray(body) ? await Promise.all(body.map((r) => answer(r as RpcRequest))) : await answer(body as RpcRequest);
    } catch {
      res.writeHead(502, { "content-type": "text/plain" });
      return void res.end("Bad Gateway: the node behind the proxy did not answer");
    }
    counts.forwarded++;
    const text = JSON.stringify(result);
    if (faulty && chance(current.truncateProbability)) {
      counts.truncated++;
      res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      return void setTimeout(() => req.socket.destroy(), 10).unref();
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(text);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    if (inOutage()) {
      counts.outageResets++;
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setProfile(profile) {
      current = { ...profile };
    },
    startOutage(ms) {
      outageUntil = ms === undefined ? Number.POSITIVE_INFINITY : Date.now() + ms;
      for (const socket of sockets) socket.destroy();
      clearTimeout(outageTimer);
      if (ms !== undefined) outageTimer = setTimeout(() => (outageUntil = 0), ms).unref();
    },
    endOutage() {
      outageUntil = 0;
      clearTimeout(outageTimer);
    },
    async close() {
      clearTimeout(outageTimer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
