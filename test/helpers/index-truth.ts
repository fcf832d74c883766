/**
 * The index as it should be, rebuilt independently of the indexer: from the chain's logs (ethers
 * getLogs, decoded with the contracts' ABIs) and from the contracts' own view functions. Used by
 * the indexer tests to compare the index row by row with the chain.
 */
import { expect } from "chai";
import { Contract, Interface, JsonRpcProvider, ZeroAddress, id as topicOf, zeroPadValue, type Log, type LogDescription } from "ethers";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { IndexReader } from "../../api/index/reader";
import { chainScopedId, historyRowId, INDEX_TABLES } from "../../core/index-schema";
import { currencyFromBytes3 } from "../../core/invoice/currency";
import type { PricingRow } from "../../api/index/rows";
import type { IndexLocation } from "../../scripts/stack/indexer";
import { dumpIndex, type DumpRow, type IndexDump } from "./index-dump";
import { REPO_ROOT, type TestDeployment } from "./node";

/** ABI of a compiled contract of the repository. */
export function abiOf(contractPath: string): Interface {
  const artifact = JSON.parse(readFileSync(join(REPO_ROOT, "artifacts", contractPath), "utf8")) as { abi: unknown[] };
  return new Interface(artifact.abi as never);
}

const TOKEN_ABI = abiOf("contracts/SettleToken.sol/SettleToken.json");
const STAKING_ABI = abiOf("contracts/StakingRewards.sol/StakingRewards.json");
const ESCROW_ABI = abiOf("contracts/PaymentEscrow.sol/PaymentEscrow.json");
// The indexed events of each contract are those its interface declares (not AccessControl's or Pausable's).
const STAKING_EVENTS = abiOf("contracts/interfaces/IStakingRewards.sol/IStakingRewards.json");
const ESCROW_EVENTS = abiOf("contracts/interfaces/IPaymentEscrow.sol/IPaymentEscrow.json");
const TRANSFER = topicOf("Transfer(address,address,uint256)");
/** IPaymentEscrow.Status, by enum index. */
const STATUS_NAMES = ["none", "open", "partially_paid", "paid", "disputed", "released", "refunded", "resolved", "cancelled", "expired"];

/** A decoded log with where it is. */
interface ChainEvent {
  source: "token" | "staking" | "escrow" | "escrowToken";
  log: Log;
  event: LogDescription;
  timestamp: bigint;
}

/** One expected History row, plus the account counter it bumps. */
interface ExpectedHistory {
  id: string;
  chainId: number;
  account: string;
  counterparty: string | null;
  kind: string;
  token: string;
  amount: bigint;
  /** The fee taken from `amount` when it is the merchant's gross payout. */
  fee: bigint | null;
  invoiceId: bigint | null;
  txHash: string;
  logIndex: number;
  blockNumber: bigint;
  timestamp: bigint;
  counter?: "transfersIn" | "transfersOut" | "invoicesCreated" | "paymentsMade" | "stakingActions";
  /** On the invoice_created and invoice_paid rows of an invoice priced in a currency (the rate on invoice_paid). */
  currency?: string | null;
  price?: bigint | null;
  rateAnswer?: bigint | null;
  rateDecimals?: number | null;
  rateRoundId?: bigint | null;
}

/** The price of an invoice priced in a currency and the rate of its payment, from its events. */
interface ExpectedPricing {
  currency: string;
  price: bigint;
  rateAnswer: bigint | null;
  rateDecimals: number | null;
  rateRoundId: bigint | null;
}

