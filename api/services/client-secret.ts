import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt cost parameters (N = 2^14, r = 8, p = 1: about 16 MiB and a few tens of milliseconds). */
const N = 16_384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LENGTH, { N: n, r, p, maxmem: 128 * n * r * p + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** A new client secret: `scs_` and 32 random bytes in base64url (256 bits). */
export function newClientSecret(): string {
  return `scs_${randomBytes(32).toString("base64url")}`;
}

/** Hashes a secret with scrypt and a fresh 16-byte salt: `scrypt$N$r$p$<salt>$<hash>` (base64url). */
export async function hashClientSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

/** A well-formed hash of nothing anyone knows: unknown clients are checked against it so that they take as long as known ones. */
const DECOY = hashClientSecret(randomBytes(32).toString("hex"));

/**
 * Checks `secret` against a stored hash (or against a decoy when `stored` is undefined, so that an
 * unknown client id costs the same time), comparing in constant time.
 */
export async function verifyClientSecret(secret: string, stored: string | undefined): Promise<boolean> {
  const parts = (stored ?? (await DECOY)).split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const expected = Buffer.from(parts[5]!, "base64url");
  const actual = await derive(secret, Buffer.from(parts[4]!, "base64url"), n, r, p);
  return timingSafeEqual(actual, expected) && stored !== undefined;
}
