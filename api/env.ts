import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The API's configuration, read once from the environment at start-up. */
export interface Config {
  /** TCP port the server listens on (PORT, default 8000). */
  port: number;
  /** Interface the server binds (HOST, default 127.0.0.1). */
  host: string;
  /** The origin users reach the API and web page at; SIWE domain and URI are checked against it. */
  publicOrigin: string;
  /** Origins allowed by CORS (CORS_ORIGINS, comma-separated; default: the public origin only). */
  corsOrigins: string[];
  /** Path of app.sqlite, the API's own database (APP_DB_PATH). */
  appDbPath: string;
  /** Path of Ponder's SQLite index, opened read-only (INDEX_DB_PATH; default $SETTLE_INDEX_DIR/public.db or indexer/.ponder/<network>/public.db). */
  indexDbPath: string;
  /** JSON-RPC URL of the node (RPC_URL). */
  rpcUrl: string;
  /** Name of the deployments/<network>.json file to read (SETTLE_NETWORK, default localhost). */
  network: string;
  /** HS256 key for session tokens (JWT_SECRET, or generated into a 0600 file beside app.sqlite). */
  jwtSecret: string | undefined;
  /** Lifetime of a session token in seconds (JWT_TTL_SECONDS, default 3600). */
  jwtTtlSeconds: number;
  /** Largest accepted request body in bytes (BODY_LIMIT_BYTES, default 65536). */
  bodyLimitBytes: number;
  /** Requests per IP per minute on /auth/* (AUTH_RATE_LIMIT_PER_MINUTE, default 30). */
  authRateLimitPerMinute: number;
  /** Trust X-Forwarded-For for the client IP (TRUST_PROXY, default false). */
  trustProxy: boolean;
  /** Confirmations after which a transaction counts as final (FINALITY_CONFIRMATIONS, default 12). */
  finalityConfirmations: number;
  /** Largest index lag in blocks before /health reports not ready (INDEX_MAX_LAG_BLOCKS, default 10). */
  indexMaxLagBlocks: number;
  /** How long a history page is served from cache in milliseconds, 0 to disable (HISTORY_CACHE_MS, default 1000). */
  historyCacheMs: number;
  /** The built web page the API serves from its origin (WEB_DIST_DIR, default web/dist). */
  webDistDir: string;
  /** pino level (LOG_LEVEL, default info). */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Production mode (SETTLE_ENV=production): webhook URLs must resolve to public addresses only. */
  production: boolean;
  /** Lifetime of an OAuth2 client-credentials access token in seconds (OAUTH_TOKEN_TTL_SECONDS, default 900). */
  oauthTokenTtlSeconds: number;
  /** Confirmations a webhook endpoint waits for when it does not say (WEBHOOK_CONFIRMATIONS, default 2). */
  webhookConfirmations: number;
  /** Time limit of one webhook delivery, connection to last byte, in milliseconds (WEBHOOK_TIMEOUT_MS, default 10000). */
  webhookTimeoutMs: number;
  /** Waits before each retry of a failed delivery, in milliseconds (WEBHOOK_RETRY_SCHEDULE, default 30s,2m,10m,30m,1h,2h,4h,8h). */
  webhookRetryScheduleMs: number[];
  /** How often the webhook poller and sender look for work, in milliseconds (WEBHOOK_POLL_MS, default 1000). */
  webhookPollMs: number;
}

