/**
 * PaymentEscrow invoices as the page reasons about them: status names, and which actions the
 * connected account may take now (by role, state and chain time), mirroring the contract's rules.
 */
import type { Contract } from "ethers";
import { INVOICE_STATUSES } from "../../core/invoice/status";
import { isZeroAddress, sameAddress } from "./format";

/** PaymentEscrow.Status, in order. */
export const STATUSES = ["none", ...INVOICE_STATUSES] as const;

/** A status name as the API spells it ("partially_paid"). */
export type StatusName = (typeof STATUSES)[number] | "draft";

/** How a status looks: its label and badge tone. */
export const STATUS_LOOK: Record<StatusName, { label: string; tone: "neutral" | "info" | "success" | "warning" | "danger" }> = {
  none: { label: "Unknown", tone: "neutral" },
  draft: { label: "Draft", tone: "neutral" },
  open: { label: "Awaiting payment", tone: "info" },
  partially_paid: { label: "Partly paid", tone: "info" },
  paid: { label: "Paid, in escrow", tone: "success" },
  disputed: { label: "Disputed", tone: "warning" },
  released: { label: "Released", tone: "success" },
  refunded: { label: "Refunded", tone: "neutral" },
  resolved: { label: "Resolved", tone: "neutral" },
  cancelled: { label: "Cancelled", tone: "neutral" },
  expired: { label: "Expired", tone: "danger" },
};

/** An invoice read from the chain (PaymentEscrow.getInvoice) plus what the page needs around it. */
export interface ChainInvoice {
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
  dueDate: number;
  paidAt: number;
  disputedAt: number;
  disputeWindow: number;
  feeBps: number;
  status: StatusName;
  /** What is still held in escrow: paid − released − refunded. */
  held: bigint;
  /** What may still be paid now. */
  due: bigint;
  /** The standing settlement proposal during a dispute (proposer zero when none). */
  settlement: { proposer: string; toMerchant: bigint };
  /** Seconds an arbiter has before the payer may reclaim a dispute. */
  disputeTimeout: number;
}

/** Reads invoice `id` from PaymentEscrow (throws the contract's EscrowInvoiceNotFound when absent). */
export async function readInvoice(escrow: Contract, id: bigint): Promise<ChainInvoice> {
  const call = (name: string, ...args: unknown[]) => escrow.getFunction(name)(...args);
  const [inv, due, settlement, timeout] = await Promise.all([
    call("getInvoice", id),
    call("amountDue", id),
    call("settlementOf", id).catch(() => [ZERO, 0n]),
    call("DISPUTE_TIMEOUT").catch(() => 30n * 86_400n),
  ]);
  const paid = BigInt(inv.paid);
  const released = BigInt(inv.released);
  const refunded = BigInt(inv.refunded);
  return {
    id,
    merchant: String(inv.merchant),
    payer: String(inv.payer),
    token: String(inv.token),
    arbiter: String(inv.arbiter),
    amount: BigInt(inv.amount),
    paid,
    released,
    refunded,
    referenceHash: String(inv.referenceHash),
    dueDate: Number(inv.dueDate),
    paidAt: Number(inv.paidAt),
    disputedAt: Number(inv.disputedAt),
    disputeWindow: Number(inv.disputeWindow),
    feeBps: Number(inv.feeBps),
    status: STATUSES[Number(inv.status)] ?? "none",
    held: paid - released - refunded,
    due: BigInt(due),
    settlement: { proposer: String(settlement[0]), toMerchant: BigInt(settlement[1]) },
    disputeTimeout: Number(timeout),
  };
}

const ZERO = "0x0000000000000000000000000000000000000000";

/** The roles `account` has on an invoice. `payer` includes anyone who may pay an open invoice. */
export interface Roles {
  merchant: boolean;
  payer: boolean;
  arbiter: boolean;
  /** The invoice has no fixed payer yet and this account may become it by paying. */
  openPayer: boolean;
}

/** The roles of `account` on `inv`. */
export function rolesOf(inv: Pick<ChainInvoice, "merchant" | "payer" | "arbiter">, account: string | undefined): Roles {
  const merchant = sameAddress(inv.merchant, account);
  const arbiter = !isZeroAddress(inv.arbiter) && sameAddress(inv.arbiter, account);
  const openPayer = isZeroAddress(inv.payer) && !!account && !merchant;
  return { merchant, arbiter, payer: sameAddress(inv.payer, account) || openPayer, openPayer };
}

/** An action the page can offer, with why it is (not) possible now. */
export interface Availability {
  /** Shown and enabled. */
  now: boolean;
  /** When not possible yet: from when it will be (unix seconds). */
  from?: number;
}

/** Which actions `roles` may take on `inv` at chain time `now` (unix seconds). */
export function availableActions(inv: ChainInvoice, roles: Roles, now: number) {
  const s = inv.status;
  const payable = (s === "open" || s === "partially_paid") && inv.due > 0n;
  const windowEnds = inv.paidAt + inv.disputeWindow;
  const timeoutAt = inv.disputedAt + inv.disputeTimeout;
  const held = inv.held > 0n;
  return {
    pay: roles.payer && payable,
    release: roles.payer && !roles.openPayer && (s === "partially_paid" || s === "paid") && held,
    dispute: roles.payer && !roles.openPayer && s === "paid" && !isZeroAddress(inv.arbiter) && held && now < windowEnds,
    reclaim:
      roles.payer && !roles.openPayer && held && (s === "expired" || (s === "disputed" && now >= timeoutAt))
        ? { now: true }
        : roles.payer && !roles.openPayer && s === "disputed" && held
          ? { now: false, from: timeoutAt }
          : undefined,
    cancel: roles.merchant && s === "open" && inv.paid === 0n,
    claim: roles.merchant && s === "paid" && held ? (now >= windowEnds ? { now: true } : { now: false, from: windowEnds }) : undefined,
    refund: roles.merchant && (s === "partially_paid" || s === "paid" || s === "expired") && held,
    resolve: roles.arbiter && s === "disputed" && held,
    settle: (roles.merchant || (roles.payer && !roles.openPayer)) && s === "disputed" && held,
  };
}

/** The actions object of {@link availableActions}. */
export type Actions = ReturnType<typeof availableActions>;
