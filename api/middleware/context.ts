import { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "pino";
import type { Config } from "../env";
import type { AppDb } from "../db";
import type { Chain } from "../services/chain";
import type { DeploymentSource } from "../services/deployment";
import type { ChainDirectory } from "../services/networks";
import type { Relayer } from "../services/relayer";
import { validationHook } from "../lib/errors";
import type { IndexReader } from "../index/reader";
import type { AuthInfo } from "./session";

/** Everything the app needs from outside; main.ts builds the real ones, tests build their own. */
export interface AppDeps {
  config: Config;
  /** HS256 key for session tokens. */
  jwtSecret: string;
  /** app.sqlite through Kysely (migrated). */
  db: AppDb;
  /** The first network's node (the single-chain routes'). */
  chain: Chain;
  /** The first network's deployments/<network>.json. */
  deployment: DeploymentSource;
  /** Every served network by chain id (SETTLE_NETWORKS); absent: the first network only (services/networks' chainsOf). */
  chains?: ChainDirectory;
  /** The index (Ponder's SQLite) read module. */
  index: IndexReader;
  logger: Logger;
  /** The relayer's account on the first network when RELAYER_PRIVATE_KEY is set (POST /invoices/{id}/relay); absent: relayer off. */
  relayer?: Relayer;
  /** Clock in unix milliseconds (tests move it). */
  now?: () => number;
}

/** Hono environment of every router: per-request logger, request id and (after requireAuth) the caller. */
export interface AppEnv {
  Variables: {
    requestId: string;
    log: Logger;
    auth: AuthInfo;
  };
}

/** A new router (one per resource) that reports validation failures in the API's error shape. */
export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
}
