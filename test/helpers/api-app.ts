import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Signer } from "ethers";
import pino from "pino";
import { SiweMessage } from "siwe";
import { createApp } from "../../api/app";
import { type Config, loadConfig } from "../../api/env";
import { type AppDb, migrateToLatest, openAppDatabase } from "../../api/db";
import { type Chain, chainFromProvider } from "../../api/services/chain";
import type { AppDeps } from "../../api/middleware/context";
import { staticDeployment } from "../../api/services/deployment";
import { chainDirectory } from "../../api/services/networks";
import { walletRelayer } from "../../api/services/relayer";
import { IndexReader } from "../../api/index/reader";
import type { Deployment } from "../../core/deployment";
import { type RealIndex, realIndex } from "./real-index";
import { type Backend, currentBackend, freshPostgresDatabase } from "./app-db";

/** Origin the test apps are configured with. */
export const ORIGIN = "http://localhost:8000";
/** A JWT secret of the right length. */
export const SECRET = "test-secret-test-secret-test-secret-0123456789";

/**
 * A test app over a fresh app database (app.sqlite in a temp dir, or a new PostgreSQL database), with a movable clock,
 * reading the shared real index on the same backend.
 */
export interface TestApp {
  /** Where its app database lives. */
  backend: Backend;
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  db: AppDb;
  dir: string;
  clock: { now: number };
  /** The shared real node, deployment and index (test/helpers/real-index.ts). */
  real: RealIndex;
  close(): Promise<void>;
}

/**
 * Builds a test app on the shared real index, node and deployment; `index`, `chain`, `deployment`
 * (null: none) replaces them, `env` feeds loadConfig (RELAYER_PRIVATE_KEY turns the relayer on, on the real node). The
 * app database and the index it reads are on `backend`, by default the running suite's (see describeBackends in ./app-db).
 * `moreNetworks` are served after the first, each with its own deployment (and chain id) over the same node, or over
 * its own of `moreChains`.
 */
export async function makeApp(
  options: {
    env?: Record<string, string>;
    deployment?: Deployment | null;
    chain?: Chain;
    index?: IndexReader;
    backend?: Backend;
    moreNetworks?: Deployment[];
    /** The node of each of `moreNetworks` (by position; default: the first network's). */
    moreChains?: Chain[];
  } = {},
): Promise<TestApp> {
  const real = await realIndex();
  const dir = mkdtempSync(join(tmpdir(), "settle-api-"));
  const backend = options.backend ?? currentBackend();
  const postgres = backend === "postgres" ? await freshPostgresDatabase() : undefined;
  const index = options.index ?? (await real.onBackend(backend)).reader;
  const config: Config = loadConfig({
    PUBLIC_ORIGIN: ORIGIN,
    APP_DB_PATH: join(dir, "app.sqlite"),
    JWT_SECRET: SECRET,
    LOG_LEVEL: "silent",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    ...(postgres ? { APP_DATABASE_URL: postgres.url } : {}),
    ...options.env,
  });
  const db = await openAppDatabase(config);
  await migrateToLatest(db);
  const clock = { now: Date.now() };
  const chain = options.chain ?? chainFromProvider(real.provider);
  const deployment = staticDeployment(options.deployment === undefined ? real.deploymentFile : options.deployment);
  const relayer = config.relayerPrivateKey ? walletRelayer(config.relayerPrivateKey, real.provider) : undefined;
  const more = (options.moreNetworks ?? []).map((d, i) => ({
    name: d.network,
    deployment: staticDeployment(d),
    chain: options.moreChains?.[i] ?? chain,
    relayer,
  }));
  const deps: AppDeps = {
    config,
    jwtSecret: SECRET,
    db,
    chain,
    deployment,
    chains: chainDirectory([{ name: config.network, deployment, chain, relayer }, ...more]),
    index,
    logger: pino({ level: "silent" }),
    relayer,
    now: () => clock.now,
  };
  const app = createApp(deps);
  return {
    backend,
    app,
    deps,
    db,
    dir,
    clock,
    real,
    close: async () => {
      await db.destroy();
      await postgres?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A read module on a path no indexer has written to: a real index that is not there yet (every read 503). */
export function unbuiltIndex(): IndexReader {
  return new IndexReader({ path: join(mkdtempSync(join(tmpdir(), "settle-no-index-")), "public.db") });
}

/** Fields of a SIWE message, defaulting to a valid one for ORIGIN and chain 31337. */
export interface SiweFields {
  domain?: string;
  uri?: string;
  chainId?: number;
  nonce: string;
  issuedAt?: string;
  expirationTime?: string;
  notBefore?: string;
  address: string;
}

/** Prepares an EIP-4361 message text. */
export function siweMessage(fields: SiweFields): string {
  return new SiweMessage({
    domain: fields.domain ?? new URL(ORIGIN).host,
    address: fields.address,
    statement: "Sign in to Settle",
    uri: fields.uri ?? ORIGIN,
    version: "1",
    chainId: fields.chainId ?? 31337,
    nonce: fields.nonce,
    issuedAt: fields.issuedAt ?? new Date().toISOString(),
    ...(fields.expirationTime ? { expirationTime: fields.expirationTime } : {}),
    ...(fields.notBefore ? { notBefore: fields.notBefore } : {}),
  }).prepareMessage();
}

/** JSON POST/PATCH helper. */
export function jsonRequest(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, body: JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } };
}

/** A nonce and the `Cookie` header that binds it to this client (what a browser would send back). */
export interface BoundNonce {
  nonce: string;
  cookie: string;
}

/** The `name=value` pairs of every Set-Cookie of `res`, as one `Cookie` header value. */
export function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!)
    .join("; ");
}

/** Gets a nonce from the app, with its binding cookie. */
export async function getNonce(t: TestApp): Promise<BoundNonce> {
  const res = await t.app.request("/auth/nonce");
  if (res.status !== 200) throw new Error(`nonce: ${res.status} ${await res.text()}`);
  return { nonce: ((await res.json()) as { nonce: string }).nonce, cookie: cookiesOf(res) };
}

/** Signs in `signer` through the app (with a message for `chainId`, default 31337); returns the bearer token and address. */
export async function signIn(
  t: TestApp,
  signer: Signer,
  chainId?: number,
): Promise<{ token: string; address: string; auth: Record<string, string> }> {
  const address = await signer.getAddress();
  const { nonce, cookie } = await getNonce(t);
  const message = siweMessage({ address, nonce, chainId, issuedAt: new Date(t.clock.now).toISOString() });
  const signature = await signer.signMessage(message);
  const res = await t.app.request("/auth/verify", jsonRequest("POST", { message, signature }, { Cookie: cookie }));
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return { token, address, auth: { Authorization: `Bearer ${token}` } };
}

/** Asserts the API's error shape and returns the code. */
export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
  if (!body.error || typeof body.error.code !== "string" || typeof body.error.message !== "string") {
    throw new Error(`not an error body: ${JSON.stringify(body)}`);
  }
  return body.error.code;
}
