import type { DeployedTokens } from "../core/invoice/stablecoins";
import type { Mention } from "../core/invoice/mentions";
import type { TaxMention } from "../core/invoice/totals";

/** A postal address as Settle stores it (api/lib/legal-schemas PostalAddressSchema): the country as ISO 3166-1 alpha-2. */
export interface PostalAddress {
  readonly line1: string;
  readonly line2?: string | null;
  readonly city: string;
  readonly postalCode?: string | null;
  readonly region?: string | null;
  readonly country: string;
}

/** A party's legal details as the draft copied them (the seller's profile, the customer's details). */
export interface Party {
  /** Legal name (company, else the person's name). */
  readonly name: string;
  readonly address?: PostalAddress | null;
  /** EU VAT number, normalized (FR40303265045). */
  readonly vatNumber?: string | null;
  /** Company registration number; in France a SIRET (14 digits) or SIREN (9). */
  readonly companyNumber?: string | null;
  readonly email?: string | null;
}

/**
 * A line of the invoice, amounts in the token's base units (as core/invoice/totals computes them), or in hundredths of
 * the currency of an invoice priced in one.
 */
export interface InvoiceLine {
  readonly description: string;
  readonly quantity: bigint;
  readonly unitPrice: bigint;
  readonly discount: bigint;
  /** Percent as text ("20", "5.5"); "0" with a mention for exempt and reverse-charge lines. */
  readonly taxRate: string;
  readonly taxMention?: TaxMention | null;
}

/** An issued Settle invoice or credit note, as the e-invoice mapping reads it (gathered by the caller, never fetched here). */
export interface SettleInvoice {
  /** 380 for an invoice, 381 for a credit note. */
  readonly kind: "invoice" | "credit_note";
  /** The merchant's number (F-2026-0001, CN-F-2026-0001). */
  readonly number: string;
  /** For a credit note: the number of the invoice it credits. */
  readonly creditedInvoice?: string | null;
  /** Issue and due dates, unix milliseconds (UTC days are written). */
  readonly issuedAt: number;
  readonly dueAt: number;
  readonly seller: Party;
  readonly buyer: Party;
  readonly lines: readonly InvoiceLine[];
  /** The ISO 4217 code of an invoice priced in a currency (PaymentEscrow.payPriced): its amounts are hundredths of it. */
  readonly pricedIn?: string | null;
  /** The seller's payment terms, printed as the terms' note. */
  readonly paymentTerms?: string | null;
  /** Where the goods or services go, when it is not the buyer's billing address (BG-13, BG-15). */
  readonly delivery?: { readonly name?: string | null; readonly address: PostalAddress } | null;
  /**
   * The reform's and late-payment mentions in the document's language (core/invoice/mentions legalMentions): each is
   * an invoice note with its subject code; the penalty and indemnity join the payment terms; VAT on debits sets BT-8.
   */
  readonly mentions?: readonly Mention[];
  readonly notes?: string | null;
  /**
   * Where it is paid: the chain, the escrow, the on-chain invoice id (the remittance reference) and the token (for an
   * invoice priced in a currency, the one it accepts, or the zero address for any token with a price feed).
   */
  readonly payment: {
    readonly chainId: number;
    readonly escrow: string;
    readonly onchainId: string;
    readonly token: { readonly address: string; readonly symbol: string; readonly decimals: number };
    /** Tokens the deploy created (deployments/<network>.json `tokens`), to resolve names in config/stablecoins.json. */
    readonly deployedTokens?: DeployedTokens;
  };
}
