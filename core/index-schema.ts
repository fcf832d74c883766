/**
 * The index as stored on disk: what the indexer (Ponder 0.6, indexer/) writes and the API's read module (api/index/)
 * reads. Table names (the schema's and Ponder's private ones), the files of an index folder, and Ponder 0.6's SQLite
 * column encoding, both ways: a `bigint` is 79-character text (a sign character, then 78 zero-padded digits, so that
 * text order is numeric order: {@link encodeBigint}), a `hex` a BLOB of the raw bytes ({@link encodeHex}); a `json`
 * column is JSON text (`JSON.stringify`), `string`, `int` and enum columns are stored as they are, and an optional
 * column holds NULL when empty.
 *
 * Plain TypeScript with no import: bytes are `Uint8Array` (better-sqlite3 binds one as a BLOB and returns a Buffer,
 * which is one).
 */

/** The tables of indexer/ponder.schema.ts, as Ponder names them in SQLite. */
export const INDEX_TABLES = [
  "Account",
  "TokenTransfer",
  "Invoice",
  "InvoiceEvent",
  "EscrowCredit",
  "EscrowSetting",
  "EscrowToken",
  "Stake",
  "StakingEvent",
  "History",
  "TokenStat",
  "InvoiceStatusCount",
] as const;

/** A table of the index. */
export type IndexTable = (typeof INDEX_TABLES)[number];

/**
 * Ponder's own key-value table: key `status` holds {@link PonderStatus} as JSON, key `app` the build's state
 * (`is_locked`, and `checkpoint`: see {@link checkpointBlock}).
 */
export const PONDER_META_TABLE = "_ponder_meta";

/** Keys of {@link PONDER_META_TABLE}'s rows. */
export const PONDER_META_KEY = { status: "status", app: "app" } as const;

/**
 * The indexer supervisor's own table in Ponder's database: one row (`id` 1, `block`, `at`) while the index has caught up
 * with the chain's head since Ponder last started. The read module serves the index only while the row is there.
 */
export const CAUGHT_UP_TABLE = "_settle_caught_up";

/** Ponder's status per network (the `status` row of {@link PONDER_META_TABLE}, and its HTTP GET /status). */
export type PonderStatus = Record<string, { ready: boolean; block: { number: number; timestamp: number } | null }>;

/** The index database in an index folder: the file the API reads. */
export const INDEX_DATABASE_FILE = "public.db";

/** Ponder's files in an index folder: its databases with their WAL, shared-memory and journal files. */
export const PONDER_FILES = /^(public|ponder_sync)\.db(-wal|-shm|-journal)?$/;

/** The file, next to the index database, that records which chain and code the index was built from. */
export const IDENTITY_FILE = "settle-index.json";

/**
 * What an index was built from (the content of {@link IDENTITY_FILE}). Two indexes with equal identities hold the same
 * rows; any difference (another chain, a restarted node, a new deployment, other indexer code) means a rebuild.
 */
export interface IndexIdentity {
  /** Format of the file (2: with the genesis hash). */
  version: 2;
  network: string;
  chainId: number;
  /** Hash of the chain's block 0: with the start block's hash, what says the chain is the same one. */
  genesisHash: `0x${string}`;
  /** The first indexed block (the earliest deploy block) and its hash on the chain indexed. */
  startBlock: { number: number; hash: `0x${string}` };
  /** Indexed contracts: name to address (lowercase) and deploy block. */
  contracts: Record<string, { address: `0x${string}`; deployBlock: number }>;
  /** sha256 of the indexer's code (config, schema, handlers, helpers, core/, Ponder's version). */
  codeHash: string;
}

/**
 * The supervisor's view of the RPC, per network (one row per network, JSON in `value`), written on every check of
 * the chain: what /health reports and what marks the API's answers as stale.
 */
export const SYNC_HEALTH_TABLE = "_settle_sync_health";

/** How the indexer's sync of one network stands (a row of {@link SYNC_HEALTH_TABLE}). */
export interface SyncHealth {
  /** `ok`: current; `lagging`: the node answers, the index is behind; `degraded`: the node does not answer. */
  state: "ok" | "lagging" | "degraded";
  /** The node's head at the last answer, and the block the index has reached. */
  headBlock: number | null;
  indexedBlock: number | null;
  /** Blocks and seconds (block timestamps) the index is behind the head. */
  lagBlocks: number | null;
  lagSeconds: number | null;
  /** Last time (ms since the epoch) the index was seen current: answers are stale by the time since. */
  currentAt: number | null;
  /** Since when (ms since the epoch) the node has not answered, and its last error. */
  unreachableSince: number | null;
  lastError: string | null;
  /** When the supervisor wrote this row (ms since the epoch): an old row means the indexer is not running. */
  checkedAt: number;
}

/**
 * The block of one of Ponder's checkpoints (the `checkpoint` of the `app` meta row: a 10-digit block timestamp, a
 * 16-digit chain id, a 16-digit block number, then the position in the block), or undefined for none (empty or zeros).
 */
export function checkpointBlock(checkpoint: string | null | undefined): { number: number; timestamp: number } | undefined {
  if (!checkpoint || /^0+$/.test(checkpoint)) return undefined;
  return { timestamp: Number(checkpoint.slice(0, 10)), number: Number(checkpoint.slice(26, 42)) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Column codec.

/** int256's minimum: negative bigints are stored offset by it (Ponder's EVM_MIN_INT). */
const EVM_MIN_INT = -(2n ** 255n);

/** Ponder's text encoding of a bigint column: sign character and 78 digits (negatives offset by 2^255). */
export function encodeBigint(value: bigint): string {
  if (value < 0n) return "-" + (value - EVM_MIN_INT).toString().padStart(78, "0");
  return "0" + value.toString().padStart(78, "0");
}

/** Inverse of {@link encodeBigint}. */
export function decodeBigint(text: string): bigint {
  const value = BigInt(text.slice(1));
  return text[0] === "-" ? value + EVM_MIN_INT : value;
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
