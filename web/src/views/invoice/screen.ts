/** What every part of the invoice screen shares: the screen's context, and the invoice read with all around it. */
import type { BrowserProvider } from "ethers";
import { api, ApiError, type CreditNote, type Invoice, type InvoiceEvent } from "../../lib/api";
import { tokenInfo, type Deployment } from "../../lib/contracts";
import type { TokenInfo } from "../../lib/format";
import { readInvoice, type ChainInvoice } from "../../lib/invoice";
import { app } from "../../lib/state";
import { replace } from "../../ui/dom";
import { notice } from "../../ui/feedback";
import { errorCard } from "../../ui/page";
import { chainQuery, invoiceChainId, invoiceHash } from "../../ui/chains";
import { fill, t } from "../../i18n";
import { h } from "../../ui/dom";
import { chainName } from "../../../../core/chains";

/** The invoice screen's context: which invoice, for which account, and how to read it again. */
export interface InvoiceScreen {
  /** The on-chain invoice id, as in the URL. */
  id: string;
  /** The connected account. */
  account: string;
  deployment: Deployment;
  provider: BrowserProvider;
  /** Reads the invoice again and re-renders the screen. */
  refresh(): Promise<void>;
}

/** Everything the invoice page shows, read together. */
export interface Loaded {
  chain: ChainInvoice;
  token: TokenInfo;
  /** GET /invoices/:id (details and their verification), when signed in and the API has it. */
  record?: Invoice;
  recordError?: unknown;
  events: InvoiceEvent[];
  /** The invoice's credit notes (GET /invoices/:id/credit-notes), oldest first. */
  creditNotes: CreditNote[];
  /** Chain time now (latest block time plus the time since it was read). */
  now: number;
  /** Credit of the connected account in the invoice's token (payouts that could not be pushed). */
  credit: bigint;
}

/** Reads the invoice from the chain, its token and the account's credit, and its details and events from the API. */
export async function loadInvoice({ id, account, deployment, provider }: InvoiceScreen): Promise<Loaded> {
  const escrow = deployment.contract("PaymentEscrow", provider);
  const [chain, block] = await Promise.all([readInvoice(escrow, BigInt(id)), provider.getBlock("latest")]);
  const [token, credit] = await Promise.all([
    tokenInfo(chain.token, deployment.chainId, app.connection),
    escrow.credits(account, chain.token).catch(() => 0n),
  ]);
  let record: Invoice | undefined;
  let recordError: unknown;
  let events: InvoiceEvent[] = [];
  let creditNotes: CreditNote[] = [];
  if (app.signedIn) {
    try {
      [record, events, creditNotes] = await Promise.all([
        api.invoice(id, chainQuery(deployment.chainId)),
        api.invoiceEvents(id, chainQuery(deployment.chainId)).then((e) => e.items),
        api.creditNotes(id, chainQuery(deployment.chainId)).then((c) => c.items),
      ]);
    } catch (error) {
      recordError = error;
      if (error instanceof ApiError && error.status === 401) app.sessionExpired();
    }
  }
  const blockTime = block?.timestamp ?? Math.floor(Date.now() / 1000);
  return { chain, token, record, recordError, events, creditNotes, now: Math.max(blockTime, Math.floor(Date.now() / 1000)), credit };
}

/** While a draft is not on chain yet: poll the API until it is, then open the on-chain invoice. */
export async function waitForDraft(draftId: string, body: HTMLElement, stopped: () => boolean): Promise<void> {
  if (!app.signedIn) {
    replace(body, notice("info", t().invoice.draftSignIn, t().invoice.draftSignInText));
    return;
  }
  for (let attempt = 0; !stopped(); attempt++) {
    try {
      const invoice = await api.invoice(draftId);
      if (invoice.onchain) {
        location.replace(invoiceHash(invoiceChainId(invoice), invoice.onchain.id));
        return;
      }
      replace(body, notice("info", t().invoice.waiting, t().invoice.waitingText));
    } catch (error) {
      replace(body, errorCard(error));
      return;
    }
    await new Promise((r) => setTimeout(r, Math.min(1000 + attempt * 500, 5000)));
  }
}

/**
 * An invoice link without its chain on a server of several networks: follows the API's answer to the invoice's chain
 * (`#/invoice/<chainId>/<id>`), or shows the candidates of a 409 `ambiguous_id` to choose from. Resolves false when it
 * could not tell (not signed in, or the API does not know the id): the screen then reads the current network.
 */
export async function resolveChain(id: string, body: HTMLElement): Promise<boolean> {
  try {
    const invoice = await api.invoice(id);
    const chainId = invoiceChainId(invoice);
    if (chainId === undefined) return false;
    location.replace(invoiceHash(chainId, id));
    return true;
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "ambiguous_id") return false;
    const candidates = ((error.details as { candidates?: { chainId: number }[] } | undefined)?.candidates ?? []).map((c) => c.chainId);
    const text = t().chains;
    replace(
      body,
      notice(
        "warning",
        fill(text.ambiguousTitle, { id }),
        text.ambiguousText,
        h(
          "ul",
          { class: "chain-candidates", id: "chain-candidates" },
          candidates.map((chainId) =>
            h("li", null, h("a", { href: invoiceHash(chainId, id) }, fill(text.openOn, { id, name: chainName(chainId) }))),
          ),
        ),
      ),
    );
    return true;
  }
}
