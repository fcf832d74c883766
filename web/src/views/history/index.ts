import { api, ApiError, historyCsvUrl, type HistoryFilters, type HistoryItem } from "../../lib/api";
import { chainBadge, chainIdOf, invoiceHash, networkSelect, txHash } from "../../ui/chains";
import { tokenInfo } from "../../lib/contracts";
import { formatDateTime, formatToken, shortAddress, shortHash, type TokenInfo } from "../../lib/format";
import { isZeroAddress, sameAddress, ZERO_ADDRESS } from "../../../../core/address";
import { HISTORY_DIRECTION, HISTORY_KINDS, type HistoryKind } from "../../../../core/history";
import { historyLabel } from "../../../../core/labels";
import { app } from "../../lib/state";
import { badge } from "../../ui/feedback";
import { field } from "../../ui/controls";
import { h, replace } from "../../ui/dom";
import { icon } from "../../ui/icons";
import { errorCard, gate, loadingCard, pageHeader, type View } from "../../ui/page";
import { fill, locale, t, type Messages } from "../../i18n";

/** The kind filter's groups (GET /transactions?kind=). */
const KIND_GROUPS: { key: keyof Messages["history"]["groups"]; kinds: string }[] = [
  { key: "all", kinds: "" },
  { key: "payments", kinds: "invoice_paid" },
  { key: "releases", kinds: "released,claimed" },
  { key: "refunds", kinds: "refunded,reclaimed" },
  { key: "created", kinds: "invoice_created" },
  { key: "disputes", kinds: "disputed,resolved,settled" },
  { key: "staking", kinds: "staked,withdrawn,reward_claimed" },
  { key: "transfers", kinds: "transfer_in,transfer_out" },
];

const PAGE_SIZE = 25;

/** The account's transactions: filters, cursor pagination (next / previous), CSV download. */
export const historyView: View = (root, _params, query) => {
  const text = t().history;
  const download = h(
    "a",
    { class: "btn btn-secondary", id: "download-csv", download: "settle-history.csv" },
    icon("download", 18),
    ` ${text.download}`,
  );
  root.append(pageHeader(text.title, text.lead, download));
  if (!gate(root, { wallet: true, chain: true, session: true, reason: text.gate })) return;
  // The wallet's chain (the gate checked it is served): token symbols and decimals are read there.
  const readChainId = app.deployment!.chainId;
  const chainFilter = app.multichain ? chainIdOf(query.get("chainId")) : undefined;
  // The chosen network's token for the token filter (the wallet's when every network is shown).
  const deployment = (chainFilter !== undefined ? app.deploymentOf(chainFilter) : undefined) ?? app.deployment!;
  const filters: HistoryFilters & { chainId?: number } = {
    chainId: chainFilter,
    kind: query.get("kind") ?? undefined,
    token: query.get("token") ?? undefined,
    from: query.get("from") ?? undefined,
    to: query.get("to") ?? undefined,
  };
  const kind = h(
    "select",
    { name: "kind" },
    KIND_GROUPS.map((g) => h("option", { value: g.kinds, selected: (filters.kind ?? "") === g.kinds }, text.groups[g.key])),
  );
  const settle = deployment.address("SettleToken");
  const token = h(
    "select",
    { name: "token" },
    h("option", { value: "" }, text.anyToken),
    h("option", { value: settle, selected: sameAddress(filters.token, settle) }, "SETL"),
    h("option", { value: ZERO_ADDRESS, selected: filters.token === ZERO_ADDRESS }, "ETH"),
  );
  const network = networkSelect(chainFilter, () => undefined, { id: "filter-chain", all: true });
  const from = h("input", { type: "date", name: "from", value: filters.from?.slice(0, 10) ?? "" });
  const to = h("input", { type: "date", name: "to", value: filters.to?.slice(0, 10) ?? "" });
  const form = h(
    "form",
    { class: "filters", id: "history-filters", "aria-label": text.filters },
    field({ id: "filter-kind", label: text.activity, control: kind }),
    network ? field({ id: "filter-chain", label: t().chains.chainColumn, control: network }) : null,
    field({ id: "filter-token", label: text.token, control: token }),
    field({ id: "filter-from", label: text.from, control: from }),
    field({ id: "filter-to", label: text.to, control: to }),
    h(
      "div",
      { class: "filter-actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, text.apply),
      h("a", { class: "btn btn-ghost", href: "#/history" }, text.reset),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    if (network?.value) params.set("chainId", network.value);
    if (kind.value) params.set("kind", kind.value);
    if (token.value) params.set("token", token.value);
    if (from.value) params.set("from", `${from.value}T00:00:00Z`);
    if (to.value) params.set("to", new Date(Date.parse(`${to.value}T00:00:00Z`) + 86_400_000).toISOString());
    location.hash = `#/history${params.toString() ? `?${params}` : ""}`;
  });

  const list = h("div", { id: "history-list" }, loadingCard(t().history.loading));
  const pager = h("div", { class: "pager" });
  root.append(h("section", { class: "card" }, form), h("section", { class: "card" }, list, pager));
  download.setAttribute("href", historyCsvUrl(filters));

  /** Cursors of the pages seen so far: [undefined, page 2's cursor, ...]. */
  const cursors: (string | undefined)[] = [undefined];
  let pageIndex = 0;
  let stopped = false;
  const tokens = new Map<string, Promise<TokenInfo>>();
  /** A row's token, read on the row's own chain. */
  const tokenOf = (item: HistoryItem) => {
    const address = item.token;
    const chainId = historyChainId(item) ?? readChainId;
    const key = `${chainId}:${address.toLowerCase()}`;
    if (!tokens.has(key))
      tokens.set(
        key,
        tokenInfo(address, chainId, app.connection).catch(() => ({ address, symbol: shortAddress(address), decimals: 18, name: address })),
      );
    return tokens.get(key)!;
  };

  const load = async () => {
    replace(list, loadingCard(t().history.loading));
    try {
      const page = await api.history({ ...filters, cursor: cursors[pageIndex], limit: PAGE_SIZE });
      if (stopped) return;
      // Unfiltered, a transfer to or from a Settle contract is only the token side of a row beside it.
      const items = filters.kind ? page.items : page.items.filter((item) => !isTokenLeg(item, page.items));
      const infos = await Promise.all(items.map((item) => tokenOf(item)));
      replace(
        list,
        items.length === 0
          ? h("div", { class: "empty" }, icon("history", 40), h("p", null, pageIndex === 0 ? text.empty : text.noMore))
          : table(items, infos),
      );
      if (page.nextCursor) cursors[pageIndex + 1] = page.nextCursor;
      replace(
        pager,
        h("span", { class: "muted small" }, fill(text.page, { page: pageIndex + 1, block: page.indexedHead })),
        h(
          "div",
          { class: "pager-buttons" },
          h(
            "button",
            { type: "button", class: "btn btn-secondary btn-sm", id: "history-prev", disabled: pageIndex === 0, onclick: () => go(-1) },
            text.previous,
          ),
          h(
            "button",
            { type: "button", class: "btn btn-secondary btn-sm", id: "history-next", disabled: !page.nextCursor, onclick: () => go(1) },
            text.next,
          ),
        ),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return app.sessionExpired();
      replace(
        list,
        errorCard(error, () => void load()),
      );
    }
  };
  const go = (delta: number) => {
    pageIndex = Math.max(0, pageIndex + delta);
    void load();
  };
  void load();
  return () => (stopped = true);
};

function table(items: HistoryItem[], tokens: TokenInfo[]): HTMLElement {
  const text = t().history;
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "history-table" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, text.when),
          h("th", { scope: "col" }, text.activity),
          h("th", { scope: "col" }, text.counterparty),
          h("th", { scope: "col", class: "num" }, text.amount),
          h("th", { scope: "col" }, text.transaction),
        ),
      ),
      h(
        "tbody",
        null,
        items.map((item, i) => {
          const look = kindLook(item.kind);
          const amount = BigInt(item.amount);
          return h(
            "tr",
            { "data-kind": item.kind },
            h("td", { class: "nowrap" }, formatDateTime(new Date(item.timestamp)), chainBadge(historyChainId(item))),
            h(
              "td",
              null,
              h("span", { class: "kind" }, look.label),
              item.invoiceId
                ? h(
                    "a",
                    { class: "row-sub", href: invoiceHash(historyChainId(item), item.invoiceId) },
                    fill(text.invoice, { id: item.invoiceId }),
                  )
                : null,
            ),
            h("td", null, counterparty(item.counterparty, historyChainId(item))),
            h(
              "td",
              { class: `num amount-${look.sign === "+" ? "in" : look.sign === "-" ? "out" : "neutral"}` },
              amount === 0n ? "—" : `${look.sign}${formatToken(amount, tokens[i]!)}`,
              item.fee && item.net
                ? h(
                    "span",
                    { class: "row-sub" },
                    `net ${formatToken(BigInt(item.net), tokens[i]!)}, fee ${formatToken(BigInt(item.fee), tokens[i]!)}`,
                  )
                : null,
            ),
            h(
              "td",
              null,
              h("a", { class: "mono", href: txHash(item.txHash, historyChainId(item)) }, shortHash(item.txHash)),
              " ",
              item.final ? badge(text.final, "success") : badge(fill(text.confirmations, { count: item.confirmations }), "neutral"),
            ),
          );
        }),
      ),
    ),
  );
}

