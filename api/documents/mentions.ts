/**
 * The French reform's and the late-payment mentions of a document (core/invoice/mentions) from a draft: the delivery
 * place, what the invoice covers, VAT on debits, the penalty rate and the recovery indemnity. Shared by the human
 * document (model.ts) and the e-invoice (einvoice.ts), so both print the same sentences.
 */
import type { InvoiceDraftsTable } from "../db/types";
import type { PostalAddress } from "../../einvoice/input";
import { type Mention, type MentionParty, type SupplyKind, legalMentions } from "../../core/invoice/mentions";
import type { Locale } from "../../core/labels";

/** The delivery place a draft recorded (it differs from the customer's billing address). */
export interface DeliveryPlace {
  name?: string;
  address: PostalAddress;
}

/** The seller's mention settings as a draft snapshots them (api/services/draft-builder SellerDetails). */
interface SellerMentionSettings extends MentionParty {
  latePenalty?: string | null;
  vatOnDebits?: boolean | null;
}

/** The delivery place of `draft`, or null. */
export function deliveryOf(draft: InvoiceDraftsTable | undefined): DeliveryPlace | null {
  return draft?.delivery ? (JSON.parse(draft.delivery) as DeliveryPlace) : null;
}

/** The mentions `draft` carries, in `locale` (none for a draft without legal details). */
export function draftMentions(draft: InvoiceDraftsTable | undefined, locale: Locale): Mention[] {
  if (!draft) return [];
  const seller = draft.seller ? (JSON.parse(draft.seller) as SellerMentionSettings) : null;
  return legalMentions(
    {
      supply: (draft.supply as SupplyKind | null) ?? null,
      vatOnDebits: seller?.vatOnDebits ?? false,
      latePenalty: seller?.latePenalty ?? null,
      seller,
      buyer: draft.customer ? (JSON.parse(draft.customer) as MentionParty) : null,
    },
    locale,
  );
}
