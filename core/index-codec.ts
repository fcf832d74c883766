/**
 * How Ponder 0.6 stores each column type of the index, on either backend, both ways: the one place that knows it
 * (the read module, the supervisor and the tests go through it).
 *
 * | column   | SQLite (better-sqlite3)                                  | PostgreSQL (node-postgres)             |
 * | -------- | -------------------------------------------------------- | -------------------------------------- |
 * | `bigint` | 79-char text: sign, 78 zero-padded digits ({@link encodeBigint}) | numeric(78,0): decimal text     |
 * | `hex`    | BLOB of the raw bytes                                    | bytea: the raw bytes                   |
 * | `json`   | JSON text                                                | jsonb: parsed by the driver            |
 * | `int`, `boolean` | integer (a boolean is 0 or 1)                    | integer (a boolean is 0 or 1)          |
 * | `string`, enums | text                                              | text                                   |
 *
 * An optional column holds NULL when empty on both. Text comparisons (cursors over string ids) must be bytewise, which
 * SQLite's are and PostgreSQL's are only under the "C" collation ({@link IndexCodec.bytewise}).
 *
 * Plain TypeScript with no import: bytes are `Uint8Array` (both drivers bind one as a BLOB or bytea and return a
 * Buffer, which is one).
 */

/** The two databases the index can live in. */
export type IndexBackend = "sqlite" | "postgres";

/** One backend's encoding of the index's columns. */
export interface IndexCodec {
  readonly backend: IndexBackend;
  /** The stored value of a bigint column (what to bind as a query parameter too). */
  encodeBigint(value: bigint): string;
  /** A bigint column's value as the driver returns it. */
  decodeBigint(stored: unknown): bigint;
  /** A json column's value as the driver returns it. */
  decodeJson(stored: unknown): unknown;
  /** SQL of text column `column` compared and ordered bytewise (history ids, cursors). */
  bytewise(column: string): string;
  /** A bigint as an SQL literal comparable with a bigint column (for values computed in SQL rather than bound). */
  bigintLiteral(value: bigint): string;
}

/** int256's minimum: negative bigints are stored offset by it (Ponder's EVM_MIN_INT). */
const EVM_MIN_INT = -(2n ** 255n);

/** Ponder's SQLite text encoding of a bigint column: sign character and 78 digits (negatives offset by 2^255). */
export function encodeBigint(value: bigint): string {
  if (value < 0n) return "-" + (value - EVM_MIN_INT).toString().padStart(78, "0");
  return "0" + value.toString().padStart(78, "0");
}

/** Inverse of {@link encodeBigint}. */
export function decodeBigint(text: string): bigint {
  const value = BigInt(text.slice(1));
  return text[0] === "-" ? value + EVM_MIN_INT : value;
}

/** SQLite's codec (Ponder's `public.db`). */
export const SQLITE_CODEC: IndexCodec = {
  backend: "sqlite",
  encodeBigint,
  decodeBigint: (stored) => decodeBigint(stored as string),
  decodeJson: (stored) => JSON.parse(stored as string),
  bytewise: (column) => column,
  bigintLiteral: (value) => `'${encodeBigint(value)}'`,
};

/** PostgreSQL's codec (Ponder's schema of the deployment). */
export const POSTGRES_CODEC: IndexCodec = {
  backend: "postgres",
  encodeBigint: (value) => value.toString(),
  decodeBigint: (stored) => BigInt(stored as string),
  decodeJson: (stored) => stored,
  bytewise: (column) => `${column} COLLATE "C"`,
  bigintLiteral: (value) => value.toString(),
};

/** The codec of `backend`. */
export function codecOf(backend: IndexBackend): IndexCodec {
  return backend === "sqlite" ? SQLITE_CODEC : POSTGRES_CODEC;
}

/** Each byte's two lowercase hex digits, by byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Each pair of bytes' four hex digits, by 16-bit value: built on the first decode (about 2 MB). */
let wordHex: string[] | undefined;

/**
 * A hex column's bytes as a lowercase `0x` string. Two bytes per step through a 65,536-entry table: as fast as
 * Node's Buffer#toString("hex") on the read module's hot path (every address and hash of a page), where a byte per
 * step costs the API about 7 % of a history page.
 */
export function decodeHex(bytes: Uint8Array): `0x${string}` {
  wordHex ??= Array.from({ length: 65_536 }, (_, word) => BYTE_HEX[word >> 8]! + BYTE_HEX[word & 255]!);
  let hex = "0x";
  const end = bytes.length - 1;
  let i = 0;
  for (; i < end; i += 2) hex += wordHex[(bytes[i]! << 8) | bytes[i + 1]!];
  if (i === end) hex += BYTE_HEX[bytes[i]!];
  return hex as `0x${string}`;
}

/** Whether `value` is `0x` and an even number of hex digits (exactly `bytes` bytes when given). */
export function isHexBytes(value: string, bytes?: number): boolean {
  return /^0x([0-9a-fA-F]{2})*$/.test(value) && (bytes === undefined || value.length === 2 + 2 * bytes);
}

/**
 * A hex column's stored bytes.
 *
 * @throws TypeError when `value` is not `0x` followed by an even number of hex digits (see {@link isHexBytes})
 */
export function encodeHex(value: string): Uint8Array {
  if (!isHexBytes(value)) throw new TypeError(`not 0x followed by an even number of hex digits: "${value}"`);
  const bytes = new Uint8Array((value.length - 2) / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(value.slice(2 + 2 * i, 4 + 2 * i), 16);
  return bytes;
}
