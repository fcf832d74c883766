import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { NetworkConfigError, networksFromEnv, type NetworkConfig } from "../core/networks";
import { indexDatabasePath } from "../core/index-folder";
import { isPostgresUrl } from "../core/postgres-check";
import {
  DEFAULT_RETRY_SCHEDULE,
  LOG_LEVELS,
  ORIGIN_PROBLEM,
  bool,
  checked,
  decimal,
  int,
  isSender,
  isSmtpUrl,
  originOf,
  parseDurations,
  text,
} from "./env-values";

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
  /** Path of app.sqlite, the API's own database (APP_DB_PATH), used while APP_DATABASE_URL is unset. */
  appDbPath: string;
  /** PostgreSQL URL of the app database (APP_DATABASE_URL, postgres://…); unset: SQLite at appDbPath. */
  appDatabaseUrl: string | undefined;
  /**
   * PostgreSQL URL of the index (INDEX_DATABASE_URL): the indexer's Ponder writes it into the deployment's schema
   * (core/index-schema's indexSchemaName); unset: Ponder's SQLite file at indexDbPath.
   */
  indexDatabaseUrl: string | undefined;
  /** Path of Ponder's SQLite index, opened read-only (INDEX_DB_PATH; default $SETTLE_INDEX_DIR/public.db or indexer/.ponder/<network>/public.db). */
  indexDbPath: string;
  /**
   * Every network the API serves, in order (core/networks: SETTLE_NETWORKS, else SETTLE_NETWORK, else localhost; each
   * with its RPC_URL_<NAME>, the first one also RPC_URL), each with its deployments/<network>.json.
   */
  networks: NetworkConfig[];
  /** JSON-RPC URL of the first network's node (RPC_URL_<NAME> or RPC_URL). */
  rpcUrl: string;
  /** Name of the first network, whose deployments/<network>.json the single-chain routes read. */
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
  /** The relayer's key: POST /invoices/{id}/relay submits signed payments with it (RELAYER_PRIVATE_KEY; unset: relayer off). */
  relayerPrivateKey: string | undefined;
  /** Highest gas price the relayer pays, in wei (RELAYER_MAX_GAS_PRICE_GWEI, default 50 gwei); above it the relay answers 503. */
  relayerMaxGasPriceWei: bigint;
  /** Balance under which /health reports the relayer low, in wei (RELAYER_LOW_BALANCE_ETH, default 0.05 ETH). */
  relayerLowBalanceWei: bigint;
  /** Relayed payments accepted per payer per hour (RELAYER_PAYER_LIMIT_PER_HOUR, default 10). */
  relayerPayerLimitPerHour: number;
  /** Relay requests accepted per client IP per hour (RELAYER_IP_LIMIT_PER_HOUR, default 30). */
  relayerIpLimitPerHour: number;
  /** The SMTP server invoice emails go through (SMTP_URL, smtp:// or smtps://); unset: email off. */
  smtpUrl: string | undefined;
  /** The sender of invoice emails (SMTP_FROM, "name@example.com" or "Name <name@example.com>"), set whenever smtpUrl is. */
  smtpFrom: string | undefined;
}

