/**
 * One label table per language for what every layer shows people: invoice statuses, History kinds and invoice
 * events. A language is one file beside this one (en.ts); add it to {@link CATALOGUES} and type-checking makes sure
 * it has every key.
 */
import type { HistoryKind, InvoiceEventKind } from "../history";
import type { InvoiceStatus } from "../invoice/status";
import { en } from "./en";

/** Every label of one language. */
export interface Catalogue {
  status: Record<InvoiceStatus | "draft", string>;
  history: Record<HistoryKind, string>;
  event: Record<InvoiceEventKind, string>;
}

/** The languages Settle speaks, by BCP 47 tag. */
export const CATALOGUES = { en } as const satisfies Record<string, Catalogue>;

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