/** Every priced invoice's currency, price and (once paid) rate, from InvoiceCurrencySet and InvoicePriced. */
function expectedPricing(events: ChainEvent[]): Map<bigint, ExpectedPricing> {
  const prices = new Map<bigint, ExpectedPricing>();
  for (const { event, source } of events) {
    if (source !== "escrow") continue;
    const a = event.args;
    if (event.name === "InvoiceCurrencySet") {
      const currency = currencyFromBytes3(a.currency as string)!;
      prices.set(a.id as bigint, { currency, price: a.price as bigint, rateAnswer: null, rateDecimals: null, rateRoundId: null });
    }
    if (event.name === "InvoicePriced") {
      Object.assign(prices.get(a.id as bigint)!, {
        rateAnswer: a.answer as bigint,
        rateDecimals: Number(a.feedDecimals),
        rateRoundId: a.roundId as bigint,
      });
    }
  }
  return prices;
}

const lower = (address: string) => address.toLowerCase();
const logId = (log: Log) => `${log.blockHash}-0x${log.index.toString(16)}`;

/** Every Settle event on the chain (and every ERC-20 transfer into or out of the escrow), in chain order. */
async function chainEvents(provider: JsonRpcProvider, deployment: TestDeployment): Promise<ChainEvent[]> {
  const { SettleToken, StakingRewards, PaymentEscrow } = deployment.contracts;
  const escrowTopic = zeroPadValue(PaymentEscrow.address, 32);
  const [tokenLogs, stakingLogs, escrowLogs, inLogs, outLogs] = await Promise.all([
    provider.getLogs({ address: SettleToken.address, fromBlock: 0, toBlock: "latest" }),
    provider.getLogs({ address: StakingRewards.address, fromBlock: 0, toBlock: "latest" }),
    provider.getLogs({ address: PaymentEscrow.address, fromBlock: 0, toBlock: "latest" }),
    provider.getLogs({ topics: [TRANSFER, null, escrowTopic], fromBlock: 0, toBlock: "latest" }),
    provider.getLogs({ topics: [TRANSFER, escrowTopic], fromBlock: 0, toBlock: "latest" }),
  ]);
  const timestamps = new Map<number, bigint>();
  const events: ChainEvent[] = [];
  const add = (source: ChainEvent["source"], abi: Interface, logs: Log[], only?: string) => {
    for (const log of logs) {
      let event: LogDescription | null = null;
      try {
        event = abi.parseLog(log);
      } catch {
        // Not an event of this interface.
      }
      if (!event || (only && event.name !== only)) continue;
      events.push({ source, log, event, timestamp: 0n });
    }
  };
  add("token", TOKEN_ABI, tokenLogs, "Transfer");
  add("staking", STAKING_EVENTS, stakingLogs);
  add("escrow", ESCROW_EVENTS, escrowLogs);
  const seen = new Set(events.map((e) => logId(e.log)));
  const others = [...inLogs, ...outLogs].filter((log) => lower(log.address) !== lower(SettleToken.address) && log.topics.length === 3);
  for (const log of others) {
    if (seen.has(logId(log))) continue;
    seen.add(logId(log));
    add("escrowToken", TOKEN_ABI, [log], "Transfer");
  }
  for (const e of events) {
    if (!timestamps.has(e.log.blockNumber))
      timestamps.set(e.log.blockNumber, BigInt((await provider.getBlock(e.log.blockNumber))!.timestamp));
    e.timestamp = timestamps.get(e.log.blockNumber)!;
  }
  return events.sort((a, b) => a.log.blockNumber - b.log.blockNumber || a.log.index - b.log.index);
}

/**
 * The History rows the chain's events imply, by the rules of indexer/src/*.ts written again:
 * one row per account an event concerns, none for the zero address.
 */
