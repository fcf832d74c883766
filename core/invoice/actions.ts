/**
 * Who may do what to an invoice, and when: the one copy of PaymentEscrow's access and state rules that the API (to
 * refuse a transaction it would not let through) and the page (to offer only what works now) both use.
 */
import { isZeroAddress, sameAddress } from "../address";
import { type InvoiceStatus, isPayableStatus } from "./status";

/** The escrow calls a party can make on one invoice (PaymentEscrow's function names). */
export const INVOICE_ACTIONS = [
  "pay",
  "release",
  "claim",
  "refund",
  "reclaim",
  "cancel",
  "dispute",
  "resolve",
  "proposeSettlement",
  "acceptSettlement",
  "withdraw",
] as const;

/** One of {@link INVOICE_ACTIONS}. */
export type InvoiceAction = (typeof INVOICE_ACTIONS)[number];

/** A party to an invoice. */
export type InvoiceRole = "merchant" | "payer" | "arbiter";

/** Which parties PaymentEscrow lets make each call (the payer of an open invoice is whoever pays it). */
export const ACTION_ROLES: Readonly<Record<InvoiceAction, readonly InvoiceRole[]>> = {
  pay: ["payer"],
  release: ["payer"],
  claim: ["merchant"],
  refund: ["merchant"],
  reclaim: ["payer"],
  cancel: ["merchant"],
  dispute: ["payer"],
  resolve: ["arbiter"],
  proposeSettlement: ["merchant", "payer"],
  acceptSettlement: ["merchant", "payer"],
  withdraw: ["merchant", "payer", "arbiter"],
};

/** The parties of an invoice (null or the zero address: none, e.g. an invoice anyone may pay). */
export interface InvoiceParties {
  merchant: string;
  payer: string | null;
  arbiter: string | null;
}

/** The roles `account` has on an invoice. `payer` includes anyone who may pay an open invoice. */
export interface Roles {
  merchant: boolean;
  payer: boolean;
  arbiter: boolean;
  /** The invoice has no fixed payer yet and this account may become it by paying. */
  openPayer: boolean;
}

/** The roles of `account` on an invoice with `parties`. */
export function rolesOf(parties: InvoiceParties, account: string | undefined): Roles {
  const merchant = sameAddress(parties.merchant, account);
  const arbiter = !isZeroAddress(parties.arbiter) && sameAddress(parties.arbiter, account);
  const openPayer = isZeroAddress(parties.payer) && !!account && !merchant;
  return { merchant, arbiter, payer: sameAddress(parties.payer, account) || openPayer, openPayer };
}

/** True when an account with `roles` may make `action` (state and time aside; see {@link availableActions}). */
export function mayTake(action: InvoiceAction, roles: Roles): boolean {
  const fixedPayer = roles.payer && (action === "pay" || !roles.openPayer);
  return ACTION_ROLES[action].some((role) => (role === "payer" ? fixedPayer : roles[role]));
}

/**
 * The least one payment may be when `due` is left to pay: an invoice open to anyone (no payer) is paid in full in one
 * payment, so nobody can bind it with a small part and lock its customer out (PaymentEscrow refuses a part with
 * EscrowOpenInvoiceNeedsFullPayment); a named payer may pay in parts.
 */
export function minimumPayment(parties: Pick<InvoiceParties, "payer">, due: bigint): bigint {
  return isZeroAddress(parties.payer) ? due : 1n;
}

/** What {@link availableActions} reads of an invoice (amounts in base units, times in unix seconds). */
export interface ActionableInvoice {
  status: InvoiceStatus | "none";
  arbiter: string | null;
  paid: bigint;
  /** paid − released − refunded. */
  held: bigint;
  /** What may still be paid now. */
  due: bigint;
  paidAt: number;
  disputeWindow: number;
  disputedAt: number;
  /** Seconds an arbiter has before the payer may reclaim a dispute (PaymentEscrow.DISPUTE_TIMEOUT). */
  disputeTimeout: number;
}

/** An action possible now, or from a later time (unix seconds). */
export interface Timed {
  now: boolean;
  from?: number;
}

/** Which actions an account with `roles` may take on `inv` at chain time `now` (unix seconds). */
export function availableActions(inv: ActionableInvoice, roles: Roles, now: number) {
  const s = inv.status;
  const payer = mayTake("release", roles);
  const payable = isPayableStatus(s) && inv.due > 0n;
  const windowEnds = inv.paidAt + inv.disputeWindow;
  const timeoutAt = inv.disputedAt + inv.disputeTimeout;
  const held = inv.held > 0n;
  const reclaim: Timed | undefined =
    payer && held && (s === "expired" || (s === "disputed" && now >= timeoutAt))
      ? { now: true }
      : payer && s === "disputed" && held
        ? { now: false, from: timeoutAt }
        : undefined;
  const claim: Timed | undefined =
    roles.merchant && s === "paid" && held ? (now >= windowEnds ? { now: true } : { now: false, from: windowEnds }) : undefined;
  return {
    pay: roles.payer && payable,
    release: payer && (s === "partially_paid" || s === "paid") && held,
    dispute: payer && s === "paid" && !isZeroAddress(inv.arbiter) && held && now < windowEnds,
    reclaim,
    cancel: roles.merchant && s === "open" && inv.paid === 0n,
    claim,
    refund: roles.merchant && (s === "partially_paid" || s === "paid" || s === "expired") && held,
    // The arbiter decides before the timeout; from then on only the payer's reclaim remains (EscrowDisputeTimedOut).
    resolve: roles.arbiter && s === "disputed" && held && now < timeoutAt,
    settle: (roles.merchant || payer) && s === "disputed" && held,
  };
}

/** The actions object of {@link availableActions}. */
export type Actions = ReturnType<typeof availableActions>;

/**
 * The PaymentEscrow call that pays an invoice: `payPriced` for one priced in a currency and not paid yet (it stores
 * amount 0 until that payment converts the price; pay, payNative, payMany and payRelayed refuse it with
 * EscrowInvoicePricedInCurrency), else `payNative` for ETH, `pay` for an ERC-20 (or its permit and relayed variants).
 */
export type PaymentCall = "pay" | "payNative" | "payPriced";

/** What {@link paymentCall} reads of an invoice: its token, its stored amount and its currency pricing, if any. */
export interface PaymentTerms {
  /** The invoice's token (for a priced one not paid yet: the one accepted, the zero address for any with a feed). */
  token: string;
  /** The stored amount in base units (0 for a priced invoice until paid). */
  amount: bigint | string;
  pricing: { currency: string } | null;
}

/** The call that pays `invoice` now (see {@link PaymentCall}). */
export function paymentCall(invoice: PaymentTerms): PaymentCall {
  if (invoice.pricing && BigInt(invoice.amount) === 0n) return "payPriced";
  return isZeroAddress(invoice.token) ? "payNative" : "pay";
}
