/**
 * Each network's RPC transport and request limits for Ponder, tuned to ride out a provider's bad day: viem's http
 * transport per URL (timeout, a few quick retries), viem's fallback transport over several URLs (ranked by latency and
 * stability), and adaptive eth_getLogs ranges (./logs-range.ts). Ponder's own request queue retries each failed
 * request 9 more times, 125 ms doubling up to 64 s (about 128 s of back-off in all), so an outage of a minute or two
 * costs time, never a fatal exit.
 */
import { fallback, http, type Transport } from "viem";
import { isLocalChain } from "../../core/chains";
import type { IndexerSettings } from "./settings";
import { adaptiveLogsRange } from "./logs-range";

/** Transport settings of one network (see README, Production: the indexer's RPC). */
export interface RpcTuning {
  /** One HTTP request's timeout (ms): a stalled connection is given up after it and retried. */
  timeoutMs: number;
  /** viem's quick retries of one request (Ponder's queue retries the whole request again after these). */
  retryCount: number;
  /** viem's first retry delay (ms), doubled at each retry. */
  retryDelayMs: number;
  /** Ponder's limit on requests per second to the network. */
  maxRequestsPerSecond: number;
  /** How often several URLs are ranked (ms), by latency and errors. */
  rankIntervalMs: number;
}

/** The tuning of a chain: a local node answers at once and may take everything; a provider is asked politely. */
export function rpcTuningFor(settings: IndexerSettings, chainId: number): RpcTuning {
  const local = isLocalChain(chainId);
  return {
    timeoutMs: settings.rpcTimeoutMs || (local ? 10_000 : 15_000),
    retryCount: 2,
    retryDelayMs: 250,
    maxRequestsPerSecond: settings.maxRequestsPerSecond || (local ? 10_000 : 25),
    rankIntervalMs: 10_000,
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
      retryCount: tuning.retryCount,
      retryDelay: tuning.retryDelayMs,
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
          retryCount: tuning.retryCount,
          retryDelay: tuning.retryDelayMs,
        });
  return adaptiveLogsRange(inner, onLogsRange);
}
