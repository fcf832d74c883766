/**
 * Invoice numbers: each merchant numbers its invoices with a prefix it chooses, followed by a sequence of at least
 * {@link NUMBER_DIGITS} digits (`F-2026-0001`). The prefix may hold `{YYYY}`, replaced by the UTC year in which the
 * invoice was created on chain, so that a yearly prefix starts a new sequence each year. One sequence per merchant
 * and expanded prefix: unique, without gaps, never reused (see api/services/numbering).
 */

/** The prefix of a merchant that chose none. */
export const DEFAULT_INVOICE_PREFIX = "INV-{YYYY}-";

/** What credit notes' numbers start with, before the merchant's expanded prefix (`CN-F-2026-0001`). */
export const CREDIT_NOTE_MARK = "CN-";

/** Digits of the sequence, zero-padded (more when a sequence passes 9999). */
export const NUMBER_DIGITS = 4;

/** Longest prefix template. */
export const MAX_PREFIX_LENGTH = 24;

/** A prefix template: letters, digits and `-./_ `, at most one `{YYYY}`, starting with a letter or digit. */
export const PREFIX_PATTERN = /^(?=.{1,24}$)[A-Za-z0-9{][A-Za-z0-9 ./_-]*(\{YYYY\}[A-Za-z0-9 ./_-]*)?$/;

/** The prefix `template` for an invoice created at `unixSeconds` (`{YYYY}` → its UTC year). */
export function expandPrefix(template: string, unixSeconds: number): string {
  return template.replace("{YYYY}", String(new Date(unixSeconds * 1000).getUTCFullYear()));
}

/** The number `seq` (1, 2, …) under `prefix`: `F-2026-` and 1 → `F-2026-0001`. */
export function formatNumber(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(NUMBER_DIGITS, "0")}`;
}
