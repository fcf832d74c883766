/**
 * What every route serving an invoice's documents (HTML, PDF, e-invoices) shares: finding the invoice once the index
 * can answer, letting in its merchant, its payer or a share link, and gathering the document's inputs (the draft, the
 * index row and events, profiles, the token's metadata) for the invoice or one of its credit notes.
 */
import { createHash } from "node:crypto";
import type { Context } from "hono";
import { Interface, getAddress, isError } from "ethers";
import type { CreditNotesTable, ShareLinksTable, UsersTable } from "../db/types";
import type { AppDeps, AppEnv } from "../middleware/context";
import { ApiError } from "../lib/errors";
import { IndexNotReadyError } from "../index/errors";
import { safeStatus } from "../index/status";
import type { DocumentInputs, TokenInfo } from "../documents/model";
import { issueCreditNotes } from "./credit-notes";
import { type AuthInfo, assertScope, authenticate, tokenOf } from "../middleware/session";
import { TtlCache } from "../lib/ttl-cache";
import { sessionSettings } from "../middleware/auth";
import { requireDeployment } from "./node";
import { type InvoiceRecord, locateInvoice } from "./drafts";

const ERC20_METADATA = new Interface(["function symbol() view returns (string)", "function decimals() view returns (uint8)"]);
const ETH: Omit<TokenInfo, "address"> = { symbol: "ETH", decimals: 18 };

/** SHA-256 (hex) of a share token: what share_links stores. */
export function hashShareToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** What share links of an invoice are filed under: its draft id when the API holds its details, else its on-chain id. */
export function invoiceKey(record: InvoiceRecord): string {
  return record.loaded ? record.loaded.draft.id : `onchain:${record.row!.id}`;
}

/** Whether a share link still opens its invoice's documents: not revoked and not expired at `now`. */
export function linkActive(link: ShareLinksTable, now: number): boolean {
  return link.revoked_at === null && (link.expires_at === null || link.expires_at > now);
}

/** The documents' inputs of an invoice, and the credit note they are for (undefined: the invoice itself). */
export interface DocumentSource {
  readonly inputs: DocumentInputs;
  readonly note?: CreditNotesTable;
}

