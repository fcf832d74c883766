/**
 * One label table per language for what every layer shows people: invoice statuses, History kinds and invoice
 * events, the words of invoice documents and how numbers and dates are written. A language is one file beside this
 * one (en.ts, fr.ts); add it to {@link CATALOGUES} and type-checking makes sure it has every key.
 */
import type { EmailKind, EmailState } from "../email";
import type { HistoryKind, InvoiceEventKind } from "../history";
import type { SupplyKind } from "../invoice/mentions";
import type { InvoiceStatus } from "../invoice/status";
import { en } from "./en";
import { fr } from "./fr";

/** Every label of one language. */
export interface Catalogue {
  status: Record<InvoiceStatus | "draft", string>;
  history: Record<HistoryKind, string>;
  event: Record<InvoiceEventKind, string>;
  /** Invoice and credit-note documents (HTML, PDF). `{name}` marks a value {@link fill} puts in. */
  document: DocumentLabels;
  /** Invoice emails (api/jobs/email) and their state on the page. `{name}` marks a value {@link fill} puts in. */
  email: EmailLabels;
  /** How numbers, amounts and dates are written. */
  format: { groupSeparator: string; decimalSeparator: string; months: readonly string[] };
}

/** The words of a document, in one language. */
/** The verification box of a document: a headline and a detail per outcome ({id}, {chain}, {escrow}, {reference}, {onchain}, {schema}). */
export interface VerificationLabels {
  noDetailsHeadline: string;
  noDetails: string;
  notOnChainHeadline: string;
  notOnChain: string;
  mismatchHeadline: string;
  mismatch: string;
  verifiedHeadline: string;
  verified: string;
}

/** The mentions of core/invoice/mentions: {kind}, {rate} and {amount} are filled in. */
export interface MentionLabels {
  supply: string;
  supplyKinds: Record<SupplyKind, string>;
  vatOnDebits: string;
  latePenalty: string;
  /** The legal minimum penalty rate, when the merchant set none. */
  latePenaltyDefault: string;
  recoveryIndemnity: string;
}

export interface DocumentLabels {
  /** The verification box's sentences. */
  verification: VerificationLabels;
  /** The reform's and the late-payment mentions. */
  mentions: MentionLabels;
  /** The heading of the delivery address block. */
  deliverTo: string;
  /** A French business's SIREN. */
  siren: string;
  invoiceNumbered: string;
  invoiceOnChain: string;
  invoiceDraft: string;
  creditNoteNumbered: string;
  creditNote: string;
  paidThrough: string;
  from: string;
  billTo: string;
  anyone: string;
  openInvoice: string;
  unnamed: string;
  issued: string;
  due: string;
  currency: string;
  chain: string;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  tax: string;
  net: string;
  amount: string;
  noLineItems: string;
  sumOfLines: string;
  subtotal: string;
  taxOn: string;
  total: string;
  totalGross: string;
  paid: string;
  releasedToMerchant: string;
  returnedToPayer: string;
  held: string;
  balanceDue: string;
  /** An invoice priced in a currency: its price ("12.50 EUR"), the token amount its payment took, and the rate. */
  price: string;
  paidInToken: string;
  rate: string;
  /** The rate's value: {symbol}, {rate}, {currency}, {round}. */
  rateValue: string;
  exempt: string;
  reverseCharge: string;
  exemptMention: string;
  reverseChargeMention: string;
  paymentTerms: string;
  notes: string;
  activity: string;
  time: string;
  eventAndTx: string;
  nothingOnChain: string;
  split: string;
  vat: string;
  companyNumber: string;
  taxId: string;
  escrowContract: string;
  token: string;
  arbiter: string;
  onchainInvoice: string;
  documentId: string;
  generated: string;
  page: string;
  refundOf: string;
  netCredited: string;
  taxCredited: string;
  totalCredited: string;
  refersTo: string;
}

/** The words of invoice emails, in one language. */
export interface EmailLabels {
  /** What each kind of message is, as the page lists it. */
  kind: Record<EmailKind, string>;
  /** A message's state, as the page shows it. */
  state: Record<EmailState, string>;
  /** Subject line of each kind ({title}: the invoice's title, {merchant}: its issuer). */
  subject: Record<EmailKind, string>;
  /** First paragraph of each kind ({title}, {merchant}, {total}, {due}). */
  body: Record<EmailKind, string>;
  /** The line before the customer's share link. */
  openLink: string;
  /** The chain the invoice is on ({chain}: its name, {chainId}). */
  network: string;
  /** The line before the merchant's link to the invoice page. */
  pageLink: string;
  /** Says the PDF is attached. */
  attached: string;
  /** Says the PDF is attached as a Factur-X e-invoice (EN 16931). */
  attachedFacturX: string;
  /** Closing line. */
  signature: string;
}

/** `template` with each `{name}` replaced by `values.name`. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The languages Settle speaks, by BCP 47 tag. */
export const CATALOGUES = { en, fr } as const satisfies Record<string, Catalogue>;

/** The languages, for input validation. */
export const LOCALES = Object.keys(CATALOGUES) as Locale[];

/** A language Settle speaks. */
export type Locale = keyof typeof CATALOGUES;

/** The label of an invoice status (or of a draft). */
export function statusLabel(status: InvoiceStatus | "draft", locale: Locale = "en"): string {
  return CATALOGUES[locale].status[status];
}

/** The label of a History kind. */
export function historyLabel(kind: HistoryKind, locale: Locale = "en"): string {
  return CATALOGUES[locale].history[kind];
}

/** The label of an invoice event; an unknown event name is spaced out ("FeeBpsUpdated" → "Fee Bps Updated"). */
export function eventLabel(kind: string, locale: Locale = "en"): string {
  const labels: Record<string, string> = CATALOGUES[locale].event;
  return labels[kind] ?? kind.replace(/([a-z])([A-Z])/g, "$1 $2");
}