/** A bad environment: one line per bad value, ready to print. */
export class ConfigError extends Error {
  /** @param problems one human sentence per bad variable */
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Default WEBHOOK_RETRY_SCHEDULE: nine attempts over about 15 hours. */
export const DEFAULT_RETRY_SCHEDULE = "30s,2m,10m,30m,1h,2h,4h,8h";
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a comma-separated list of durations such as "30s,2m,1h" (units ms, s, m, h) into milliseconds; null when malformed. */
export function parseDurations(text: string): number[] | null {
  const parts = text.split(",").map((p) => p.trim());
  const out: number[] = [];
  for (const part of parts) {
    const match = /^(\d{1,9})(ms|s|m|h)$/.exec(part);
    if (!match) return null;
    out.push(Number(match[1]) * DURATION_UNITS_MS[match[2]!]!);
  }
  return out.length > 0 && out.length <= 30 ? out : null;
}

/** Repository root (api/ lives directly under it). */
export const ROOT_DIR = resolve(__dirname, "..");

/**
 * Reads and validates the configuration from `env`. Every bad value is reported at once, one line
 * each (e.g. "JWT_SECRET must be at least 32 bytes").
 *
 * @throws ConfigError when any value is invalid
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const str = (name: string, fallback: string): string => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? fallback : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name, String(fallback));
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name, String(fallback)).toLowerCase();
    if (!["true", "false", "1", "0"].includes(raw)) {
      problems.push(`${name} must be true or false (got "${raw}")`);
      return fallback;
    }
    return raw === "true" || raw === "1";
  };
  const origin = (name: string, raw: string): string => {
    try {
      const url = new URL(raw);
      if ((url.protocol !== "http:" && url.protocol !== "https:") || url.origin !== raw.replace(/\/$/, "")) {
        throw new Error();
      }
      return url.origin;
    } catch {
      problems.push(`${name} must be an origin like http://localhost:8000 (scheme, host, optional port; no path) (got "${raw}")`);
      return raw;
    }
  };

  const port = int("PORT", 8000, 1, 65535);
  const publicOrigin = origin("PUBLIC_ORIGIN", str("PUBLIC_ORIGIN", `http://localhost:${port}`));
  const corsOrigins = str("CORS_ORIGINS", publicOrigin)
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => origin("CORS_ORIGINS", o));

  const rpcUrl = str("RPC_URL", "http://127.0.0.1:8545");
  if (!/^https?:\/\/[^\s]+$/.test(rpcUrl)) problems.push(`RPC_URL must be an http(s) URL (got "${rpcUrl}")`);

  const network = str("SETTLE_NETWORK", "localhost");
  if (!/^[A-Za-z0-9_-]+$/.test(network)) problems.push(`SETTLE_NETWORK must be a network name like localhost (got "${network}")`);

  const jwtSecret = env.JWT_SECRET === undefined || env.JWT_SECRET === "" ? undefined : env.JWT_SECRET;
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret, "utf8") < 32) problems.push("JWT_SECRET must be at least 32 bytes");

  const logLevel = str("LOG_LEVEL", "info") as Config["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${logLevel}")`);

  const settleEnv = str("SETTLE_ENV", "development");
  if (settleEnv !== "development" && settleEnv !== "production") {
    problems.push(`SETTLE_ENV must be development or production (got "${settleEnv}")`);
  }
  const retrySchedule = str("WEBHOOK_RETRY_SCHEDULE", DEFAULT_RETRY_SCHEDULE);
  const webhookRetryScheduleMs = parseDurations(retrySchedule);
  if (webhookRetryScheduleMs === null) {
    problems.push(`WEBHOOK_RETRY_SCHEDULE must be 1 to 30 comma-separated durations like 30s,2m,1h (got "${retrySchedule}")`);
  }

  const config: Config = {
    port,
    host: str("HOST", "127.0.0.1"),
    publicOrigin,
    corsOrigins,
    appDbPath: resolve(str("APP_DB_PATH", join(ROOT_DIR, "data", "app.sqlite"))),
    // The indexer's own default (api/lib/index-reader.ts defaultIndexPath): $SETTLE_INDEX_DIR/public.db or indexer/.ponder/<network>/public.db.
    indexDbPath: resolve(
      str(
        "INDEX_DB_PATH",
        join(env.SETTLE_INDEX_DIR ? resolve(env.SETTLE_INDEX_DIR) : join(ROOT_DIR, "indexer", ".ponder", network), "public.db"),
      ),
    ),
    rpcUrl,
    network,
    jwtSecret,
    jwtTtlSeconds: int("JWT_TTL_SECONDS", 3600, 60, 86_400),
    bodyLimitBytes: int("BODY_LIMIT_BYTES", 65_536, 1024, 10_485_760),
    authRateLimitPerMinute: int("AUTH_RATE_LIMIT_PER_MINUTE", 30, 1, 100_000),
    trustProxy: bool("TRUST_PROXY", false),
    finalityConfirmations: int("FINALITY_CONFIRMATIONS", 12, 1, 10_000),
    indexMaxLagBlocks: int("INDEX_MAX_LAG_BLOCKS", 10, 0, 1_000_000),
    historyCacheMs: int("HISTORY_CACHE_MS", 1000, 0, 60_000),
    webDistDir: resolve(str("WEB_DIST_DIR", join(ROOT_DIR, "web", "dist"))),
    logLevel,
    production: settleEnv === "production",
    oauthTokenTtlSeconds: int("OAUTH_TOKEN_TTL_SECONDS", 900, 60, 86_400),
    webhookConfirmations: int("WEBHOOK_CONFIRMATIONS", 2, 1, 1000),
    webhookTimeoutMs: int("WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000),
    webhookRetryScheduleMs: webhookRetryScheduleMs ?? [],
    webhookPollMs: int("WEBHOOK_POLL_MS", 1000, 10, 60_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The JWT key: JWT_SECRET when set, otherwise the content of `jwt-secret` beside app.sqlite,
 * generated (32 random bytes, hex) with mode 0600 on first start. A secret file readable by
 * others is refused.
 *
 * @throws ConfigError when the stored file is unusable
 */
export function resolveJwtSecret(config: Config): string {
  if (config.jwtSecret) return config.jwtSecret;
  const path = join(dirname(config.appDbPath), "jwt-secret");
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    chmodSync(path, 0o600);
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError([`${path} must have mode 0600 (has ${mode.toString(8)}): chmod 600 it or set JWT_SECRET`]);
  }
  const secret = readFileSync(path, "utf8").trim();
  if (Buffer.byteLength(secret, "utf8") < 32) throw new ConfigError([`${path} must hold at least 32 bytes (JWT_SECRET)`]);
  return secret;
}
