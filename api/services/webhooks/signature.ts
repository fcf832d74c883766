import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Header carrying the signature of a webhook delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = "Settle-Signature";
/** How old a signature's timestamp may be before {@link verifySignature} refuses it (replays), in seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new endpoint secret: `whsec_` and 32 random bytes in base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** Hex HMAC-SHA256 of `${timestamp}.${body}` with `secret`. */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** The {@link SIGNATURE_HEADER} value for `body` sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

/**
 * Checks a {@link SIGNATURE_HEADER} value against the raw body as received: the HMAC of one of its
 * v1 entries must match (constant-time) and its timestamp must be within `toleranceSeconds` of
 * `nowSeconds`. Returns false for anything malformed.
 */
export function verifySignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && value !== undefined && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(computeSignature(secret, timestamp, body), "hex");
  return candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, "hex"), expected));
}
