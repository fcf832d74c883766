/** Queries of what the index keeps per account: its Account counters, its stake, its credits in the escrow. */
import { addressParam, big, hex, sqlTable, type Row } from "../columns";
import type { AccountRow, EscrowCreditRow, StakeRow } from "../rows";
import type { Queryable } from "../source";

const ACCOUNT = sqlTable("Account");
const STAKE = sqlTable("Stake");
const ESCROW_CREDIT = sqlTable("EscrowCredit");

function toAccount(row: Row): AccountRow {
  return {
    address: hex(row, "id"),
    firstSeenBlock: big(row, "firstSeenBlock"),
    firstSeenTimestamp: big(row, "firstSeenTimestamp"),
    lastSeenBlock: big(row, "lastSeenBlock"),
    lastSeenTimestamp: big(row, "lastSeenTimestamp"),
    historyCount: row.historyCount as number,
    transfersIn: row.transfersIn as number,
    transfersOut: row.transfersOut as number,
    invoicesCreated: row.invoicesCreated as number,
    paymentsMade: row.paymentsMade as number,
    stakingActions: row.stakingActions as number,
  };
}

function toStake(row: Row): StakeRow {
  return {
    account: hex(row, "id"),
    token: hex(row, "token"),
    balance: big(row, "balance"),
    totalStaked: big(row, "totalStaked"),
    totalWithdrawn: big(row, "totalWithdrawn"),
    rewardsToken: hex(row, "rewardsToken"),
    rewardsClaimed: big(row, "rewardsClaimed"),
    updatedBlock: big(row, "updatedBlock"),
    updatedTimestamp: big(row, "updatedTimestamp"),
  };
}

function toCredit(row: Row): EscrowCreditRow {
  return {
    account: hex(row, "account"),
    token: hex(row, "token"),
    balance: big(row, "balance"),
    credited: big(row, "credited"),
    withdrawn: big(row, "withdrawn"),
    updatedBlock: big(row, "updatedBlock"),
  };
}

/** The Account row of `address`, or undefined when the address never appeared. */
export function accountByAddress(db: Queryable, address: string): AccountRow | undefined {
  const row = db.get(`SELECT * FROM ${ACCOUNT} WHERE id = ?`, [addressParam(address)]);
  return row ? toAccount(row) : undefined;
}

/** The current stake of `account`, or undefined when it never staked. */
export function stakeOf(db: Queryable, account: string): StakeRow | undefined {
  const row = db.get(`SELECT * FROM ${STAKE} WHERE id = ?`, [addressParam(account, "account")]);
  return row ? toStake(row) : undefined;
}

/** What the escrow holds for `account`, per token (fees, payouts that could not be pushed). */
export function escrowCreditsOf(db: Queryable, account: string): EscrowCreditRow[] {
  return db.all(`SELECT * FROM ${ESCROW_CREDIT} WHERE account = ? ORDER BY token`, [addressParam(account, "account")]).map(toCredit);
}