/**
 * True for a token transfer to or from a Settle contract (staking, escrow) that another row of the
 * same transaction already tells (staked, paid, released...).
 */
function isTokenLeg(item: HistoryItem, page: HistoryItem[]): boolean {
  if (item.kind !== "transfer_in" && item.kind !== "transfer_out") return false;
  if (!item.counterparty || deploymentOf(historyChainId(item))?.labelOf(item.counterparty) === undefined) return false;
  return page.some(
    (other) => other !== item && other.txHash === item.txHash && other.kind !== "transfer_in" && other.kind !== "transfer_out",
  );
}

/** A history row's counterparty: a Settle contract of the row's chain `chainId` by name, another account by its short address. */
function counterparty(address: string | null, chainId: number | undefined): HTMLElement {
  if (!address || isZeroAddress(address)) return h("span", { class: "muted" }, "—");
  const label = deploymentOf(chainId)?.labelOf(address);
  return label
    ? h("span", { class: "contract-name", title: address }, label)
    : h("span", { class: "mono", title: address }, shortAddress(address));
}

/** A History kind as people read it, with the sign of the amount for the account (an unknown kind as it is). */
function kindLook(kind: string): { label: string; sign: "+" | "-" | "" } {
  if (!(HISTORY_KINDS as readonly string[]).includes(kind)) return { label: kind, sign: "" };
  return { label: historyLabel(kind as HistoryKind, locale()), sign: HISTORY_DIRECTION[kind as HistoryKind] };
}

/** The deployment of a row's chain `chainId` (the current one when the row names none). */
function deploymentOf(chainId: number | undefined) {
  return (chainId === undefined ? undefined : app.deploymentOf(chainId)) ?? app.deployment;
}

/** The chain of a history row: the API's `chainId` (rows of every network carry it). */
function historyChainId(item: HistoryItem): number | undefined {
  return (item as HistoryItem & { chainId?: number }).chainId;
}
