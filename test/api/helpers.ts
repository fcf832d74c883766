import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Signer } from "ethers";
import { ethers } from "hardhat";
import pino from "pino";
import { SiweMessage } from "siwe";
import { createApp } from "../../api/app";
import { type Config, loadConfig } from "../../api/config";
import { type AppDb, migrateToLatest, openAppDb } from "../../api/db";
import { type Chain, chainFromProvider } from "../../api/lib/chain";
import type { AppDeps } from "../../api/lib/context";
import { type Abis, loadAbis, staticDeployment } from "../../api/lib/deployment";
import { type IndexReaderLike, missingIndex } from "../../api/lib/index-source";
import type { Deployment } from "../../scripts/lib/deployments";

/** Origin the test apps are configured with. */
export const ORIGIN = "http://localhost:8000";
/** A JWT secret of the right length. */
export const SECRET = "test-secret-test-secret-test-secret-0123456789";

/** A fake deployment on the in-process Hardhat chain (31337). */
export const DEPLOYMENT: Deployment = {
  chainId: 31337,
  network: "hardhat",
  abiHash: "0x00",
  contracts: {
    SettleToken: { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", deployBlock: 1, txHash: "0x" + "11".repeat(32) },
    StakingRewards: { address: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", deployBlock: 2, txHash: "0x" + "22".repeat(32) },
    PaymentEscrow: { address: "0x9fe46736679d2D9A65F0992f32b2E0E8Ef7B7C20", deployBlock: 3, txHash: "0x" + "33".repeat(32) },
  },
};

/** A test app over a fresh app.sqlite in a temp dir, with a movable clock. */
export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  db: AppDb;
  dir: string;
  clock: { now: number };
  close(): Promise<void>;
}

/** Builds a test app; `overrides` replace deps, `env` feeds loadConfig. */
export async function makeApp(
  options: { env?: Record<string, string>; deployment?: Deployment | null; chain?: Chain; index?: IndexReaderLike; abis?: Abis } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "settle-api-"));
  const config: Config = loadConfig({
    PUBLIC_ORIGIN: ORIGIN,
    APP_DB_PATH: join(dir, "app.sqlite"),
    INDEX_DB_PATH: join(dir, "index.sqlite"),
    JWT_SECRET: SECRET,
    LOG_LEVEL: "silent",
    AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    ...options.env,
  });
  const db = openAppDb(config.appDbPath);
  await migrateToLatest(db);
  const clock = { now: Date.now() };
  const deps: AppDeps = {
    config,
    jwtSecret: SECRET,
    db,
    chain: options.chain ?? chainFromProvider(ethers.provider),
    deployment: staticDeployment(options.deployment === undefined ? DEPLOYMENT : options.deployment),
    abis: options.abis ?? loadAbis(),
    index: options.index ?? missingIndex,
    logger: pino({ level: "silent" }),
    now: () => clock.now,
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    db,
    dir,
    clock,
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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

/** Gets a nonce from the app. */
export async function getNonce(t: TestApp): Promise<string> {
  const res = await t.app.request("/auth/nonce");
  if (res.status !== 200) throw new Error(`nonce: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { nonce: string }).nonce;
}

/** Signs in `signer` through the app; returns the bearer token and address. */
export async function signIn(t: TestApp, signer: Signer): Promise<{ token: string; address: string; auth: Record<string, string> }> {
  const address = await signer.getAddress();
  const message = siweMessage({ address, nonce: await getNonce(t), issuedAt: new Date(t.clock.now).toISOString() });
  const signature = await signer.signMessage(message);
  const res = await t.app.request("/auth/verify", jsonRequest("POST", { message, signature }));
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
