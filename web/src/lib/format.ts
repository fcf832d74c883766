/** How the page writes amounts, addresses, hashes, dates and durations for people. */
import { PRICE_DECIMALS } from "../../../core/invoice/currency";
import { formatUnits, getAddress, parseUnits } from "ethers";
import { ZERO_ADDRESS } from "../../../core/address";
import type { TokenMetadata } from "../../../core/token";
import { fill, locale, t } from "../i18n";

/** A token as the page shows it. `address` is the zero address for native ETH. */
export type TokenInfo = TokenMetadata;

/** A currency's hundredths as a {@link TokenInfo}: the unit of an invoice priced in it (prices are typed and shown in it). */
export function currencyUnit(code: string): TokenInfo {
  return { address: ZERO_ADDRESS, symbol: code, decimals: PRICE_DECIMALS, name: code };
}

/** Native ETH as a {@link TokenInfo} (core/token's). */
export { ETH } from "../../../core/token";

/** The current language's digit-group and decimal separators, as Intl writes them ("," and "." in English). */
export function separators(): { group: string; decimal: string } {
  const parts = new Intl.NumberFormat(locale()).formatToParts(12345.6);
  return {
    group: parts.find((p) => p.type === "group")?.value ?? ",",
    decimal: parts.find((p) => p.type === "decimal")?.value ?? ".",
  };
}

/**
 * A token amount for people in the page's language: digit groups and at most `maxDecimals` decimals, without
 * trailing zeros ("1,234.5"; "1 234,5" in French). Amounts that would show as 0 but are not say "< 0.0001".
 * The digits come from the exact bigint; only the separators come from Intl (a float would lose precision).
 */
export function formatAmount(value: bigint, decimals: number, maxDecimals = 4): string {
  const { group, decimal } = separators();
  const negative = value < 0n;
  const text = formatUnits(negative ? -value : value, decimals);
  const [whole = "0", fraction = ""] = text.split(".");
  const trimmed = fraction.slice(0, maxDecimals).replace(/0+$/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  if (value !== 0n && grouped === "0" && trimmed === "")
    return `${negative ? "> -" : "< "}0${decimal}${"0".repeat(Math.max(0, maxDecimals - 1))}1`;
  return `${negative ? "-" : ""}${grouped}${trimmed ? `${decimal}${trimmed}` : ""}`;
}

/** `formatAmount` followed by the token's symbol ("12.5 SETL"; "12,5 SETL" in French). */
export function formatToken(value: bigint, token: Pick<TokenInfo, "decimals" | "symbol">, maxDecimals = 4): string {
  return `${formatAmount(value, token.decimals, maxDecimals)} ${token.symbol}`;
}

/** A number (a percentage, a count) as the page's language writes it ("5.5"; "5,5" in French). */
export function formatNumber(value: number | string): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 3 }).format(Number(value));
}

/**
 * Parses an amount typed by a person into base units, or returns an error sentence. Takes the page language's
 * decimal separator ("1,000.5" in English; "1 000,5" in French, where a point is read as a decimal point too);
 * digit-group separators and spaces are ignored; at most `decimals` fraction digits.
 */
export function parseAmount(text: string, decimals: number): { value: bigint } | { error: string } {
  const messages = t().validation;
  const cleaned = separators().decimal === "," ? text.replace(/[\s\u202f\u00a0_]/g, "").replace(/,/g, ".") : text.replace(/[\s,_]/g, "");
  if (cleaned === "") return { error: messages.enterAmount };
  if (!/^\d*\.?\d*$/.test(cleaned) || cleaned === ".") return { error: messages.amount };
  const fraction = cleaned.split(".")[1] ?? "";
  if (fraction.length > decimals) return { error: fill(messages.decimals, { decimals }) };
  try {
    return { value: parseUnits(cleaned.startsWith(".") ? `0${cleaned}` : cleaned, decimals) };
  } catch {
    return { error: messages.amount };
  }
}

/** An exact amount as the reader types it back into an input: no digit groups, the language's decimal separator ("2502.155"; "2502,155" in French). */
export function amountInput(value: bigint, decimals: number): string {
  const [whole = "0", fraction = ""] = formatUnits(value, decimals).split(".");
  const trimmed = fraction.replace(/0+$/, "");
  return trimmed ? `${whole}${separators().decimal}${trimmed}` : whole;
}

/** "0x1234…abcd". */
export function shortAddress(address: string): string {
  const shown = checksummed(address) ?? address;
  return shown.length > 12 ? `${shown.slice(0, 6)}…${shown.slice(-4)}` : shown;
}

/** "0x1234abcd…9f" for hashes. */
export function shortHash(hash: string): string {
  return hash.length > 18 ? `${hash.slice(0, 10)}…${hash.slice(-6)}` : hash;
}

/** The EIP-55 form of `address`, or undefined when it is not a valid address. */
export function checksummed(address: string): string | undefined {
  const trimmed = address.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(trimmed)) return undefined;
  try {
    return getAddress(trimmed);
  } catch {
    return undefined;
  }
}

/** "24 Nov 2026" ("24 nov. 2026" in French). Numbers are unix seconds. */
export function formatDate(date: Date | number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium" }).format(typeof date === "number" ? new Date(date * 1000) : date);
}

/** "24 Nov 2026, 18:30". Numbers are unix seconds. */
export function formatDateTime(date: Date | number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(
    typeof date === "number" ? new Date(date * 1000) : date,
  );
}

/** The largest whole unit of a duration in seconds: [count, unit] ("day", "hour", "minute" or "second"). */
function durationUnit(seconds: number): [number, "day" | "hour" | "minute" | "second"] {
  const units: [number, "day" | "hour" | "minute" | "second"][] = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of units) if (seconds >= size) return [Math.floor(seconds / size), unit];
  return [Math.max(0, Math.floor(seconds)), "second"];
}

/** "3 days", "5 hours", "12 minutes", "40 seconds" ("3 jours" in French) for a duration in seconds. */
export function formatDuration(seconds: number): string {
  const [count, unit] = durationUnit(seconds);
  return new Intl.NumberFormat(locale(), { style: "unit", unit, unitDisplay: "long" }).format(count);
}

/** "in 3 days" / "2 hours ago" ("dans 3 jours" / "il y a 2 heures") relative to `now` (both unix seconds). */
export function formatRelative(at: number, now: number): string {
  const delta = at - now;
  if (Math.abs(delta) < 60) return delta >= 0 ? t().common.inAMoment : t().common.justNow;
  const [count, unit] = durationUnit(Math.abs(delta));
  return new Intl.RelativeTimeFormat(locale(), { numeric: "always" }).format(delta > 0 ? count : -count, unit);
}
