/**
 * The index as stored on disk: what the indexer (Ponder 0.6, indexer/) writes and the API's read module (api/index/)
 * reads: table names (the schema's and Ponder's private ones), the files of an index folder, the PostgreSQL schema of a
 * deployment. How each backend stores a column: ./index-codec.ts. Plain TypeScript with no import.
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

/**
 * The supervisor's record of the identity on PostgreSQL (one row, `id` 1, the {@link IndexIdentity} as JSON text in
 * `value`), in the deployment's schema: what {@link IDENTITY_FILE} is to an index folder.
 */
export const IDENTITY_TABLE = "_settle_identity";

/** PostgreSQL's limit on an identifier's length, in bytes. */
const MAX_IDENTIFIER = 63;

/**
 * The PostgreSQL schema that holds the index of one deployment (Ponder 0.6 keeps one app per schema):
 * `settle_<chainId>_<escrow address without 0x>`, lowercase, so two deployments never share one and the indexer and
 * the API agree on it from the deployment file alone.
 */
export function indexSchemaName(chainId: number, escrowAddress: string): string {
  const name = `settle_${chainId}_${escrowAddress.toLowerCase().replace(/^0x/, "")}`;
  if (!/^[a-z0-9_]+$/.test(name) || name.length > MAX_IDENTIFIER) {
    throw new TypeError(`no schema name for chain ${chainId} and escrow ${escrowAddress}`);
  }
  return name;
}
