/**
 * A PaymentEscrow invoice as the page reads it from the chain. Who may act on it, and when, is core/invoice/actions'
 * rule; its status vocabulary is core/invoice/status'.
 */
import { ZERO_ADDRESS } from "../../../core/address";
import type { ActionableInvoice } from "../../../core/invoice/actions";
import { statusFromValue, type InvoiceStatus } from "../../../core/invoice/status";
import type { SettleContract } from "./contracts";

/** PaymentEscrow.getInvoice's struct, as ethers returns it. */
type InvoiceStruct = Awaited<ReturnType<SettleContract<"PaymentEscrow">["getInvoice"]>>;

/** An invoice read from the chain (PaymentEscrow.getInvoice) plus what the page needs around it. */
export interface ChainInvoice
  extends ActionableInvoice, Pick<InvoiceStruct, "merchant" | "payer" | "token" | "amount" | "released" | "refunded" | "referenceHash"> {
  id: bigint;
  /** The zero address when the invoice has none. */
  arbiter: string;
  dueDate: number;
  feeBps: number;
  /** The on-chain status ("none" for a value this page does not know). */
  status: InvoiceStatus | "none";
  /** The standing settlement proposal during a dispute (proposer zero when none). */
  settlement: { proposer: string; toMerchant: bigint };
}

/** PaymentEscrow.DISPUTE_TIMEOUT when the contract does not answer it (30 days). */
const DEFAULT_DISPUTE_TIMEOUT = 30n * 86_400n;

/** Reads invoice `id` from PaymentEscrow (throws the contract's EscrowInvoiceNotFound when absent). */
export async function readInvoice(escrow: SettleContract<"PaymentEscrow">, id: bigint): Promise<ChainInvoice> {
  const [inv, due, settlement, timeout] = await Promise.all([
    escrow.getInvoice(id),
    escrow.amountDue(id),
    escrow.settlementOf(id).catch(() => [ZERO_ADDRESS, 0n] as const),
    escrow.DISPUTE_TIMEOUT().catch(() => DEFAULT_DISPUTE_TIMEOUT),
  ]);
  return {
    id,
    merchant: inv.merchant,
    payer: inv.payer,
    token: inv.token,
    arbiter: inv.arbiter,
    amount: inv.amount,
    paid: inv.paid,
    released: inv.released,
    refunded: inv.refunded,
    referenceHash: inv.referenceHash,
    dueDate: Number(inv.dueDate),
    paidAt: Number(inv.paidAt),
    disputedAt: Number(inv.disputedAt),
    disputeWindow: Number(inv.disputeWindow),
    feeBps: Number(inv.feeBps),
    status: statusFromValue(inv.status) ?? "none",
    held: inv.paid - inv.released - inv.refunded,
    due,
    settlement: { proposer: settlement[0], toMerchant: settlement[1] },
    disputeTimeout: Number(timeout),
  };
}
