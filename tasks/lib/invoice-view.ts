/** An invoice as the invoice tasks read it from the escrow, and the checks and output they share. */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { type Result, ZeroAddress, formatUnits } from "ethers";
import { SOLIDITY_STATUS, type SolidityStatusName } from "../../core/invoice/status";
import { CliError } from "./cli";
import { reportSend, type SendOutcome } from "./send";
import { tokenUnits, type Settle } from "./settle";
import { output } from "./task";

/** An invoice as read from the escrow, with its token's symbol and decimals. */
export interface InvoiceView {
  id: bigint;
  merchant: string;
  payer: string;
  token: string;
  arbiter: string;
  amount: bigint;
  paid: bigint;
  released: bigint;
  refunded: bigint;
  referenceHash: string;
  dueDate: bigint;
  paidAt: bigint;
  disputedAt: bigint;
  disputeWindow: bigint;
  feeBps: bigint;
  status: SolidityStatusName;
  symbol: string;
  decimals: number;
}

/** Reads invoice `id`, or fails with a one-line error when there is none. */
export async function readInvoice(hre: HardhatRuntimeEnvironment, settle: Settle, idText: string): Promise<InvoiceView> {
  if (!/^\d+$/.test(idText) || BigInt(idText) === 0n) throw new CliError(`bad invoice id "${idText}": ids are whole numbers from 1`);
  const id = BigInt(idText);
  const count = await settle.escrow.invoiceCount();
  if (id > count) throw new CliError(`no invoice ${id}: this escrow has ${count} invoice${count === 1n ? "" : "s"}`);
  const raw = await settle.escrow.getInvoice(id);
  const status = SOLIDITY_STATUS[Number(await settle.escrow.status(id))]!;
  // The struct's named fields; its own `status` field is the stored state, replaced by the derived status.
  const fields = (raw as unknown as Result).toObject() as Omit<InvoiceView, "id" | "status" | "symbol" | "decimals">;
  return { ...fields, id, status, ...(await tokenUnits(hre, raw.token)) };
}

/** Fails unless the invoice is in one of `allowed` statuses; `what` says what was attempted. */
export function requireStatus(invoice: InvoiceView, allowed: readonly SolidityStatusName[], what: string): void {
  if (!allowed.includes(invoice.status)) {
    throw new CliError(`invoice ${invoice.id} is ${invoice.status}: it can be ${what} only when ${allowed.join(" or ")}`);
  }
}

/** Fails unless `caller` is the invoice's `role` (merchant, payer or arbiter). */
export function requireActor(invoice: InvoiceView, role: "merchant" | "payer" | "arbiter", caller: string, what: string): void {
  const expected = invoice[role];
  if (role === "payer" && expected === ZeroAddress) throw new CliError(`invoice ${invoice.id} has no payer yet: nobody can ${what} it`);
  if (role === "arbiter" && expected === ZeroAddress)
    throw new CliError(`invoice ${invoice.id} has no arbiter: settle it with invoice:settle instead`);
  if (expected.toLowerCase() !== caller.toLowerCase()) {
    throw new CliError(`invoice ${invoice.id} is ${invoice.status}: only its ${role} ${expected} can ${what} it (you are ${caller})`);
  }
}

/** An amount of the invoice's token in its units, with the symbol. */
export function formatAmount(invoice: InvoiceView, value: bigint): string {
  return `${formatUnits(value, invoice.decimals)} ${invoice.symbol}`;
}

/** Prints the outcome of an invoice action for people or as JSON. */
export function report(action: string, invoice: InvoiceView, outcome: SendOutcome, json: boolean, extra: object = {}): void {
  reportSend(action, outcome, json);
  if (json) output(true, "", { invoice: invoice.id, ...extra, ...outcome });
}
