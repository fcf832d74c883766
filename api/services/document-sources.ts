/**
 * What every route serving an invoice's documents (HTML, PDF, e-invoices) shares: finding the invoice once the index
 * can answer, letting in its merchant, its payer or a share link, the document builder (services/invoice-document) and
 * the e-invoice the einvoice route and the accountant's export both serve.
 */
import type { Context } from "hono";
import type { AppDeps, AppEnv } from "../middleware/context";
import { ApiError } from "../lib/errors";
import { IndexNotReadyError } from "../index/errors";
import { safeStatus } from "../index/status";
import { type AuthInfo, assertScope, authenticate, tokenOf } from "../middleware/session";
import { sessionSettings } from "../middleware/auth";
import { type InvoiceRecord, locateInvoice } from "./drafts";
import { invoiceDocuments } from "./invoice-document";
import type { EinvoiceFile } from "../documents/einvoice";
import type { EinvoiceDownload } from "../../core/einvoice";
import { hashShareToken, linkActive, linkChainId, linkOpens } from "./share-links";
import { chainsOf } from "./networks";

/** The shared steps of the document routes, bound to the app's dependencies. */
export function documentSources(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const settings = sessionSettings(deps);
  const documents = invoiceDocuments(deps, now);

  /** The first network's chain id: that of share links made before several chains. */
  const firstChainId = () => chainsOf(deps).require(undefined).current.chainId;

  /**
   * The invoice on chain `chainId` (`?chainId=`; without one, the chain of share link `share` when it is one, else the
   * one chain with that id), once the index can answer (a draft is never called "not on chain" while it is still
   * building). Throws locateInvoice's 400, 404 and 409.
   */
  async function locate(id: string, chainId?: number, share?: string): Promise<InvoiceRecord> {
    if (!(await safeStatus(deps.index)).ready) throw new IndexNotReadyError("building", "the index is being built");
    const link =
      chainId === undefined && share !== undefined
        ? await deps.db.selectFrom("share_links").select("chain_id").where("token_hash", "=", hashShareToken(share)).executeTakeFirst()
        : undefined;
    return locateInvoice(deps, id, now(), link ? linkChainId(link, firstChainId()) : chainId);
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
      if (link && linkOpens(link, record, firstChainId()) && linkActive(link, time)) {
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

  /**
   * The e-invoice of `record`'s invoice, or of its credit note numbered `creditNote`, in `format`, with the
   * deployment's declared stablecoins; throws EinvoiceRefusal when the document cannot be an e-invoice.
   */
  async function einvoice(record: InvoiceRecord, format: EinvoiceDownload, creditNote?: string): Promise<EinvoiceFile> {
    return documents.einvoice(await documents.source(record, creditNote), format);
  }

  return { now, locate, authorizeDocument, assertMerchant, documents, einvoice, firstChainId };
}
