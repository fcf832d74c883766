import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { AppDb } from "../db";
import type { ShareLinksTable } from "../db/types";
import { type InvoiceRecord, recordChainId } from "./drafts";

/** Bytes of randomness in a share token (256 bits), sent as 43 base64url characters. */
const SHARE_TOKEN_BYTES = 32;

/** SHA-256 (hex) of a share token: what share_links stores. */
export function hashShareToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * What share links of an invoice are filed under: its draft id when the API holds its details, else its on-chain id
 * (with the link's chain_id: an on-chain id alone may be on several chains).
 */
export function invoiceKey(record: InvoiceRecord): string {
  return record.loaded ? record.loaded.draft.id : `onchain:${record.row!.id}`;
}

/** The chain of `link`'s invoice: its chain_id, or `firstChainId` for a link made before several chains (migration 0013). */
export function linkChainId(link: Pick<ShareLinksTable, "chain_id">, firstChainId: number): number {
  return link.chain_id ?? firstChainId;
}

/** Whether `link` is one of `record`'s: same invoice key, same chain. */
export function linkOpens(link: ShareLinksTable, record: InvoiceRecord, firstChainId: number): boolean {
  return link.invoice_key === invoiceKey(record) && linkChainId(link, firstChainId) === recordChainId(record);
}

/** Whether a share link still opens its invoice's documents: not revoked and not expired at `now`. */
export function linkActive(link: ShareLinksTable, now: number): boolean {
  return link.revoked_at === null && (link.expires_at === null || link.expires_at > now);
}

/** The invoice's HTML document (`suffix` ""), or its PDF (".pdf"), opened with share token `token` (which names the chain). */
export function shareLinkUrl(publicOrigin: string, record: InvoiceRecord, token: string, suffix: "" | ".pdf"): string {
  return `${publicOrigin}/invoices/${record.loaded?.draft.id ?? record.row!.id}/document${suffix}?share=${token}`;
}

/**
 * Records a new share link to `record`'s documents made by `createdBy` and returns it with its token (only the
 * token's hash is stored: the caller shows or sends the token once). `db` may be a transaction.
 */
export async function createShareLink(
  db: AppDb,
  record: InvoiceRecord,
  createdBy: string,
  options: { label: string | null; expiresAt: number | null },
  now: number,
): Promise<{ link: ShareLinksTable; token: string }> {
  const token = randomBytes(SHARE_TOKEN_BYTES).toString("base64url");
  const link: ShareLinksTable = {
    id: randomUUID(),
    invoice_key: invoiceKey(record),
    token_hash: hashShareToken(token),
    created_by: createdBy,
    label: options.label,
    created_at: now,
    expires_at: options.expiresAt,
    revoked_at: null,
    last_used_at: null,
    chain_id: recordChainId(record),
  };
  await db.insertInto("share_links").values(link).execute();
  return { link, token };
}
