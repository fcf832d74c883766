import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { Interface, getAddress, hashMessage, verifyMessage } from "ethers";
import { SiweMessage } from "siwe";
import type { AppDb } from "../db";
import type { Chain } from "./chain";
import { ApiError, NodeProblemError } from "../lib/errors";
import { nodeFailure } from "./node";

/** How long a nonce from GET /auth/nonce can be used. */
export const NONCE_TTL_MS = 5 * 60 * 1000;
/** HttpOnly cookie that binds a nonce to the client that asked for it (Path=/auth, as long-lived as the nonce). */
export const NONCE_COOKIE = "settle_siwe_nonce";
/** Clock skew tolerated on issuedAt (a wallet's clock slightly ahead of ours). */
export const CLOCK_SKEW_MS = 60 * 1000;

/**
 * Creates a random single-use nonce (128 bits, hex: alphanumeric as EIP-4361 requires), stores it
 * with its expiry, and purges expired ones.
 */
export async function issueNonce(db: AppDb, now: number): Promise<{ nonce: string; expiresAt: number }> {
  const nonce = randomBytes(16).toString("hex");
  const expiresAt = now + NONCE_TTL_MS;
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom("siwe_nonces")
      .where("expires_at", "<", now - NONCE_TTL_MS)
      .execute();
    await trx.insertInto("siwe_nonces").values({ nonce, created_at: now, expires_at: expiresAt, used_at: null }).execute();
  });
  return { nonce, expiresAt };
}

/**
 * The value of {@link NONCE_COOKIE} for `nonce`: an HMAC of it under `key` (the JWT secret, which every replica
 * shares), so only the client the nonce was issued to holds it and no row is needed to check it.
 */
export function nonceBinding(key: string, nonce: string): string {
  return createHmac("sha256", key).update(`siwe-nonce:${nonce}`).digest("base64url");
}

/** What a sign-in message must be bound to. */
export interface SiweExpectations {
  /** The configured origin, e.g. http://localhost:8000: domain is its host, URI must be on it. */
  origin: string;
  /** The chains a message may name (every served network's), each with its node (for EIP-1271 wallets). */
  chains: ReadonlyMap<number, Chain>;
  /** Key of {@link nonceBinding}. */
  bindingKey: string;
}

/** One sign-in attempt as POST /auth/verify receives it. */
export interface SignInAttempt {
  /** The EIP-4361 message exactly as signed. */
  message: string;
  /** 0x hex signature. */
  signature: string;
  /** The {@link NONCE_COOKIE} the client sent back, if any. */
  binding: string | undefined;
}

const EIP1271 = new Interface(["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"]);
const EIP1271_MAGIC = "0x1626ba7e";
const SIGNATURE_RE = /^0x(?:[0-9a-fA-F]{2}){1,4096}$/;

const fail = (code: string, message: string, status: 400 | 401 = 401): never => {
  throw new ApiError(status, code, message);
};

/**
 * Verifies an EIP-4361 sign-in. Once the message parses, its nonce is burned whatever happens next (an attempt that
 * fails cannot be retried with the same nonce); then the nonce must be known and unexpired and the client must hold
 * its binding cookie; then the canonical form, domain and URI against the configured origin, chain id against the
 * served chains (any of them: one account whichever chain the wallet is on), issuedAt/expirationTime/notBefore against
 * `now`, and the signature (EOA recovery, else EIP-1271 on the contract at the address, on the message's chain).
 * Returns the EIP-55 address that signed in.
 *
 * @throws ApiError 400 for a malformed message or signature, 401 for every refusal (each its own code)
 */