/** The shared steps of the document routes, bound to the app's dependencies. */
export function documentSources(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const settings = sessionSettings(deps);
  const tokens = new TtlCache<TokenInfo>(3600_000, 1000);

  /** The invoice, once the index can answer (a draft is never called "not on chain" while it is still building). */
  async function locate(id: string): Promise<InvoiceRecord> {
    if (!safeStatus(deps.index).ready) throw new IndexNotReadyError("building", "the index is being built");
    return locateInvoice(deps, id, now());
  }

  const isParty = (record: InvoiceRecord, address: string, roles: Array<"merchant" | "payer">) => {
    const a = address.toLowerCase();
    const candidates = roles.flatMap((role) => [record.row?.[role], record.loaded?.draft[role]]);
    return candidates.some((p) => typeof p === "string" && p.toLowerCase() === a);
  };

  /** Lets the merchant or payer (signed in) or a valid share link through; 401/403 otherwise. */
  async function authorizeDocument(c: Context<AppEnv>, record: InvoiceRecord, share: string | undefined): Promise<void> {
    let caller: AuthInfo | undefined;
    try {
      const token = tokenOf(c);
      caller = token ? await authenticate(settings, token, now()) : undefined;
    } catch (err) {
      // A stale cookie must not get in the way of a share link; without one, the 401 stands.
      if (share === undefined) throw err;
    }
    if (caller && isParty(record, caller.address, ["merchant", "payer"])) {
      assertScope(c, caller, "invoices:read");
      return;
    }
    if (share !== undefined) {
      const time = now();
      const link = await deps.db.selectFrom("share_links").selectAll().where("token_hash", "=", hashShareToken(share)).executeTakeFirst();
      if (link && link.invoice_key === invoiceKey(record) && linkActive(link, time)) {
        await deps.db.updateTable("share_links").set({ last_used_at: time }).where("id", "=", link.id).execute();
        return;
      }
      throw new ApiError(
        403,
        "share_link_invalid",
        "This share link is not valid for this invoice: it was revoked, has expired or never existed",
      );
    }
    if (!caller)
      throw new ApiError(401, "unauthenticated", "Sign in as the invoice's merchant or payer, or open it with a share link (?share=…)");
    throw new ApiError(403, "not_invoice_party", "Only the invoice's merchant or payer, or a share link, can open this document");
  }

  /** 403 unless the signed-in caller is the invoice's merchant. */
  function assertMerchant(record: InvoiceRecord, address: string): void {
    if (!isParty(record, address, ["merchant"]))
      throw new ApiError(403, "not_invoice_merchant", "Only the invoice's merchant can manage its share links");
  }

  /** Symbol and decimals of the invoice's token (ETH for the zero address), from the token contract. */
  async function tokenInfo(address: string, chainId: number): Promise<TokenInfo> {
    const checksummed = getAddress(address);
    if (BigInt(address) === 0n) return { address: checksummed, ...ETH };
    const key = `${chainId}:${checksummed}`;
    const cached = tokens.get(key, now());
    if (cached) return cached;
    // A revert or an empty answer means "no such function"; anything else means the node is not answering.
    const read = async (fn: "symbol" | "decimals"): Promise<unknown> => {
      try {
        return ERC20_METADATA.decodeFunctionResult(fn, await deps.chain.call(checksummed, ERC20_METADATA.encodeFunctionData(fn)))[0];
      } catch (err) {
        if (isError(err, "CALL_EXCEPTION") || isError(err, "BAD_DATA")) return undefined;
        throw new ApiError(503, "node_unreachable", "The node did not answer");
      }
    };
    const [symbolValue, decimalsValue] = await Promise.all([read("symbol"), read("decimals")]);
    const symbol = typeof symbolValue === "string" ? symbolValue.replace(/[^\p{L}\p{N}._-]/gu, "").slice(0, 16) : "";
    const decimals = typeof decimalsValue === "bigint" ? Number(decimalsValue) : undefined;
    // Without usable metadata, amounts stay in base units, named by the address.
    const info: TokenInfo =
      decimals === undefined || decimals > 36
        ? { address: checksummed, symbol: `units of ${checksummed.slice(0, 8)}…`, decimals: 0 }
        : { address: checksummed, symbol: symbol || `${checksummed.slice(0, 8)}…`, decimals };
    tokens.set(key, info, now());
    return info;
  }

  /** Gathers everything a document needs: the invoice's, or that of its credit note `creditNote` (404 when it has none). */
  async function documentSource(record: InvoiceRecord, creditNote?: string): Promise<DocumentSource> {
    const deployment = requireDeployment(deps);
    const { row, loaded } = record;
    const merchant = row?.merchant ?? loaded!.draft.merchant;
    const payer = row?.payer ?? loaded?.draft.payer ?? null;
    const profile = async (address: string | null): Promise<UsersTable | undefined> =>
      address === null ? undefined : deps.db.selectFrom("users").selectAll().where("address", "=", getAddress(address)).executeTakeFirst();
    const events = row ? deps.index.invoiceEvents(row.id) : [];
    const inputs: DocumentInputs = {
      draft: loaded,
      row,
      events,
      profiles: { merchant: await profile(merchant), payer: await profile(payer) },
      token: await tokenInfo(row?.token ?? loaded!.draft.token, deployment.chainId),
      chainId: deployment.chainId,
      escrow: deployment.contracts.PaymentEscrow.address,
      generatedAt: now(),
    };
    if (creditNote === undefined) return { inputs };
    const notes = row && loaded ? await issueCreditNotes(deps.db, row, loaded, events, now()) : [];
    const note = notes.find((n) => n.number === creditNote);
    if (!note) throw new ApiError(404, "credit_note_not_found", `This invoice has no credit note ${creditNote}`);
    return { inputs, note };
  }

  return { now, locate, authorizeDocument, assertMerchant, documentSource };
}
