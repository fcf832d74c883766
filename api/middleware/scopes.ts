/** What an OAuth2 client's access token may do, one scope per family of routes. */
export const SCOPES = ["invoices:read", "invoices:write", "transactions:read", "webhooks:manage"] as const;

/** One scope of {@link SCOPES}. */
export type Scope = (typeof SCOPES)[number];

/** True when `value` is a known scope. */
export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * Splits an RFC 6749 §3.3 scope string (space-separated, case-sensitive) into distinct scopes in
 * {@link SCOPES} order. Returns the unknown entries instead when there are any.
 */
export function parseScopeString(text: string): { scopes: Scope[] } | { unknown: string[] } {
  const parts = text.split(" ").filter((p) => p !== "");
  const unknown = parts.filter((p) => !isScope(p));
  if (unknown.length > 0) return { unknown };
  return { scopes: SCOPES.filter((s) => parts.includes(s)) };
}
