/**
 * The invoice document model: one pure function turns what the API knows about an invoice (its
 * draft and line items from app.sqlite, its row and events from the index, the parties' profiles,
 * the token's symbol and decimals, the deployment) into the text both renderers draw — the HTML
 * (invoice-html.ts) and the PDF (invoice-pdf.ts) — so that the two never differ. Every string is
 * plain text here; each renderer escapes it for its own format.
 */
import { formatUnits, getAddress } from "ethers";
import type { InvoiceDraftsTable, InvoiceLineItemsTable, UsersTable } from "../db/types";
import type { InvoiceEventRow, InvoiceRow } from "../index/rows";
import { chainName as chainNameOf } from "../../core/chains";
import { PRICE_DECIMALS } from "../../core/invoice/currency";
import type { TaxMention } from "../../core/invoice/totals";
import { INVOICE_STATUSES, STATUS_TONE, type InvoiceStatus, type StatusTone } from "../../core/invoice/status";
import { CATALOGUES, type DocumentLabels, type Locale, eventLabel, fill, statusLabel } from "../../core/labels";
import { orNull } from "./hash";
import { priceText, pricedTotals } from "./priced";
import { storedTaxes, verifyDocument } from "./stored";
import { deliveryOf, draftMentions } from "./mentions";
import { type Mention, frenchSiren } from "../../core/invoice/mentions";

/** What a token is called and how its amounts are scaled. */
export interface TokenInfo {
  /** EIP-55 address; the zero address for ETH. */
  address: string;
  symbol: string;
  decimals: number;
}

/** Everything the model is built from (gathered by the route; nothing here reads a database or the network). */
export interface DocumentInputs {
  /** The draft holding the off-chain details, with its line items in order, when the API holds them. */
  draft: { draft: InvoiceDraftsTable; items: InvoiceLineItemsTable[] } | undefined;
  /** The invoice's row in the index, once created on chain. */
  row: InvoiceRow | undefined;
  /** Its events in chain order (empty while a draft). */
  events: InvoiceEventRow[];
  /** app.sqlite profiles of the merchant and of the payer (absent when they never signed in). */
  profiles: { merchant?: UsersTable; payer?: UsersTable };
  token: TokenInfo;
  /** The deployment the API serves: its chain and PaymentEscrow address. */
  chainId: number;
  escrow: string;
  /** When the document is produced, unix milliseconds. */
  generatedAt: number;
}

/** The language of an invoice's documents: its draft's (the customer's), else English. */
export function documentLocale(draft: InvoiceDraftsTable | undefined): Locale {
  return draft?.language === "fr" ? "fr" : "en";
}

/** A party block: an address and whatever profile it has. */
export interface PartyModel {
  /** EIP-55 account, or null for a customer known by its details only (an invoice open to anyone). */
  address: string | null;
  /** Display name, else company, else "Unnamed account". */
  heading: string;
  /** Company (when not the heading), postal address, email and tax id, one per line. */
  lines: string[];
}

/** Whether the details hash to the on-chain reference. */
export interface VerificationModel {
  state: "verified" | "mismatch" | "not_on_chain" | "no_details";
  /** True only for `verified`. */
  verified: boolean;
  /** One line: "Verified against chain 31337, invoice #12", or what is wrong. */
  headline: string;
  /** What was compared, for people. */
  detail: string;
  /** keccak256 of these details in canonical form (settle.invoice.v1 or v2), when the API holds them. */
  computedReference: string | null;
  /** The reference recorded on chain, once the invoice exists there. */
  onchainReference: string | null;
}

/** A line of the payments and settlement history. */
export interface ActivityModel {
  label: string;
  /** Formatted amount with the token symbol, or null. */
  amount: string | null;
  /** Who acted (EIP-55), or null. */
  by: string | null;
  txHash: string;
  block: number;
  /** Block time, `YYYY-MM-DD HH:MM UTC`. */
  time: string;
}

