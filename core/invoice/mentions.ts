/**
 * The legal mentions of a business invoice that the French e-invoicing reform and the EU late-payment directive
 * (2011/7/EU) add, decided once for every layer (the human document, the e-invoice, the page): what the invoice
 * covers (goods, services or both), the option for VAT on debits, the late-payment penalty rate and the fixed 40 euro
 * recovery indemnity owed by a business buyer who pays late. The words are in core/labels.
 */
import { EU_VAT_SHAPES, siretProblem } from "../legal";
import { CATALOGUES, type Locale, fill } from "../labels";

/** What an invoice covers: goods, services or both (the French "catégorie de l'opération"). */
export const SUPPLY_KINDS = ["goods", "services", "both"] as const;

/** One of {@link SUPPLY_KINDS}. */
export type SupplyKind = (typeof SUPPLY_KINDS)[number];

/** The fixed recovery indemnity a late business buyer owes in the EU (directive 2011/7/EU art. 6; French C. com. L441-10). */
export const RECOVERY_INDEMNITY_EUR = 40;

/** ISO 3166-1 codes of the EU member states (the VAT prefixes, with Greece as GR). */
export const EU_COUNTRIES: ReadonlySet<string> = new Set(Object.keys(EU_VAT_SHAPES).map((prefix) => (prefix === "EL" ? "GR" : prefix)));

/** A party's legal details as far as the mentions need them. */
export interface MentionParty {
  readonly address?: { readonly country?: string } | null;
  readonly vatNumber?: string | null;
  readonly companyNumber?: string | null;
}

/** True for a business (a VAT number or a company number), as opposed to a consumer. */
export function isBusiness(party: MentionParty | null | undefined): boolean {
  return Boolean(party?.vatNumber || party?.companyNumber);
}

/** The SIREN (9 digits) of a French business: its company number's first 9 digits when valid, else null. */
export function frenchSiren(party: MentionParty | null | undefined): string | null {
  const number = party?.companyNumber?.replace(/\s/g, "");
  if (party?.address?.country !== "FR" || !number || siretProblem(number) !== null) return null;
  return number.slice(0, 9);
}

/** The facts the mentions depend on, as an invoice's draft recorded them. */
export interface MentionFacts {
  /** What the invoice covers, or null when the merchant did not say. */
  readonly supply?: SupplyKind | null;
  /** The merchant opted to pay VAT on debits (on invoicing) rather than on receipts. */
  readonly vatOnDebits?: boolean | null;
  /** The merchant's late-payment penalty rate in words; null: the legal minimum. */
  readonly latePenalty?: string | null;
  readonly seller?: MentionParty | null;
  readonly buyer?: MentionParty | null;
}

/** A mention's kind: the e-invoice gives each its own note subject. */
export type MentionKind = "supply" | "vatOnDebits" | "latePenalty" | "recoveryIndemnity";

/** The mentions a credit note keeps from its invoice: what it covered and VAT on debits (late payment does not apply). */
export const CREDIT_NOTE_MENTIONS: ReadonlySet<MentionKind> = new Set<MentionKind>(["supply", "vatOnDebits"]);

/** One printed mention. */
export interface Mention {
  readonly kind: MentionKind;
  readonly text: string;
}

/**
 * The mentions an invoice carries, in `locale`, in print order: what it covers (when given), VAT on debits (when the
 * merchant opted for it), and for a business buyer of a seller in the EU the late-payment penalty rate (the merchant's,
 * else the legal minimum) and the 40 euro recovery indemnity.
 */
export function legalMentions(facts: MentionFacts, locale: Locale): Mention[] {
  const l = CATALOGUES[locale].document.mentions;
  const mentions: Mention[] = [];
  if (facts.supply) mentions.push({ kind: "supply", text: fill(l.supply, { kind: l.supplyKinds[facts.supply] }) });
  if (facts.vatOnDebits) mentions.push({ kind: "vatOnDebits", text: l.vatOnDebits });
  const country = facts.seller?.address?.country;
  if (isBusiness(facts.buyer) && country !== undefined && EU_COUNTRIES.has(country)) {
    mentions.push({ kind: "latePenalty", text: fill(l.latePenalty, { rate: facts.latePenalty ?? l.latePenaltyDefault }) });
    mentions.push({ kind: "recoveryIndemnity", text: fill(l.recoveryIndemnity, { amount: RECOVERY_INDEMNITY_EUR }) });
  }
  return mentions;
}
