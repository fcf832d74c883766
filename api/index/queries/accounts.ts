/** Queries of what the index keeps per account: its Account counters, its stake, its credits in the escrow. */
import { addressParam, Columns, type Row, sqlTable } from "../columns";
import type { AccountRow, EscrowCreditRow, StakeRow } from "../rows";
import type { Queryable } from "../source";

const ACCOUNT = sqlTable("Account");
const STAKE = sqlTable("Stake");
const ESCROW_CREDIT = sqlTable("EscrowCredit");

function toAccount(row: Row, c: Columns): AccountRow {
  return {
    address: c.hex(row, "id"),
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
    account: c.hex(row, "id"),
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
    account: c.hex(row, "account"),
    token: c.hex(row, "token"),
    balance: c.big(row, "balance"),
    credited: c.big(row, "credited"),
    withdrawn: c.big(row, "withdrawn"),
    updatedBlock: c.big(row, "updatedBlock"),
  };
}

/** The Account row of `address`, or undefined when the address never appeared. */
export async function accountByAddress(db: Queryable, address: string): Promise<AccountRow | undefined> {
  const row = await db.get(`SELECT * FROM ${ACCOUNT} WHERE id = ?`, [addressParam(address)]);
  return row ? toAccount(row, db.columns) : undefined;
}

/** The current stake of `account`, or undefined when it never staked. */
export async function stakeOf(db: Queryable, account: string): Promise<StakeRow | undefined> {
  const row = await db.get(`SELECT * FROM ${STAKE} WHERE id = ?`, [addressParam(account, "account")]);
  return row ? toStake(row, db.columns) : undefined;
}

/** What the escrow holds for `account`, per token (fees, payouts that could not be pushed). */
export async function escrowCreditsOf(db: Queryable, account: string): Promise<EscrowCreditRow[]> {
  return (await db.all(`SELECT * FROM ${ESCROW_CREDIT} WHERE account = ? ORDER BY token`, [addressParam(account, "account")])).map((row) =>
    toCredit(row, db.columns),
  );
}