/** Everything a rendered invoice shows. */
export interface InvoiceDocumentModel {
  /** The document's language and its words (core/labels). */
  lang: Locale;
  labels: DocumentLabels;
  /** "Invoice F-2026-0001" (its number), "Invoice #12" (on chain, no number here), or "Invoice draft". */
  title: string;
  /** The merchant's invoice number, once on chain. */
  number: string | null;
  onchainId: string | null;
  draftId: string | null;
  status: { code: string; label: string; tone: "neutral" | "good" | "warn" | "bad" };
  /** Dates as `D Mon YYYY` (UTC). */
  issued: string;
  due: string;
  /** Who issues it, for the letterhead: the merchant's company, else name, else address. */
  issuer: string;
  merchant: PartyModel;
  /** Null: anyone may pay (an open invoice not paid yet). */
  payer: PartyModel | null;
  /** Where the goods or services go, when the draft gave a place other than the billing address. */
  delivery: PartyModel | null;
  arbiter: string | null;
  token: TokenInfo & { native: boolean };
  /** Each line; `discount` and `tax` are null when the line has none (tax: "20%", or the mention's label). */
  lineItems: Array<{
    description: string;
    quantity: string;
    unitPrice: string;
    discount: string | null;
    tax: string | null;
    amount: string;
  }>;
  /** Which optional columns any line uses. */
  columns: { discount: boolean; tax: boolean };
  /** Label/value rows under the line items; the one with `emphasis` is the amount still due. */
  totals: Array<{ label: string; value: string; emphasis?: boolean }>;
  notes: string | null;
  /** The seller's payment terms and invoice footer, as they were when the draft was made. */
  terms: string | null;
  footer: string | null;
  /** The legal mentions of untaxed lines (exemption, reverse charge), once each. */
  taxMentions: string[];
  /** What the invoice covers, VAT on debits, the late-payment penalty and indemnity (core/invoice/mentions). */
  legalMentions: Mention[];
  activity: ActivityModel[];
  chain: { id: number; name: string };
  escrow: string;
  verification: VerificationModel;
  /** The closing label/value lines: escrow contract and chain, token, arbiter, document id, generation time. */
  facts: Array<{ label: string; value: string }>;
}

/** How core's status tones read on a document (one badge colour each). */
const DOCUMENT_TONE: Record<StatusTone, InvoiceDocumentModel["status"]["tone"]> = {
  neutral: "neutral",
  info: "neutral",
  success: "good",
  warning: "warn",
  danger: "bad",
};

/** The document's badge for status `code` (an on-chain status or "draft"). */
function statusBadge(code: string, locale: Locale): InvoiceDocumentModel["status"] {
  if (code !== "draft" && !(INVOICE_STATUSES as readonly string[]).includes(code)) return { code, label: code, tone: "neutral" };
  const status = code as InvoiceStatus | "draft";
  return { code, label: statusLabel(status, locale), tone: DOCUMENT_TONE[STATUS_TONE[status]] };
}

