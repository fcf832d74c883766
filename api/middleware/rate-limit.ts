import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import { errorResponse } from "../lib/errors";

/** Fixed-window request counter per key, in memory (one process; a shared store for replicas later). */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /**
   * @param limit requests allowed per window
   * @param windowMs window length in milliseconds
   */
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one hit for `key`; returns the seconds to wait when over the limit, else null. */
  hit(key: string, now: number): number | null {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit) return null;
    return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}

/**
 * The client's IP: the first X-Forwarded-For entry when behind a trusted proxy, else the socket's
 * remote address ("unknown" for in-process requests such as app.request in tests).
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Middleware: 429 `rate_limited` with Retry-After once an IP goes over the limiter's budget. */
export function rateLimit(limiter: RateLimiter, trustProxy: boolean, now: () => number): MiddlewareHandler {
  return async (c, next) => {
    const retryAfter = limiter.hit(clientIp(c, trustProxy), now());
    if (retryAfter !== null) {
      c.header("Retry-After", String(retryAfter));
      return errorResponse(c, 429, "rate_limited", `Too many requests: retry in ${retryAfter} s`, { retryAfterSeconds: retryAfter });
    }
    await next();
  };
}