export async function verifySignIn(db: AppDb, expected: SiweExpectations, attempt: SignInAttempt, now: number): Promise<string> {
  const { message, signature } = attempt;
  let parsed: SiweMessage;
  try {
    parsed = new SiweMessage(message);
  } catch {
    return fail("invalid_siwe_message", "The message is not a valid EIP-4361 sign-in message", 400);
  }
  await burnNonce(db, parsed.nonce, now);
  const binding = nonceBinding(expected.bindingKey, parsed.nonce);
  if (attempt.binding === undefined || !sameText(attempt.binding, binding)) {
    fail(
      "nonce_not_bound",
      `This nonce was issued to another client: get one from GET /auth/nonce and send its ${NONCE_COOKIE} cookie back`,
    );
  }
  if (parsed.prepareMessage() !== message) {
    fail("invalid_siwe_message", "The message is not in canonical EIP-4361 form", 400);
  }
  if (!SIGNATURE_RE.test(signature)) fail("invalid_signature_format", "The signature must be 0x-prefixed hex bytes", 400);

  const origin = new URL(expected.origin);
  if (parsed.domain !== origin.host) fail("siwe_domain_mismatch", `The message must be for domain ${origin.host}`);
  if (parsed.scheme !== undefined && `${parsed.scheme}:` !== origin.protocol) {
    fail("siwe_domain_mismatch", `The message scheme must be ${origin.protocol.slice(0, -1)}`);
  }
  let uriOrigin: string | null = null;
  try {
    uriOrigin = new URL(parsed.uri).origin;
  } catch {
    uriOrigin = null;
  }
  if (uriOrigin !== origin.origin) fail("siwe_uri_mismatch", `The message URI must be on ${origin.origin}`);
  const chain = expected.chains.get(parsed.chainId);
  if (chain === undefined) {
    const served = [...expected.chains.keys()];
    return fail(
      "siwe_chain_mismatch",
      `The message must be for ${served.length === 1 ? "chain" : "one of the chains"} ${served.join(", ")}`,
    );
  }

  const issuedAt = Date.parse(parsed.issuedAt ?? "");
  if (Number.isNaN(issuedAt)) fail("invalid_siwe_message", "The message needs an Issued At time", 400);
  if (issuedAt > now + CLOCK_SKEW_MS) fail("siwe_not_yet_valid", "The message was issued in the future");
  if (parsed.expirationTime !== undefined && Date.parse(parsed.expirationTime) <= now) fail("siwe_expired", "The message has expired");
  if (parsed.notBefore !== undefined && Date.parse(parsed.notBefore) > now)
    fail("siwe_not_yet_valid", "The message is not valid yet (Not Before)");

  if (!(await signatureIsValid(chain, parsed, message, signature, now))) {
    fail("invalid_signature", "The signature does not match the message's address");
  }
  return getAddress(parsed.address);
}

/**
 * Marks `nonce` used, then refuses it unless this call was the one that burned it and it had not expired. The
 * conditional update decides between concurrent attempts (on any replica): exactly one of them burns it.
 */
async function burnNonce(db: AppDb, nonce: string, now: number): Promise<void> {
  const row = await db.selectFrom("siwe_nonces").select("expires_at").where("nonce", "=", nonce).executeTakeFirst();
  if (!row) fail("nonce_unknown", "Unknown nonce: get one from GET /auth/nonce");
  const burned = await db
    .updateTable("siwe_nonces")
    .set({ used_at: now })
    .where("nonce", "=", nonce)
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (burned.numUpdatedRows !== 1n) fail("nonce_used", "This nonce was already used: get a new one");
  if (row!.expires_at <= now) fail("nonce_expired", "This nonce has expired: get a new one");
}

/** Constant-time comparison of two strings. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** EOA: recover and compare (then siwe's own verify); contract wallet: EIP-1271 isValidSignature. */
async function signatureIsValid(chain: Chain, parsed: SiweMessage, message: string, signature: string, now: number): Promise<boolean> {
  let recovered: string | null = null;
  try {
    recovered = signature.length === 132 ? verifyMessage(message, signature) : null;
  } catch {
    recovered = null;
  }
  if (recovered !== null && recovered === parsed.address) {
    try {
      await parsed.verify({ signature, domain: parsed.domain, nonce: parsed.nonce, time: new Date(now).toISOString() });
      return true;
    } catch {
      return false;
    }
  }
  let code: string;
  try {
    code = await chain.getCode(parsed.address);
  } catch (error) {
    throw nodeFailure(error, "Cannot check a contract wallet's signature: the node is unreachable");
  }
  if (code === "0x") return false;
  try {
    const data = EIP1271.encodeFunctionData("isValidSignature", [hashMessage(message), signature]);
    const result = await chain.call(parsed.address, data);
    return result.slice(0, 10).toLowerCase() === EIP1271_MAGIC;
  } catch (error) {
    // A revert is a refusal; a node failing in transport is not the signature's fault.
    if (error instanceof NodeProblemError) throw error;
    return false;
  }
}
