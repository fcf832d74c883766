/**
 * The rules of the API's configuration values (api/env.ts reads the environment with them): zod builders for text,
 * integers, booleans and decimals that report one line per bad variable, and the checks of origins, SMTP URLs,
 * senders and duration lists.
 */
import { z } from "zod";
import { EMAIL_PATTERN } from "../core/legal";

/** The pino levels LOG_LEVEL accepts. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Default WEBHOOK_RETRY_SCHEDULE: nine attempts over about 15 hours. */
export const DEFAULT_RETRY_SCHEDULE = "30s,2m,10m,30m,1h,2h,4h,8h";
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a comma-separated list of durations such as "30s,2m,1h" (units ms, s, m, h) into milliseconds; null when malformed. */
export function parseDurations(text: string): number[] | null {
  const parts = text.split(",").map((p) => p.trim());
  const out: number[] = [];
  for (const part of parts) {
    const match = /^(\d{1,9})(ms|s|m|h)$/.exec(part);
    if (!match) return null;
    out.push(Number(match[1]) * DURATION_UNITS_MS[match[2]!]!);
  }
  return out.length > 0 && out.length <= 30 ? out : null;
}

/** A variable as text: trimmed, with `fallback` when unset or blank. */
export const text = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === "" ? fallback : value.trim()));

/** Adds one problem line for `name` unless `ok(raw)`. */
export const checked = (name: string, fallback: string, ok: (raw: string) => boolean, problem: string) =>
  text(fallback).superRefine((raw, ctx) => {
    if (!ok(raw)) ctx.addIssue({ code: "custom", message: `${name} ${problem} (got "${raw}")` });
  });

/** An integer between `min` and `max`, `fallback` when unset. */
export const int = (name: string, fallback: number, min: number, max: number) =>
  checked(
    name,
    String(fallback),
    (raw) => /^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max,
    `must be an integer between ${min} and ${max}`,
  ).transform(Number);

/** true/false/1/0, `fallback` when unset. */
export const bool = (name: string, fallback: boolean) =>
  checked(name, String(fallback), (raw) => ["true", "false", "1", "0"].includes(raw.toLowerCase()), "must be true or false").transform(
    (raw) => raw.toLowerCase() === "true" || raw === "1",
  );

/** A non-negative decimal such as "0.05" with at most `decimals` fraction digits, as an integer of 10^-decimals units. */
export const decimal = (name: string, fallback: string, decimals: number) =>
  checked(
    name,
    fallback,
    (raw) => new RegExp(`^\\d{1,12}(\\.\\d{1,${decimals}})?$`).test(raw),
    `must be a non-negative number with at most ${decimals} decimals`,
  ).transform((raw) => {
    const [whole, fraction = ""] = raw.split(".");
    return BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0"));
  });

/** The origin of `raw` ("http://localhost:8000"), or undefined when `raw` is not just an origin. */
export function originOf(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    const ok = (url.protocol === "http:" || url.protocol === "https:") && url.origin === raw.replace(/\/$/, "");
    return ok ? url.origin : undefined;
  } catch {
    return undefined;
  }
}
/** True for an smtp:// or smtps:// URL with a host. */
export function isSmtpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** True for "name@example.com" or "Display Name <name@example.com>". */
export function isSender(raw: string): boolean {
  const match = /^(?:[^<>"\r\n]{1,100} )?<([^<>\s]+)>$/.exec(raw);
  return EMAIL_PATTERN.test(match ? match[1]! : raw);
}

/** The problem line of a variable that is not an origin. */
export const ORIGIN_PROBLEM = "must be an origin like http://localhost:8000 (scheme, host, optional port; no path)";
