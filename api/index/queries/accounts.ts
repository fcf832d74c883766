/** Queries of what the index keeps per account: its Account counters, its stake, its credits in the escrow. */
import { addressParam, Columns, onChain, type Row, sqlTable } from "../columns";
import type { AccountRow, EscrowCreditRow, StakeRow } from "../rows";
import type { Queryable } from "../source";

const ACCOUNT = sqlTable("Account");
const STAKE = sqlTable("Stake");
const ESCROW_CREDIT = sqlTable("EscrowCredit");

function toAccount(row: Row, c: Columns): AccountRow {
  return {
    chainId: row.chainId as number,
    address: c.hex(row, "address"),
    firstSeenBlock: c.big(row, "firstSeenBlock"),
    firstSeenTimestamp: c.big(row, "firstSeenTimestamp"),
    lastSeenBlock: c.big(row, "lastSeenBlock"),
    lastSeenTimestamp: c.big(row, "lastSeenTimestamp"),
    historyCount: row.historyCount as number,
    transfersIn: row.transfersIn as number,
    transfersOut: row.transfersOut as number,
    invoicesCreated: row.invoicesCreated as number,
    paymentsMade: row.paymentsMade as number,
    stakingActions: row.stakingActions as number,
  };
}

function toStake(row: Row, c: Columns): StakeRow {
  return {
    chainId: row.chainId as number,
    account: c.hex(row, "account"),
    token: c.hex(row, "token"),
    balance: c.big(row, "balance"),
    totalStaked: c.big(row, "totalStaked"),
    totalWithdrawn: c.big(row, "totalWithdrawn"),
    rewardsToken: c.hex(row, "rewardsToken"),
    rewardsClaimed: c.big(row, "rewardsClaimed"),
    updatedBlock: c.big(row, "updatedBlock"),
    updatedTimestamp: c.big(row, "updatedTimestamp"),
  };
}

function toCredit(row: Row, c: Columns): EscrowCreditRow {
  return {
    chainId: row.chainId as number,
    account: c.hex(row, "account"),
    token: c.hex(row, "token"),
    balance: c.big(row, "balance"),
    credited: c.big(row, "credited"),
    withdrawn: c.big(row, "withdrawn"),
    updatedBlock: c.big(row, "updatedBlock"),
  };
}

/**
 * The Account row of `address` on chain `chainId`, or undefined when the address never appeared there; without a
 * chain, its row on the chain with the lowest id where it appeared.
 */
export async function accountByAddress(db: Queryable, address: string, chainId?: number): Promise<AccountRow | undefined> {
  const { where, params } = onChain(`address = ?`, [addressParam(address)], chainId);
  const row = await db.get(`SELECT * FROM ${ACCOUNT} WHERE ${where} ORDER BY "chainId" LIMIT 1`, params);
  return row ? toAccount(row, db.columns) : undefined;
}

/** The current stake of `account` on chain `chainId` (without one: on the chain with the lowest id), or undefined. */
export async function stakeOf(db: Queryable, account: string, chainId?: number): Promise<StakeRow | undefined> {
  const { where, params } = onChain(`account = ?`, [addressParam(account, "account")], chainId);
  const row = await db.get(`SELECT * FROM ${STAKE} WHERE ${where} ORDER BY "chainId" LIMIT 1`, params);
  return row ? toStake(row, db.columns) : undefined;
}

/** What the escrow holds for `account`, per chain (only `chainId`'s when given) and token. */
export async function escrowCreditsOf(db: Queryable, account: string, chainId?: number): Promise<EscrowCreditRow[]> {
  const { where, params } = onChain(`account = ?`, [addressParam(account, "account")], chainId);
  return (await db.all(`SELECT * FROM ${ESCROW_CREDIT} WHERE ${where} ORDER BY "chainId", token`, params)).map((row) =>
    toCredit(row, db.columns),
  );
}
