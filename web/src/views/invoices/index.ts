import { api, ApiError, invoiceExportUrl, type Invoice } from "../../lib/api";
import { tokenInfo } from "../../lib/contracts";
import { ETH, formatDate, formatToken, shortAddress, type TokenInfo } from "../../lib/format";
import { isZeroAddress } from "../../../../core/address";
import { app } from "../../lib/state";
import { statusBadge } from "../../ui/feedback";
import { h, replace } from "../../ui/dom";
import { icon } from "../../ui/icons";
import { identicon } from "../../ui/controls";
import { errorCard, gate, loadingCard, pageHeader, type View } from "../../ui/page";
import { payManySelection, type PayManySelection } from "./pay-many";
import { fill, t, type Messages } from "../../i18n";
import { chainBadge, chainIdOf, invoiceChainId, invoiceHash, networkSelect } from "../../ui/chains";

/** The tabs of the list: the statuses (GET /invoices?status=) each shows; the labels are in the catalogues. */
export const INVOICE_TABS: { key: keyof Messages["list"]["tabs"]; status?: string }[] = [
  { key: "all" },
  { key: "awaiting", status: "open,partially_paid" },
  { key: "paid", status: "paid" },
  { key: "disputed", status: "disputed" },
  { key: "closed", status: "released,refunded,resolved" },
  { key: "inactive", status: "cancelled,expired" },
  { key: "drafts", status: "draft" },
];

const PAGE_SIZE = 20;

/** The merchant's invoices (or the ones to pay), by status, newest first, with "load more". */
export const invoicesView: View = (root, _params, query) => {
  const role = query.get("role") === "payer" ? "payer" : "merchant";
  const tabKey = INVOICE_TABS.find((entry) => entry.key === query.get("tab"))?.key ?? "all";
  const chainFilter = app.multichain ? chainIdOf(query.get("chainId")) : undefined;
  const chainPart = chainFilter === undefined ? "" : `&chainId=${chainFilter}`;
  const text = t().list;
  root.append(
    pageHeader(
      role === "merchant" ? text.title : text.titlePayer,
      role === "merchant" ? text.lead : text.leadPayer,
      h(
        "div",
        { class: "page-actions" },
        role === "merchant"
          ? h(
              "a",
              { class: "btn btn-secondary", href: invoiceExportUrl(new Date().getUTCFullYear()), id: "export-csv", download: "" },
              icon("download", 18),
              ` ${text.export}`,
            )
          : null,
        h("a", { class: "btn btn-primary", href: "#/invoices/new", id: "new-invoice" }, icon("plus", 18), ` ${text.create}`),
      ),
    ),
  );
  if (!gate(root, { wallet: true, chain: true, session: true, reason: text.gate })) return;
  const chainId = app.deployment!.chainId;

  const roleSwitch = h(
    "div",
    { class: "segmented", role: "group", "aria-label": text.whose },
    h("a", { href: `#/invoices?role=merchant&tab=${tabKey}`, "aria-current": role === "merchant" ? "true" : null }, text.issued),
    h(
      "a",
      { href: `#/invoices?role=payer&tab=${tabKey === "drafts" ? "all" : tabKey}`, "aria-current": role === "payer" ? "true" : null },
      text.toPay,
    ),
  );
  const tabs = h(
    "nav",
    { class: "tabs", "aria-label": text.filter },
    INVOICE_TABS.filter((entry) => role === "merchant" || entry.key !== "drafts").map((entry) =>
      h(
        "a",
        {
          class: "tab",
          href: `#/invoices?role=${role}&tab=${entry.key}${chainPart}`,
          "aria-current": entry.key === tabKey ? "true" : null,
          id: `tab-${entry.key}`,
        },
        text.tabs[entry.key],
      ),
    ),
  );
  const list = h("div", { id: "invoice-list" }, loadingCard(text.loading));
  const more = h("div", { class: "pager" });
  // The payer's list: checkboxes on open invoices and "Pay selected" (pay-many.ts); read again once a batch is paid.
  const selection = role === "payer" ? payManySelection(app.account!, reload) : undefined;
  const networkFilter = networkSelect(
    chainFilter,
    (chainId) => (location.hash = `#/invoices?role=${role}&tab=${tabKey}${chainId === undefined ? "" : `&chainId=${chainId}`}`),
    {
      id: "invoice-chain-filter",
      all: true,
      label: t().chains.filterLabel,
    },
  );
  root.append(
    h("section", { class: "card" }, h("div", { class: "card-head" }, roleSwitch, networkFilter), tabs, selection?.bar, list, more),
  );

  const tab = INVOICE_TABS.find((entry) => entry.key === tabKey)!;
  let rows: HTMLTableRowElement[] = [];
  let stopped = false;

  const load = async (cursor?: string) => {
    try {
      const page = await api.invoices({ role, status: tab.status, cursor, limit: PAGE_SIZE, chainId: chainFilter });
      if (stopped) return;
      const tokens = await Promise.all(page.items.map((item) => tokenOf(item)));
      rows = rows.concat(page.items.map((item, i) => row(item, tokens[i]!, role, selection)));
      replace(list, rows.length === 0 ? emptyState(role, tab.key) : table(rows, role, selection));
      replace(
        more,
        h("span", { class: "muted small" }, fill(text.count, { count: rows.length })),
        page.nextCursor
          ? h(
              "button",
              {
                type: "button",
                class: "btn btn-secondary btn-sm",
                id: "load-more",
                onclick: (e: Event) => {
                  (e.currentTarget as HTMLButtonElement).disabled = true;
                  void load(page.nextCursor!);
                },
              },
              text.more,
            )
          : null,
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return app.sessionExpired();
      replace(
        list,
        errorCard(error, () => void load(cursor)),
      );
    }
  };

  const tokenOf = (item: Invoice): Promise<TokenInfo> => {
    const address = item.onchain?.token ?? item.details?.token;
    if (!address) return Promise.resolve(ETH);
    return tokenInfo(address, invoiceChainId(item) ?? chainId, app.connection).catch(() => ({
      address,
      symbol: shortAddress(address),
      decimals: 18,
      name: address,
    }));
  };

  /** Reads the list again from its first page. */
  function reload(): void {
    rows = [];
    void load();
  }

  void load();
  return () => (stopped = true);
};

function table(rows: HTMLTableRowElement[], role: "merchant" | "payer", selection?: PayManySelection): HTMLElement {
  const text = t().list;
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "invoice-table" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          selection?.headCell(),
          h("th", { scope: "col" }, text.invoice),
          h("th", { scope: "col" }, role === "merchant" ? text.payer : text.merchant),
          h("th", { scope: "col" }, text.due),
          h("th", { scope: "col" }, text.status),
          h("th", { scope: "col", class: "num" }, text.amount),
        ),
      ),
      h("tbody", null, rows),
    ),
  );
}

