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
 * The indexer supervisor's own table in Ponder's database: one row (`id` 1, `block`, `at`, and `chains`: JSON of each
 * network's chain id by name) while the index has caught up with every chain's head since Ponder last started. The
 * read module serves the index only while the row is there.
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

/** What an index was built from on one chain (one network of {@link IndexIdentity}). */
export interface ChainIdentity {
  network: string;
  chainId: number;
  /** Hash of the chain's block 0: with the start block's hash, what says the chain is the same one. */
  genesisHash: `0x${string}`;
  /** The first indexed block (the earliest deploy block) and its hash on the chain indexed. */
  startBlock: { number: number; hash: `0x${string}` };
  /** Indexed contracts: name to address (lowercase) and deploy block. */
  contracts: Record<string, { address: `0x${string}`; deployBlock: number }>;
}

/**
 * What an index was built from (the content of {@link IDENTITY_FILE}). Two indexes with equal identities hold the same
 * rows; any difference (another chain, a restarted node, a new deployment, other indexer code) means a rebuild.
 */
export interface IndexIdentity {
  /** Format of the file (3: one entry per network). */
  version: 3;
  /** Every indexed network, in the order of SETTLE_NETWORKS. */
  chains: ChainIdentity[];
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
 * 16-digit chain id, a 16-digit block number, then the position in the block): the chain and the block on it, or
 * undefined for none (empty or zeros). With several networks, one checkpoint covers them all: the events of every
 * chain up to its timestamp.
 */
export function checkpointBlock(checkpoint: string | null | undefined): { chainId: number; number: number; timestamp: number } | undefined {
  if (!checkpoint || /^0+$/.test(checkpoint)) return undefined;
  return {
    timestamp: Number(checkpoint.slice(0, 10)),
    chainId: Number(checkpoint.slice(10, 26)),
    number: Number(checkpoint.slice(26, 42)),
  };
}

/**
 * The supervisor's record of the identity on PostgreSQL (one row, `id` 1, the {@link IndexIdentity} as JSON text in
 * `value`), in the deployment's schema: what {@link IDENTITY_FILE} is to an index folder.
 */
export const IDENTITY_TABLE = "_settle_identity";

/** PostgreSQL's limit on an identifier's length, in bytes. */
const MAX_IDENTIFIER = 63;

/** One deployment an index covers: its chain and its escrow's address. */
export interface IndexedDeployment {
  chainId: number;
  escrow: string;
}

/**
 * The PostgreSQL schema that holds the index of a set of deployments (Ponder 0.6 keeps one app per schema), so two sets
 * never share one and the indexer and the API agree on it from the deployment files alone: for one deployment
 * `settle_<chainId>_<escrow address without 0x>`; for several `settle_set_<hash of every (chainId, escrow) pair>`
 * (order does not matter).
 */
export function indexSchemaName(deployments: readonly IndexedDeployment[]): string {
  if (deployments.length === 0) throw new TypeError("no schema name for an index of no deployment");
  const pairs = deployments.map(({ chainId, escrow }) => `${chainId}_${escrow.toLowerCase().replace(/^0x/, "")}`);
  const name = pairs.length === 1 ? `settle_${pairs[0]}` : `settle_set_${fnv1a64([...pairs].sort().join(","))}`;
  if (!/^[a-z0-9_]+$/.test(name) || name.length > MAX_IDENTIFIER) {
    throw new TypeError(`no schema name for ${pairs.map((pair) => `chain ${pair.replace("_", " and escrow 0x")}`).join(", ")}`);
  }
  return name;
}

/** {@link indexSchemaName} of a set of deployment files' contents. */
export function indexSchemaOf(deployments: readonly { chainId: number; contracts: { PaymentEscrow: { address: string } } }[]): string {
  return indexSchemaName(
    deployments.map((deployment) => ({ chainId: deployment.chainId, escrow: deployment.contracts.PaymentEscrow.address })),
  );
}

/** FNV-1a, 64 bits, of `text`'s UTF-16 code units, as 16 hex digits (a name, not a secret: collisions only need be rare). */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) hash = ((hash ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash.toString(16).padStart(16, "0");
}

/**
 * The id of a row that is one per chain and key (an invoice, an account, a token's totals...): `<chainId>:<key>`, keys
 * lowercase. The indexer's handlers and the API's reader build every such id here.
 */
export function chainScopedId(chainId: number, key: string | bigint): string {
  return `${chainId}:${typeof key === "string" ? key.toLowerCase() : key.toString()}`;
}

/**
 * The id of a History row: `<timestamp, 12 digits>-<chainId, 10 digits>-<block, 12 digits>-<log index, 6 digits>-<kind>-
 * <account>`. Compared bytewise, ids sort in time order across chains and in chain order within one, so an id
 * doubles as a cursor.
 */
export function historyRowId(
  chainId: number,
  position: { timestamp: bigint; blockNumber: bigint; logIndex: number },
  kind: string,
  account: string,
): string {
  const pad = (value: bigint | number, digits: number) => value.toString().padStart(digits, "0");
  return [
    pad(position.timestamp, 12),
    pad(chainId, 10),
    pad(position.blockNumber, 12),
    pad(position.logIndex, 6),
    kind,
    account.toLowerCase(),
  ].join("-");
}