/** `D Mon YYYY` in UTC, with the month's abbreviation in `locale` (15 Jan 2026, 15 janv. 2026). */
export function formatDate(unixSeconds: number, locale: Locale = "en"): string {
  const d = new Date(unixSeconds * 1000);
  return `${d.getUTCDate()} ${CATALOGUES[locale].format.months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A tax rate as `locale` writes it ("5.5", "5,5"). */
function rate(value: string, locale: Locale): string {
  return value.replace(".", CATALOGUES[locale].format.decimalSeparator);
}

/** `YYYY-MM-DD HH:MM UTC`. */
export function formatTime(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * A base-unit amount in human units with grouped thousands, at least two decimals and every
 * significant one after that (nothing is rounded away), and the symbol: `3,250.00 SETL`,
 * `0.000000000000000001 ETH`; separators as `locale` writes them (`3 250,00 SETL` in French).
 */
export function formatAmount(value: bigint, token: Pick<TokenInfo, "symbol" | "decimals">, locale: Locale = "en"): string {
  const { groupSeparator, decimalSeparator } = CATALOGUES[locale].format;
  const negative = value < 0n;
  const [whole, fraction = ""] = formatUnits(negative ? -value : value, token.decimals).split(".");
  const trimmed = fraction.replace(/0+$/, "").padEnd(token.decimals === 0 ? 0 : 2, "0");
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, groupSeparator);
  return `${negative ? "-" : ""}${grouped}${trimmed ? `${decimalSeparator}${trimmed}` : ""} ${token.symbol}`;
}

/** The amount of an event line: a split names both shares; a cancellation has none. */
function activityAmount(e: InvoiceEventRow, fmt: (value: bigint) => string, l: DocumentLabels): string | null {
  if (e.toMerchant != null && e.toPayer != null) return fill(l.split, { merchant: fmt(e.toMerchant), payer: fmt(e.toPayer) });
  return e.amount === null || e.kind === "InvoiceCancelled" ? null : fmt(e.amount);
}

function party(address: string, profile: UsersTable | undefined, l: DocumentLabels): PartyModel {
  const heading = profile?.display_name ?? profile?.company ?? l.unnamed;
  const lines: Array<string | null | undefined> = [profile?.company && profile.company !== heading ? profile.company : null];
  if (profile?.billing_address) {
    const b = JSON.parse(profile.billing_address) as Partial<
      Record<"line1" | "line2" | "city" | "postalCode" | "region" | "country", string>
    >;
    lines.push(b.line1, b.line2, [b.postalCode, b.city].filter(Boolean).join(" "), b.region, b.country);
  }
  lines.push(profile?.email, profile?.tax_id ? `${l.taxId} ${profile.tax_id}` : null);
  return {
    address: getAddress(address),
    heading,
    lines: lines.filter((line): line is string => typeof line === "string" && line.length > 0),
  };
}

/** Legal details as a draft snapshots them (api/services/draft-builder SellerDetails, lib/legal-schemas CustomerDetails). */
interface LegalDetails {
  legalName?: string | null;
  name?: string;
  address?: Partial<Record<"line1" | "line2" | "city" | "postalCode" | "region" | "country", string>> | null;
  vatNumber?: string | null;
  taxId?: string | null;
  companyNumber?: string | null;
  email?: string | null;
  paymentTerms?: string | null;
  footer?: string | null;
}

/** A postal address as printed lines (postal code and city on one). */
function addressLines(
  a: Partial<Record<"line1" | "line2" | "city" | "postalCode" | "region" | "country", string | null>> | null | undefined,
): Array<string | null | undefined> {
  return [a?.line1, a?.line2, [a?.postalCode, a?.city].filter(Boolean).join(" "), a?.region, a?.country];
}

/** A party block from a draft's snapshot of legal details (the account, when known, under it). */
function legalParty(details: LegalDetails, address: string | null, l: DocumentLabels): PartyModel {
  const heading = details.name ?? details.legalName ?? l.unnamed;
  const siren = frenchSiren(details);
  const lines = [
    details.legalName && details.legalName !== heading ? details.legalName : null,
    ...addressLines(details.address),
    details.vatNumber ? `${l.vat} ${details.vatNumber}` : null,
    siren ? `${l.siren} ${siren}` : null,
    details.companyNumber && details.companyNumber.replace(/\s/g, "") !== siren ? `${l.companyNumber} ${details.companyNumber}` : null,
    details.email,
    details.taxId ? `${l.taxId} ${details.taxId}` : null,
  ];
  return {
    address: address === null ? null : getAddress(address),
    heading,
    lines: lines.filter((line): line is string => typeof line === "string" && line.length > 0),
  };
}

/**
 * Builds the model of one invoice. On-chain figures (amount, paid, released, refunded, status, due
 * date, parties) come from the index when the invoice exists there; the line items and notes from
 * the draft.
 */
export function buildInvoiceDocument(inputs: DocumentInputs): InvoiceDocumentModel {
  const { draft, row, token } = inputs;
  const d = draft?.draft;
  const statusCode = row?.status ?? "draft";
  const merchant = row?.merchant ?? d?.merchant;
  if (!merchant) throw new Error("an invoice document needs a draft or an on-chain invoice");
  const payer = orNull(row?.payer ?? null) ?? d?.payer ?? null;
  const arbiter = orNull(row?.arbiter ?? null) ?? d?.arbiter ?? null;
  const amount = row?.amount ?? BigInt(d!.total);
  const lang = documentLocale(d);
  const l = CATALOGUES[lang].document;
  const fmt = (value: bigint) => formatAmount(value, token, lang);
  // A draft priced in a currency holds its lines, taxes and total in hundredths of it.
  const draftFmt = d?.currency ? (value: bigint) => formatAmount(value, { symbol: d.currency!, decimals: PRICE_DECIMALS }, lang) : fmt;
  const chainName = chainNameOf(inputs.chainId);
  const seller = d?.seller ? (JSON.parse(d.seller) as LegalDetails) : null;
  const customer = d?.customer ? (JSON.parse(d.customer) as LegalDetails) : null;
  const delivery = deliveryOf(d);
  const merchantParty = seller ? legalParty(seller, merchant, l) : party(merchant, inputs.profiles.merchant, l);

  const totals: InvoiceDocumentModel["totals"] = [];
  const lineSum = (draft?.items ?? []).reduce((sum, i) => sum + BigInt(i.amount), 0n);
  const taxes = d ? storedTaxes(d) : [];
  if (taxes.length > 0) {
    totals.push({ label: l.subtotal, value: draftFmt(lineSum) });
    for (const t of taxes)
      totals.push({
        label: fill(l.taxOn, { rate: rate(t.rate, lang), base: draftFmt(BigInt(t.base)) }),
        value: draftFmt(BigInt(t.amount)),
      });
  } else if (draft && lineSum !== amount) totals.push({ label: l.sumOfLines, value: draftFmt(lineSum) });
  const pricing = row?.pricing ?? null;
  if (pricing) totals.push(...pricedTotals(pricing, row!.amount, token, fmt, l));
  // An unpaid invoice priced in a currency has no token amount yet: its price is what is due.
  const unconverted = pricing !== null && pricing.rate === null;
  if (!unconverted) totals.push({ label: taxes.length > 0 ? l.totalGross : l.total, value: fmt(amount) });
  if (row) {
    const held = row.paid - row.released - row.refunded;
    totals.push({ label: l.paid, value: fmt(row.paid) });
    if (row.released > 0n) totals.push({ label: l.releasedToMerchant, value: fmt(row.released) });
    if (row.refunded > 0n) totals.push({ label: l.returnedToPayer, value: fmt(row.refunded) });
    if (held > 0n) totals.push({ label: l.held, value: fmt(held) });
  }
  const closed = ["cancelled", "expired", "refunded", "resolved", "released"].includes(statusCode);
  const due = closed ? 0n : amount - (row?.paid ?? 0n);
  const dueText = unconverted && !closed ? priceText(pricing) : fmt(due < 0n ? 0n : due);
  totals.push({ label: l.balanceDue, value: dueText, emphasis: true });

  const mentions = { exempt: [l.exempt, l.exemptMention], reverse_charge: [l.reverseCharge, l.reverseChargeMention] } as const;
  return {
    lang,
    labels: l,
    title: d?.number
      ? fill(l.invoiceNumbered, { number: d.number })
      : row
        ? fill(l.invoiceOnChain, { id: row.id.toString() })
        : l.invoiceDraft,
    number: d?.number ?? null,
    onchainId: row ? row.id.toString() : null,
    draftId: d?.id ?? null,
    status: statusBadge(statusCode, lang),
    issued: formatDate(row ? Number(row.createdTimestamp) : Math.floor(d!.created_at / 1000), lang),
    due: formatDate(Number(row?.dueDate ?? d!.due_date), lang),
    issuer: seller?.legalName ?? inputs.profiles.merchant?.company ?? inputs.profiles.merchant?.display_name ?? getAddress(merchant),
    merchant: merchantParty,
    payer: customer ? legalParty(customer, payer, l) : payer === null ? null : party(payer, inputs.profiles.payer, l),
    delivery: delivery && {
      address: null,
      heading: delivery.name ?? customer?.name ?? l.unnamed,
      lines: addressLines(delivery.address).filter((line): line is string => typeof line === "string" && line.length > 0),
    },
    arbiter: arbiter === null ? null : getAddress(arbiter),
    token: { ...token, native: BigInt(token.address) === 0n },
    lineItems: (draft?.items ?? []).map((i) => ({
      description: i.description,
      quantity: BigInt(i.quantity).toLocaleString("en-US"),
      unitPrice: draftFmt(BigInt(i.unit_price)),
      discount: i.discount && i.discount !== "0" ? `−${draftFmt(BigInt(i.discount))}` : null,
      tax: i.tax_mention ? mentions[i.tax_mention as TaxMention][0] : i.tax_rate === null ? null : `${rate(i.tax_rate, lang)}%`,
      amount: draftFmt(BigInt(i.amount)),
    })),
    columns: {
      discount: (draft?.items ?? []).some((i) => i.discount && i.discount !== "0"),
      tax: d?.schema === "settle.invoice.v2",
    },
    totals,
    notes: d?.notes ?? null,
    terms: seller?.paymentTerms ?? null,
    footer: seller?.footer ?? null,
    legalMentions: draftMentions(d, lang),
    taxMentions: [...new Set((draft?.items ?? []).flatMap((i) => (i.tax_mention ? [mentions[i.tax_mention as TaxMention][1]] : [])))],
    activity: inputs.events.map((e) => ({
      label: eventLabel(e.kind, lang),
      amount: activityAmount(e, fmt, l),
      by: e.actor === null ? null : getAddress(e.actor),
      txHash: e.txHash,
      block: Number(e.blockNumber),
      time: formatTime(Number(e.timestamp)),
    })),
    chain: { id: inputs.chainId, name: chainName },
    escrow: getAddress(inputs.escrow),
    verification: verifyDocument(inputs, l.verification),
    facts: [
      { label: l.escrowContract, value: `${getAddress(inputs.escrow)} (chain ${inputs.chainId}, ${chainName})` },
      { label: l.token, value: BigInt(token.address) === 0n ? "ETH (native)" : `${token.symbol} ${getAddress(token.address)}` },
      ...(arbiter === null ? [] : [{ label: l.arbiter, value: getAddress(arbiter) }]),
      ...(d?.number && row ? [{ label: l.onchainInvoice, value: `#${row.id}` }] : []),
      ...(d ? [{ label: l.documentId, value: d.id }] : []),
      { label: l.generated, value: formatTime(Math.floor(inputs.generatedAt / 1000)) },
    ],
  };
}