function expectedHistory(
  chainId: number,
  events: ChainEvent[],
  stakingTokens: { staking: string; rewards: string },
  contracts: { staking: string; escrow: string },
): ExpectedHistory[] {
  const { staking, escrow } = contracts;
  const rows: ExpectedHistory[] = [];
  const invoices = new Map<bigint, { merchant: string; payer: string; token: string; amount: bigint }>();
  for (const { log, event, timestamp, source } of events) {
    const a = event.args as unknown as Record<string, never>;
    const push = (
      account: string,
      counterparty: string | null,
      kind: string,
      token: string,
      amount: bigint,
      invoiceId: bigint | null = null,
      counter?: ExpectedHistory["counter"],
      fee: bigint | null = null,
    ) => {
      if (account === ZeroAddress) return;
      rows.push({
        id: historyRowId(chainId, { timestamp, blockNumber: BigInt(log.blockNumber), logIndex: log.index }, kind, account),
        chainId,
        account: lower(account),
        counterparty: counterparty === null ? null : lower(counterparty),
        kind,
        token: lower(token),
        amount,
        fee,
        invoiceId,
        txHash: log.transactionHash,
        logIndex: log.index,
        blockNumber: BigInt(log.blockNumber),
        timestamp,
        counter,
      });
    };
    if (source === "token" || source === "escrowToken") {
      push(a.from, a.to, "transfer_out", log.address, a.value, null, "transfersOut");
      push(a.to, a.from, "transfer_in", log.address, a.value, null, "transfersIn");
      continue;
    }
    if (source === "staking") {
      if (event.name === "Staked") push(a.account, staking, "staked", stakingTokens.staking, a.amount, null, "stakingActions");
      if (event.name === "Withdrawn") push(a.account, staking, "withdrawn", stakingTokens.staking, a.amount, null, "stakingActions");
      if (event.name === "RewardPaid") push(a.account, staking, "reward_claimed", stakingTokens.rewards, a.reward, null, "stakingActions");
      if (event.name === "Recovered") push(a.to, staking, "recovered", a.token, a.amount);
      continue;
    }
    const id = a.id as bigint;
    const inv = invoices.get(id);
    switch (event.name) {
      case "InvoiceCreated":
        invoices.set(id, { merchant: a.merchant, payer: a.payer, token: a.token, amount: a.amount });
        push(a.merchant, a.payer === ZeroAddress ? null : a.payer, "invoice_created", a.token, a.amount, id, "invoicesCreated");
        push(a.payer, a.merchant, "invoice_created", a.token, a.amount, id);
        break;
      case "InvoiceCurrencySet":
        inv!.amount = 0n;
        break;
      case "InvoicePriced":
        inv!.amount = a.tokenAmount;
        inv!.token = a.token;
        break;
      case "InvoicePaid":
        inv!.payer = a.payer;
        push(a.payer, inv!.merchant, "invoice_paid", a.token, a.amount, id, "paymentsMade");
        push(inv!.merchant, a.payer, "invoice_paid", a.token, a.amount, id);
        break;
      case "InvoiceReleased":
        push(a.payer, a.merchant, "released", a.token, a.toMerchant, id, undefined, a.fee);
        push(a.merchant, a.payer, "released", a.token, a.toMerchant, id, undefined, a.fee);
        break;
      case "InvoiceClaimed":
        push(a.merchant, a.payer, "claimed", a.token, a.toMerchant, id, undefined, a.fee);
        push(a.payer, a.merchant, "claimed", a.token, a.toMerchant, id, undefined, a.fee);
        break;
      case "InvoiceRefunded":
        push(a.merchant, a.payer, "refunded", a.token, a.toPayer, id);
        push(a.payer, a.merchant, "refunded", a.token, a.toPayer, id);
        break;
      case "InvoiceReclaimed":
        push(a.payer, a.merchant, "reclaimed", a.token, a.toPayer, id);
        push(a.merchant, a.payer, "reclaimed", a.token, a.toPayer, id);
        break;
      case "InvoiceCancelled":
        push(a.merchant, inv!.payer === ZeroAddress ? null : inv!.payer, "cancelled", inv!.token, inv!.amount, id);
        push(inv!.payer, a.merchant, "cancelled", inv!.token, inv!.amount, id);
        break;
      case "InvoiceDisputed":
        push(a.payer, a.merchant, "disputed", inv!.token, a.held, id);
        push(a.merchant, a.payer, "disputed", inv!.token, a.held, id);
        push(a.arbiter, a.payer, "disputed", inv!.token, a.held, id);
        break;
      case "InvoiceResolved":
        push(a.arbiter, a.merchant, "resolved", a.token, (a.toMerchant as bigint) + (a.toPayer as bigint), id);
        push(a.merchant, a.payer, "resolved", a.token, a.toMerchant, id, undefined, a.fee);
        push(a.payer, a.merchant, "resolved", a.token, a.toPayer, id);
        break;
      case "InvoiceSettled":
        push(a.merchant, a.payer, "settled", a.token, a.toMerchant, id, undefined, a.fee);
        push(a.payer, a.merchant, "settled", a.token, a.toPayer, id);
        break;
      case "SettlementProposed":
        push(inv!.merchant, inv!.payer, "settlement_proposed", inv!.token, a.toMerchant, id);
        push(inv!.payer, inv!.merchant, "settlement_proposed", inv!.token, a.toPayer, id);
        break;
      case "PayoutCredited":
        push(a.account, null, "credited", a.token, a.amount, id);
        break;
      case "Withdrawn":
        push(a.account, a.to, "credit_withdrawn", a.token, a.amount);
        if (lower(a.to) !== lower(a.account)) push(a.to, a.account, "credit_withdrawn", a.token, a.amount);
        break;
      case "FeesCollected":
        push(a.recipient, escrow, "fees_collected", a.token, a.amount);
        break;
      case "Swept":
        push(a.to, a.sweeper, "swept", a.token, a.amount);
        if (lower(a.to) !== lower(a.sweeper)) push(a.sweeper, a.to, "swept", a.token, a.amount);
        break;
    }
  }
  const prices = expectedPricing(events);
  for (const row of rows) {
    const pricing = row.invoiceId === null ? undefined : prices.get(row.invoiceId);
    if (!pricing || (row.kind !== "invoice_created" && row.kind !== "invoice_paid")) continue;
    Object.assign(row, row.kind === "invoice_paid" ? pricing : { currency: pricing.currency, price: pricing.price });
  }
  return rows.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/** Compares two lists of rows on `keys`, by id, with a readable first difference. */
function expectRows(table: string, actual: DumpRow[], expected: Record<string, unknown>[], keys: string[]): void {
  const pick = (row: Record<string, unknown>) => Object.fromEntries(keys.map((key) => [key, row[key] ?? null]));
  const a = actual.map(pick);
  const e = expected.map(pick);
  const byId = (rows: Record<string, unknown>[]) => new Map(rows.map((row) => [String(row.id), row]));
  const actualById = byId(a);
  const expectedById = byId(e);
  const missing = [...expectedById.keys()].filter((id) => !actualById.has(id));
  const extra = [...actualById.keys()].filter((id) => !expectedById.has(id));
  expect(
    missing.map((id) => expectedById.get(id)),
    `${table}: rows missing from the index`,
  ).to.deep.equal([]);
  expect(extra, `${table}: rows in the index that the chain does not have`).to.deep.equal([]);
  for (const [id, row] of expectedById) expect(actualById.get(id), `${table} row ${id}`).to.deep.equal(row);
}

/** Options of {@link expectIndexMatchesChain}. */
export interface TruthOptions {
  /** Accounts whose Stake and escrow credits are checked against the contracts. */
  accounts: string[];
  /** ERC-20 tokens (besides SETL) whose escrow balance is checked. */
  tokens: string[];
}

/**
 * Asserts that the index at `location` (either backend) holds, for the chain of `deployment`, what that chain implies:
 * every table's rows of that chain id row by row against the decoded logs, invoices, stakes and credits against the
 * contracts' views, per-token totals against balances. Rows of other chains are left to their own comparison. Returns
 * the dump for further checks.
 */
export async function expectIndexMatchesChain(
  provider: JsonRpcProvider,
  deployment: TestDeployment,
  location: IndexLocation,
  options: TruthOptions,
): Promise<IndexDump> {
  const dump = await dumpIndex(location);
  const { chainId } = deployment;
  const mine = Object.fromEntries(INDEX_TABLES.map((table) => [table, dump[table].filter((row) => row.chainId === chainId)])) as IndexDump;
  const { SettleToken, StakingRewards, PaymentEscrow } = deployment.contracts;
  const events = await chainEvents(provider, deployment);
  const staking = new Contract(StakingRewards.address, STAKING_ABI, provider);
  const escrow = new Contract(PaymentEscrow.address, ESCROW_ABI, provider);
  const stakingTokens = { staking: await staking.getFunction("stakingToken")(), rewards: await staking.getFunction("rewardsToken")() };
  const position = (e: ChainEvent) => ({
    id: chainScopedId(chainId, logId(e.log)),
    chainId,
    txHash: e.log.transactionHash,
    blockNumber: BigInt(e.log.blockNumber),
    logIndex: e.log.index,
    timestamp: e.timestamp,
  });

  // Token transfers: every SETL Transfer, and other ERC-20 transfers into or out of the escrow.
  const transfers = events
    .filter((e) => e.source === "token" || e.source === "escrowToken")
    .map((e) => ({
      ...position(e),
      token: lower(e.log.address),
      from: lower(e.event.args.from),
      to: lower(e.event.args.to),
      amount: e.event.args.value,
    }));
  expectRows("TokenTransfer", mine.TokenTransfer, transfers, [
    "id",
    "chainId",
    "token",
    "from",
    "to",
    "amount",
    "txHash",
    "blockNumber",
    "logIndex",
    "timestamp",
  ]);

  // Every escrow and staking event, in order.
  const escrowEvents = events
    .filter((e) => e.source === "escrow")
    .map((e) => ({ ...position(e), kind: e.event.name, invoiceId: "id" in e.event.args.toObject() ? (e.event.args.id as bigint) : null }));
  expectRows("InvoiceEvent", mine.InvoiceEvent, escrowEvents, [
    "id",
    "chainId",
    "kind",
    "invoiceId",
    "txHash",
    "blockNumber",
    "logIndex",
    "timestamp",
  ]);
  const stakingEvents = events
    .filter((e) => e.source === "staking")
    .map((e) => {
      const args = e.event.args.toObject();
      const account = (args.account ?? args.to) as string | undefined;
      return { ...position(e), kind: e.event.name, account: account ? lower(account) : null };
    });
  expectRows("StakingEvent", mine.StakingEvent, stakingEvents, [
    "id",
    "chainId",
    "kind",
    "account",
    "txHash",
    "blockNumber",
    "logIndex",
    "timestamp",
  ]);

  // The unified history, and the accounts it implies.
  const history = expectedHistory(chainId, events, stakingTokens, { staking: StakingRewards.address, escrow: PaymentEscrow.address });
  const historyKeys = [
    "id",
    "chainId",
    "account",
    "counterparty",
    "kind",
    "token",
    "amount",
    "fee",
    "invoiceId",
    "currency",
    "price",
    "rateAnswer",
    "rateDecimals",
    "rateRoundId",
    "txHash",
    "logIndex",
    "blockNumber",
    "timestamp",
  ];
  expectRows("History", mine.History, history as unknown as Record<string, unknown>[], historyKeys);
  const accounts = new Map<string, Record<string, unknown>>();
  for (const row of history) {
    const account = accounts.get(row.account) ?? {
      id: chainScopedId(chainId, row.account),
      chainId,
      address: row.account,
      firstSeenBlock: row.blockNumber,
      firstSeenTimestamp: row.timestamp,
      historyCount: 0,
      transfersIn: 0,
      transfersOut: 0,
      invoicesCreated: 0,
      paymentsMade: 0,
      stakingActions: 0,
    };
    account.lastSeenBlock = row.blockNumber;
    account.lastSeenTimestamp = row.timestamp;
    account.historyCount = (account.historyCount as number) + 1;
    if (row.counter) account[row.counter] = (account[row.counter] as number) + 1;
    accounts.set(row.account, account);
  }
  expectRows(
    "Account",
    mine.Account,
    [...accounts.values()],
    [
      "id",
      "chainId",
      "address",
      "firstSeenBlock",
      "firstSeenTimestamp",
      "lastSeenBlock",
      "lastSeenTimestamp",
      "historyCount",
      "transfersIn",
      "transfersOut",
      "invoicesCreated",
      "paymentsMade",
      "stakingActions",
    ],
  );

  // Invoices against the contract's views (statuses as `status()` says at the latest block).
  const reader = new IndexReader(location);
  try {
    const count = Number(await escrow.getFunction("invoiceCount")());
    expect(mine.Invoice.length, "Invoice rows").to.equal(count);
    const byStatus: Record<string, number> = {};
    const prices = expectedPricing(events);
    for (let id = 1n; id <= BigInt(count); id++) {
      const onChain = await escrow.getFunction("getInvoice")(id);
      const indexed = (await reader.invoice(id, chainId))!;
      expect(indexed.chainId, `chain of invoice ${id}`).to.equal(chainId);
      const status = STATUS_NAMES[Number(onChain.status)]!;
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      expect(
        {
          merchant: indexed.merchant,
          payer: indexed.payer ?? lower(ZeroAddress),
          token: indexed.token,
          arbiter: indexed.arbiter ?? lower(ZeroAddress),
          amount: indexed.amount,
          paid: indexed.paid,
          released: indexed.released,
          refunded: indexed.refunded,
          reference: indexed.reference,
          dueDate: indexed.dueDate,
          paidAt: indexed.paidAt ?? 0n,
          disputedAt: indexed.disputedAt ?? 0n,
          disputeWindow: indexed.disputeWindow,
          feeBps: indexed.feeBps,
          status: indexed.status,
          held: indexed.held,
          pricing: indexed.pricing,
        },
        `invoice ${id}`,
      ).to.deep.equal({
        merchant: lower(onChain.merchant),
        payer: lower(onChain.payer),
        token: lower(onChain.token),
        arbiter: lower(onChain.arbiter),
        amount: onChain.amount,
        paid: onChain.paid,
        released: onChain.released,
        refunded: onChain.refunded,
        reference: onChain.referenceHash,
        dueDate: onChain.dueDate,
        paidAt: onChain.paidAt,
        disputedAt: onChain.disputedAt,
        disputeWindow: Number(onChain.disputeWindow),
        feeBps: Number(onChain.feeBps),
        status,
        held: await escrow.getFunction("amountHeld")(id),
        pricing: await chainPricing(escrow, id, prices.get(id)),
      });
    }
    expect((await reader.stats(chainId)).invoicesByStatus, "invoice counts by status").to.deep.equal(
      Object.fromEntries(STATUS_NAMES.filter((name) => byStatus[name]).map((name) => [name, byStatus[name]])),
    );

    // Stakes and credits against the contracts.
    for (const account of options.accounts) {
      const stake = await reader.stake(account, chainId);
      const paid = events
        .filter((e) => e.event.name === "RewardPaid" && lower(e.event.args.account) === lower(account))
        .reduce((sum, e) => sum + (e.event.args.reward as bigint), 0n);
      expect({ balance: stake?.balance ?? 0n, rewardsClaimed: stake?.rewardsClaimed ?? 0n }, `stake of ${account}`).to.deep.equal({
        balance: await staking.getFunction("balanceOf")(account),
        rewardsClaimed: paid,
      });
      for (const token of [SettleToken.address, ZeroAddress, ...options.tokens]) {
        const credit = (await reader.escrowCredits(account, chainId)).find((row) => row.token === lower(token));
        expect(credit?.balance ?? 0n, `escrow credit of ${account} in ${token}`).to.equal(
          await escrow.getFunction("credits")(account, token),
        );
      }
    }

    // Per-token totals: what the escrow owes (held for invoices, credits, fees awaiting collection: its totalOwed), and
    // its balance: that plus the surplus no invoice accounts for.
    const stats = await reader.stats(chainId);
    for (const token of [SettleToken.address, ZeroAddress, ...options.tokens]) {
      const row = stats.tokens.find((t) => t.token === lower(token));
      const balance =
        token === ZeroAddress
          ? await provider.getBalance(PaymentEscrow.address)
          : await new Contract(token, TOKEN_ABI, provider).getFunction("balanceOf")(PaymentEscrow.address);
      const owed = (row?.escrowLocked ?? 0n) + (row?.escrowCredits ?? 0n) + (row?.feesAccrued ?? 0n);
      expect(owed, `owed in ${token}`).to.equal(await escrow.getFunction("totalOwed")(token));
      expect(row?.feesAccrued ?? 0n, `fees accrued in ${token}`).to.equal(await escrow.getFunction("feesAccrued")(token));
      expect(owed + (await escrow.getFunction("surplus")(token)), `escrow balance of ${token}`).to.equal(balance);
      const sum = (name: string, arg: string) =>
        events
          .filter((e) => e.source === "escrow" && e.event.name === name && lower(e.event.args.token) === lower(token))
          .reduce((total, e) => total + (e.event.args[arg] as bigint), 0n);
      const fees = ["InvoiceReleased", "InvoiceClaimed", "InvoiceResolved", "InvoiceSettled"].reduce(
        (total, name) => total + sum(name, "fee"),
        0n,
      );
      expect(row?.feesEarned ?? 0n, `fees earned in ${token}`).to.equal(fees);
      expect(row?.swept ?? 0n, `swept in ${token}`).to.equal(sum("Swept", "amount"));
      expect(row?.escrowPaid ?? 0n, `paid into invoices in ${token}`).to.equal(sum("InvoicePaid", "amount"));
    }
    const setl = stats.tokens.find((t) => t.token === lower(SettleToken.address))!;
    expect(setl.stakingLocked, "SETL staked").to.equal(await staking.getFunction("totalStaked")());
    const stakingSum = (name: string, arg: string) =>
      events.filter((e) => e.source === "staking" && e.event.name === name).reduce((total, e) => total + (e.event.args[arg] as bigint), 0n);
    expect(setl.rewardsFunded, "rewards funded").to.equal(stakingSum("RewardAdded", "reward"));
    expect(setl.rewardsPaid, "rewards paid").to.equal(stakingSum("RewardPaid", "reward"));
  } finally {
    await reader.close();
  }
  return dump;
}

/** Invoice `id`'s pricing as the read module returns it: the contract's invoiceCurrency, and the rate of its InvoicePriced. */
async function chainPricing(escrow: Contract, id: bigint, fromEvents: ExpectedPricing | undefined): Promise<PricingRow | null> {
  const [bytes3, price] = (await escrow.getFunction("invoiceCurrency")(id)) as [string, bigint];
  const currency = currencyFromBytes3(bytes3);
  if (currency === undefined) return null;
  const { rateAnswer, rateDecimals, rateRoundId } = fromEvents!;
  const rate = rateAnswer === null ? null : { answer: rateAnswer, decimals: rateDecimals!, roundId: rateRoundId! };
  return { currency, price, rate };
}

/** Transaction hashes of every row of the index that carries one. */
export function indexedTxHashes(dump: IndexDump): Set<string> {
  const hashes = new Set<string>();
  for (const table of ["TokenTransfer", "InvoiceEvent", "StakingEvent", "History"] as const) {
    for (const row of dump[table]) hashes.add(String(row.txHash));
  }
  return hashes;
}