/** A bad environment: one line per bad value, ready to print. */
export class ConfigError extends Error {
  /** @param problems one human sentence per bad variable */
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

/** Repository root (api/ lives directly under it). */
export const ROOT_DIR = resolve(__dirname, "..");

/** One zod schema over process.env: every variable the API reads, with its default and its rule. */
const EnvSchema = z.object({
  PORT: int("PORT", 8000, 1, 65535),
  HOST: text("127.0.0.1"),
  PUBLIC_ORIGIN: checked("PUBLIC_ORIGIN", "", (raw) => raw === "" || originOf(raw) !== undefined, ORIGIN_PROBLEM),
  CORS_ORIGINS: text("").superRefine((raw, ctx) => {
    for (const origin of raw
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean)) {
      if (!originOf(origin)) ctx.addIssue({ code: "custom", message: `CORS_ORIGINS ${ORIGIN_PROBLEM} (got "${origin}")` });
    }
  }),
  APP_DB_PATH: text(join(ROOT_DIR, "data", "app.sqlite")),
  // Not echoed back: the URL may hold a password.
  APP_DATABASE_URL: text("").superRefine((raw, ctx) => {
    if (raw !== "" && !isPostgresUrl(raw))
      ctx.addIssue({
        code: "custom",
        message:
          "APP_DATABASE_URL must be a PostgreSQL URL like postgres://user:password@127.0.0.1:5432/settle_app (unset it to use SQLite)",
      });
  }),
  // Not echoed back: the URL may hold a password.
  INDEX_DATABASE_URL: text("").superRefine((raw, ctx) => {
    if (raw !== "" && !isPostgresUrl(raw))
      ctx.addIssue({
        code: "custom",
        message:
          "INDEX_DATABASE_URL must be a PostgreSQL URL like postgres://user:password@127.0.0.1:5432/settle_index (unset it to read the indexer's SQLite file)",
      });
  }),
  INDEX_DB_PATH: text(""),
  SETTLE_INDEX_DIR: text(""),
  JWT_SECRET: z
    .string()
    .optional()
    .transform((value) => (value === "" ? undefined : value))
    .superRefine((value, ctx) => {
      if (value !== undefined && Buffer.byteLength(value, "utf8") < 32)
        ctx.addIssue({ code: "custom", message: "JWT_SECRET must be at least 32 bytes" });
    }),
  JWT_TTL_SECONDS: int("JWT_TTL_SECONDS", 3600, 60, 86_400),
  BODY_LIMIT_BYTES: int("BODY_LIMIT_BYTES", 65_536, 1024, 10_485_760),
  AUTH_RATE_LIMIT_PER_MINUTE: int("AUTH_RATE_LIMIT_PER_MINUTE", 30, 1, 100_000),
  TRUST_PROXY: bool("TRUST_PROXY", false),
  FINALITY_CONFIRMATIONS: int("FINALITY_CONFIRMATIONS", 12, 1, 10_000),
  INDEX_MAX_LAG_BLOCKS: int("INDEX_MAX_LAG_BLOCKS", 10, 0, 1_000_000),
  HISTORY_CACHE_MS: int("HISTORY_CACHE_MS", 1000, 0, 60_000),
  WEB_DIST_DIR: text(join(ROOT_DIR, "web", "dist")),
  LOG_LEVEL: checked(
    "LOG_LEVEL",
    "info",
    (raw) => (LOG_LEVELS as readonly string[]).includes(raw),
    `must be one of ${LOG_LEVELS.join(", ")}`,
  ).transform((raw) => raw as Config["logLevel"]),
  SETTLE_ENV: checked(
    "SETTLE_ENV",
    "development",
    (raw) => raw === "development" || raw === "production",
    "must be development or production",
  ),
  OAUTH_TOKEN_TTL_SECONDS: int("OAUTH_TOKEN_TTL_SECONDS", 900, 60, 86_400),
  WEBHOOK_CONFIRMATIONS: int("WEBHOOK_CONFIRMATIONS", 2, 1, 1000),
  WEBHOOK_TIMEOUT_MS: int("WEBHOOK_TIMEOUT_MS", 10_000, 100, 120_000),
  WEBHOOK_RETRY_SCHEDULE: checked(
    "WEBHOOK_RETRY_SCHEDULE",
    DEFAULT_RETRY_SCHEDULE,
    (raw) => parseDurations(raw) !== null,
    "must be 1 to 30 comma-separated durations like 30s,2m,1h",
  ).transform((raw) => parseDurations(raw)!),
  WEBHOOK_POLL_MS: int("WEBHOOK_POLL_MS", 1000, 10, 60_000),
  RELAYER_PRIVATE_KEY: checked(
    "RELAYER_PRIVATE_KEY",
    "",
    (raw) => raw === "" || /^(0x)?[0-9a-fA-F]{64}$/.test(raw),
    "must be a 32-byte hex private key",
  ).transform((raw) => (raw === "" ? undefined : raw.startsWith("0x") ? raw : `0x${raw}`)),
  RELAYER_MAX_GAS_PRICE_GWEI: decimal("RELAYER_MAX_GAS_PRICE_GWEI", "50", 9),
  RELAYER_LOW_BALANCE_ETH: decimal("RELAYER_LOW_BALANCE_ETH", "0.05", 18),
  RELAYER_PAYER_LIMIT_PER_HOUR: int("RELAYER_PAYER_LIMIT_PER_HOUR", 10, 1, 100_000),
  RELAYER_IP_LIMIT_PER_HOUR: int("RELAYER_IP_LIMIT_PER_HOUR", 30, 1, 100_000),
  // Not echoed back: the URL may hold a password.
  SMTP_URL: text("").superRefine((raw, ctx) => {
    if (raw !== "" && !isSmtpUrl(raw))
      ctx.addIssue({
        code: "custom",
        message: "SMTP_URL must be an smtp:// or smtps:// URL like smtps://user:password@smtp.example.com:465 (unset it to turn email off)",
      });
  }),
  SMTP_FROM: checked(
    "SMTP_FROM",
    "",
    (raw) => raw === "" || isSender(raw),
    'must be a sender address like billing@example.com or "Example Billing <billing@example.com>"',
  ),
});