function row(item: Invoice, token: TokenInfo, role: "merchant" | "payer", selection?: PayManySelection): HTMLTableRowElement {
  const onchain = item.onchain;
  const details = item.details;
  const counterparty = role === "merchant" ? (onchain?.payer ?? details?.payer ?? null) : (onchain?.merchant ?? details?.merchant ?? null);
  const amount = BigInt(onchain?.amount ?? details?.total ?? "0");
  const paid = BigInt(onchain?.paid ?? "0");
  const chainId = invoiceChainId(item);
  const href = onchain ? invoiceHash(chainId, onchain.id) : `#/invoice/${item.id}`;
  const title = details?.lineItems[0]?.description;
  const text = t().list;
  return h(
    "tr",
    { "data-invoice": onchain?.id ?? item.id, "data-chain": chainId === undefined ? null : String(chainId) },
    selection?.cell(item),
    h(
      "td",
      null,
      h("a", { class: "row-link", href }, details?.number ?? (onchain ? `#${onchain.id}` : text.draft)),
      chainBadge(chainId),
      title
        ? h(
            "span",
            { class: "row-sub" },
            title.length > 48 ? `${title.slice(0, 48)}…` : title,
            details && details.lineItems.length > 1 ? ` +${details.lineItems.length - 1}` : "",
          )
        : null,
    ),
    h(
      "td",
      null,
      counterparty && !isZeroAddress(counterparty)
        ? h("span", { class: "address-chip" }, identicon(counterparty, 18), h("span", { class: "mono" }, shortAddress(counterparty)))
        : h("span", { class: "muted" }, text.anyone),
    ),
    h("td", null, onchain?.dueDate || details?.dueDate ? formatDate(new Date((onchain?.dueDate ?? details?.dueDate)!)) : "—"),
    h("td", null, statusBadge(onchain?.status ?? "draft")),
    h(
      "td",
      { class: "num" },
      h("strong", null, formatToken(amount, token)),
      paid > 0n && paid < amount ? h("span", { class: "row-sub" }, fill(text.paidPart, { amount: formatToken(paid, token) })) : null,
    ),
  );
}

function emptyState(role: "merchant" | "payer", tab: string): HTMLElement {
  const text = t().list;
  return h(
    "div",
    { class: "empty" },
    icon("invoice", 40),
    h("p", null, tab === "all" ? (role === "merchant" ? text.noneIssued : text.noneToPay) : text.noneHere),
    role === "merchant" && tab === "all"
      ? h("a", { class: "btn btn-primary", href: "#/invoices/new" }, icon("plus", 18), ` ${text.first}`)
      : null,
  );
}
