/**
 * The index's status: Ponder's progress (its `_ponder_meta` status row) and the supervisor's caught-up record, and a
 * status that never throws for the routes that degrade instead of failing while the index is missing or building.
 */
import {
  CAUGHT_UP_TABLE,
  PONDER_META_KEY,
  PONDER_META_TABLE,
  SYNC_HEALTH_TABLE,
  type PonderStatus,
  type SyncHealth,
} from "../../core/index-schema";
import { IndexNotReadyError, IndexTableMissingError } from "./errors";
import type { IndexStatus } from "./rows";
import type { Queryable } from "./source";

/** The status of an index that cannot be served yet. */
const notReady = (): IndexStatus => ({ ready: false, network: null, block: null, chains: [] });

/** Ponder's status row. */
const STATUS_SQL = `SELECT value FROM "${PONDER_META_TABLE}" WHERE key = '${PONDER_META_KEY.status}'`;
/** The supervisor's caught-up record. */
const CAUGHT_UP_SQL = `SELECT block, chains FROM "${CAUGHT_UP_TABLE}" WHERE id = 1`;

/**
 * Ponder's progress as recorded in the database; ready once the supervisor has recorded that the index caught up with
 * the chain, and from then on while Ponder restarts or the RPC is down (the rows stay those of the same chain, only
 * older: the sync health says by how much). Throws {@link IndexNotReadyError} (`missing`) only when there is no
 * database at all.
 */
export async function readStatus(db: Queryable): Promise<IndexStatus> {
  let value: unknown;
  let caughtUp: { chains: string } | undefined;
  try {
    value = (await db.get(STATUS_SQL, []))?.value;
    caughtUp = (await db.get(CAUGHT_UP_SQL, [])) as typeof caughtUp;
  } catch (error) {
    // A database Ponder has just created has no tables yet; the supervisor adds its own once caught up.
    if (!(error instanceof IndexTableMissingError)) throw error;
  }
  if (value === null || value === undefined) return notReady();
  const status = db.columns.codec.decodeJson(value) as PonderStatus | null;
  if (!status) return notReady();
  const entries = Object.entries(status);
  if (entries.length === 0) return notReady();
  const blockOf = (entry: PonderStatus[string]) =>
    entry.block ? { number: BigInt(entry.block.number), timestamp: BigInt(entry.block.timestamp) } : null;
  const chainIds = caughtUp ? (JSON.parse(caughtUp.chains) as Record<string, number>) : {};
  // The supervisor records the networks in configured order (the first one first); Ponder's status has its own order.
  const order = Object.keys(chainIds);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  entries.sort(([a], [b]) => rank(a) - rank(b));
  const [network, first] = entries[0]!;
  return {
    ready: caughtUp !== undefined,
    network,
    block: blockOf(first),
    chains: entries
      .filter(([name]) => chainIds[name] !== undefined)
      .map(([name, entry]) => ({ chainId: chainIds[name]!, network: name, block: blockOf(entry) })),
  };
}

/** The index's status that never throws: { ready: false } for a missing index. */
export async function safeStatus(index: { status(): Promise<IndexStatus> }): Promise<IndexStatus> {
  try {
    return await index.status();
  } catch (err) {
    if (err instanceof IndexNotReadyError) return notReady();
    throw err;
  }
}

/** The indexer's record of each network's sync. */
const SYNC_HEALTH_SQL = `SELECT network, value FROM "${SYNC_HEALTH_TABLE}"`;

/** A record older than this means the indexer is not checking the node any more (stopped or stuck). */
export const SYNC_HEALTH_MAX_AGE_MS = 30_000;

/**
 * How the indexer's sync of each network stands, as it last recorded it; a record older than
 * {@link SYNC_HEALTH_MAX_AGE_MS} is reported degraded ("the indexer has not checked since"). Empty before the first
 * record or for a missing index.
 */
export async function readSyncHealth(db: Queryable, now: number): Promise<Record<string, SyncHealth>> {
  let rows: { network: string; value: string }[];
  try {
    rows = (await db.all(SYNC_HEALTH_SQL, [])) as typeof rows;
  } catch {
    return {};
  }
  const health: Record<string, SyncHealth> = {};
  for (const row of rows) {
    const record = JSON.parse(row.value) as SyncHealth;
    health[row.network] =
      now - record.checkedAt > SYNC_HEALTH_MAX_AGE_MS
        ? {
            ...record,
            state: "degraded",
            unreachableSince: record.unreachableSince ?? record.checkedAt,
            lastError: `the indexer has not checked the node since ${new Date(record.checkedAt).toISOString()}: is it running?`,
          }
        : record;
  }
  return health;
}

/** How stale the index's answers are: the longest any network has not been current, and by how many blocks. */
export interface Staleness {
  seconds: number;
  blocks: number | null;
}

/** The staleness of answers given `health` (undefined when every network is ok). */
export function stalenessOf(health: Record<string, SyncHealth>, now: number): Staleness | undefined {
  let stale: Staleness | undefined;
  for (const record of Object.values(health)) {
    if (record.state === "ok") continue;
    const seconds = Math.max(0, Math.round((now - (record.currentAt ?? record.checkedAt)) / 1000));
    if (!stale || seconds > stale.seconds) stale = { seconds, blocks: record.lagBlocks };
  }
  return stale;
}
