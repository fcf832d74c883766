/**
 * Each network's RPC transport and request limits for Ponder, tuned to ride out a provider's bad day: viem's http
 * transport per URL (timeout), viem's fallback transport over several URLs (ranked by latency and stability), patient
 * retries of transient failures (./patient.ts: 90 s, at most 2 s apart) and adaptive eth_getLogs ranges
 * (core/logs-range.ts). Behind those, Ponder's own request queue retries each failed request 9 more times, 125 ms
 * doubling up to 64 s, each attempt patient again: an outage of a quarter of an hour costs time, never a fatal exit.
 */
import { fallback, http, type Transport } from "viem";
import { resolveRpcSettings, type NetworkConfig } from "../../core/networks";
import { adaptiveLogsRange, type RpcRequest } from "../../core/logs-range";
import { patientTransport } from "./patient";

/** Transport settings of one network (see README, Production: the indexer's RPC). */
export interface RpcTuning {
  /** One HTTP request's timeout (ms): a stalled connection is given up after it and retried. */
  timeoutMs: number;
  /** How long a request failing for a transient reason is retried before Ponder hears of it (ms). */
  patienceMs: number;
  /** The largest delay between two of those retries (ms): the RPC's return is noticed within it. */
  maxRetryDelayMs: number;
  /** Ponder's limit on requests per second to the network. */
  maxRequestsPerSecond: number;
  /** How often several URLs are ranked (ms), by latency and errors. */
  rankIntervalMs: number;
  /** The widest eth_getLogs range asked for (blocks; 0: as wide as the provider takes, narrowed on refusal). */
  maxLogsBlockRange: number;
}

/** The tuning of a network on chain `chainId`: its settings (core/networks: the environment's, else the chain's defaults). */
export function rpcTuningFor(network: NetworkConfig, chainId: number): RpcTuning {
  const rpc = resolveRpcSettings(network, chainId);
  return {
    timeoutMs: rpc.timeoutMs,
    patienceMs: rpc.patienceMs,
    maxRetryDelayMs: 2_000,
    maxRequestsPerSecond: rpc.maxRequestsPerSecond,
    rankIntervalMs: 10_000,
    maxLogsBlockRange: rpc.maxLogsBlockRange,
  };
}

/**
 * The transport of a network whose RPC URLs are `urls` (several: a fallback ranked by latency and stability, the
 * first URL preferred until the ranking says otherwise). `onLogsRange` hears of each change of the eth_getLogs range.
 */
export function settleTransport(urls: readonly string[], tuning: RpcTuning, onLogsRange?: (range: number, why: string) => void): Transport {
  const one = (url: string) =>
    http(url, {
      timeout: tuning.timeoutMs,
      // Retries are patientTransport's, over every URL.
      retryCount: 0,
      // viem caps a response at 10 MiB by default: a backfill's eth_getLogs is larger than that.
      maxResponseBodySize: 256 * 1024 * 1024,
    });
  const inner =
    urls.length === 1
      ? one(urls[0]!)
      : fallback(urls.map(one), {
          rank: {
            interval: tuning.rankIntervalMs,
            sampleCount: 10,
            timeout: Math.min(tuning.timeoutMs, 2_000),
            weights: { latency: 0.3, stability: 0.7 },
          },
          retryCount: 0,
        });
  const patient = patientTransport(inner, { patienceMs: tuning.patienceMs, baseDelayMs: 100, maxDelayMs: tuning.maxRetryDelayMs });
  return (params) => {
    const transport = patient(params);
    const request = oneLatestAtATime(adaptiveLogsRange(transport.request as RpcRequest, onLogsRange, tuning.maxLogsBlockRange));
    return { ...transport, request: request as typeof transport.request };
  };
}

/**
 * Shares one request for the chain's head among callers while it is in flight. Ponder polls the head every polling
 * interval without waiting for the previous poll: while the RPC is slow or failing, polls pile up, and their answers
 * would come back out of order; Ponder takes an older head after a newer one for a reorg and, reconciling it, loses
 * the events of the blocks in between. With one head request at a time, heads only move forward.
 */
export function oneLatestAtATime(request: RpcRequest): RpcRequest {
  const inFlight = new Map<string, Promise<unknown>>();
  return (args) => {
    const params = args.params as unknown[] | undefined;
    const isHead = args.method === "eth_blockNumber" || (args.method === "eth_getBlockByNumber" && params?.[0] === "latest");
    if (!isHead) return request(args);
    const key = `${args.method}:${JSON.stringify(params ?? [])}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = request(args).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    // Each caller gets its own copy: Ponder changes the blocks it is given.
    return pending.then((result) => structuredClone(result));
  };
}