/**
 * Reads and validates the configuration from `env` through one zod schema. Every bad value is reported at once,
 * one line each (e.g. "JWT_SECRET must be at least 32 bytes").
 *
 * @throws ConfigError when any value is invalid
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  if (env.SMTP_URL?.trim() && !env.SMTP_FROM?.trim())
    problems.push("SMTP_FROM must be set when SMTP_URL is: the sender address of invoice emails, like billing@example.com");
  let networks: NetworkConfig[] = [];
  try {
    networks = networksFromEnv(env);
  } catch (error) {
    if (!(error instanceof NetworkConfigError)) throw error;
    problems.push(error.message);
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const first = networks[0]!;
  const publicOrigin = originOf(e.PUBLIC_ORIGIN) ?? `http://localhost:${e.PORT}`;
  const corsOrigins =
    e.CORS_ORIGINS === ""
      ? [publicOrigin]
      : e.CORS_ORIGINS.split(",")
          .map((o) => originOf(o.trim())!)
          .filter(Boolean);
  // The indexer's own folder: $SETTLE_INDEX_DIR, else indexer/.ponder/<first network>.
  const indexDir = e.SETTLE_INDEX_DIR ? resolve(e.SETTLE_INDEX_DIR) : join(ROOT_DIR, "indexer", ".ponder", first.name);
  return {
    port: e.PORT,
    host: e.HOST,
    publicOrigin,
    corsOrigins,
    appDbPath: resolve(e.APP_DB_PATH),
    appDatabaseUrl: e.APP_DATABASE_URL === "" ? undefined : e.APP_DATABASE_URL,
    indexDatabaseUrl: e.INDEX_DATABASE_URL === "" ? undefined : e.INDEX_DATABASE_URL,
    indexDbPath: resolve(e.INDEX_DB_PATH || indexDatabasePath(indexDir)),
    networks,
    rpcUrl: first.rpcUrls[0]!,
    network: first.name,
    jwtSecret: e.JWT_SECRET,
    jwtTtlSeconds: e.JWT_TTL_SECONDS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    finalityConfirmations: e.FINALITY_CONFIRMATIONS,
    indexMaxLagBlocks: e.INDEX_MAX_LAG_BLOCKS,
    historyCacheMs: e.HISTORY_CACHE_MS,
    webDistDir: resolve(e.WEB_DIST_DIR),
    logLevel: e.LOG_LEVEL,
    production: e.SETTLE_ENV === "production",
    oauthTokenTtlSeconds: e.OAUTH_TOKEN_TTL_SECONDS,
    webhookConfirmations: e.WEBHOOK_CONFIRMATIONS,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookRetryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE,
    webhookPollMs: e.WEBHOOK_POLL_MS,
    relayerPrivateKey: e.RELAYER_PRIVATE_KEY,
    relayerMaxGasPriceWei: e.RELAYER_MAX_GAS_PRICE_GWEI,
    relayerLowBalanceWei: e.RELAYER_LOW_BALANCE_ETH,
    relayerPayerLimitPerHour: e.RELAYER_PAYER_LIMIT_PER_HOUR,
    relayerIpLimitPerHour: e.RELAYER_IP_LIMIT_PER_HOUR,
    smtpUrl: e.SMTP_URL === "" ? undefined : e.SMTP_URL,
    smtpFrom: e.SMTP_URL === "" ? undefined : e.SMTP_FROM,
  };
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
