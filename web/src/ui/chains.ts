/** The page on several chains: invoice links that carry the chain, chain badges, and the network select of forms and lists. */
import { chainName } from "../../../core/chains";
import type { Invoice } from "../lib/api";
import { app } from "../lib/state";
import { field } from "./controls";
import { h } from "./dom";
import { fill, t } from "../i18n";

/**
 * The page's link to on-chain invoice `id` of chain `chainId`: `#/invoice/<chainId>/<id>` when the server serves several
 * networks (an id alone is ambiguous there), `#/invoice/<id>` when it serves one.
 */
export function invoiceHash(chainId: number | undefined, id: string): string {
  return app.multichain && chainId !== undefined && /^\d+$/.test(id) ? `#/invoice/${chainId}/${id}` : `#/invoice/${id}`;
}

/** A small badge naming chain `chainId`, or nothing when the server serves one network. */
export function chainBadge(chainId: number | undefined): HTMLElement | null {
  if (!app.multichain || chainId === undefined) return null;
  return h("span", { class: "chain-badge", "data-chain": String(chainId), title: `Chain ${chainId}` }, chainName(chainId));
}

/**
 * A select of the served networks (only when there are several): `all` adds an "All networks" choice (lists' filters);
 * `onChange` gets the chosen chain id (undefined: all); `label` names a select that has no <label>.
 */
export function networkSelect(
  selected: number | undefined,
  onChange: (chainId: number | undefined) => void,
  { id, all, label }: { id: string; all: boolean; label?: string },
): HTMLSelectElement | null {
  if (!app.multichain) return null;
  const select = h(
    "select",
    { id, name: "chainId", "aria-label": label ?? null },
    all ? h("option", { value: "" }, t().chains.allNetworks) : null,
    app.deployments.map((d) => h("option", { value: String(d.chainId), selected: d.chainId === selected ? true : null }, d.chainName)),
  );
  if (selected === undefined && all) select.value = "";
  select.addEventListener("change", () => onChange(select.value ? Number(select.value) : undefined));
  return select;
}

/**
 * The card with the network select of a screen about one chain (a new invoice's, the staking figures'), or nothing
 * when the server serves one network: `hint` says what the choice means; choosing calls `onChange` with the chain id.
 */
export function networkChoice(
  id: string,
  selected: number | undefined,
  hint: string,
  onChange: (chainId: number) => void,
): HTMLElement | null {
  const select = networkSelect(selected, (chainId) => chainId !== undefined && onChange(chainId), { id, all: false });
  if (!select) return null;
  return h("section", { class: "card form-card network-choice" }, field({ id, label: t().chains.network, control: select, hint }));
}

/** The chain id in `value` (a route parameter or `?chainId=`), when it is a whole number. */
export function chainIdOf(value: string | null | undefined): number | undefined {
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The chain of an invoice row: the API's `chainId`, else its draft's chain (the chain it was prepared for). */
export function invoiceChainId(item: Invoice): number | undefined {
  return (item as Invoice & { chainId?: number }).chainId ?? item.details?.chainId;
}

/** The `?chainId=` to send the API for chain `chainId`: only when the server serves several networks. */
export function chainQuery(chainId: number | undefined): number | undefined {
  return app.multichain ? chainId : undefined;
}

/** The hashes whose chain the page already asked the wallet to switch to (once per opening, never in a loop). */
const asked = new Set<string>();

/**
 * A screen of another chain than the wallet's (an invoice's, a new invoice's): asks the wallet once to switch to (or add) it; when the user
 * refuses, the gate's "Wrong network" card stays with its button, and the account bar says what to do.
 */
export function askToSwitch(chainId: number | undefined): void {
  const target = chainId === undefined ? undefined : app.deploymentOf(chainId);
  const connection = app.connection;
  if (!target || !connection || connection.chainId === target.chainId || asked.has(location.hash)) return;
  asked.add(location.hash);
  void app.switchNetwork(target).catch(() => {
    app.flash = fill(t().chains.switchRefused, { chain: connection.chainId, name: target.chainName, id: target.chainId });
    app.emit();
  });
}

/** The page's link to transaction `hash` of chain `chainId` (`#/tx/<hash>?chainId=<id>` when several networks are served). */
export function txHash(hash: string, chainId: number | undefined): string {
  return app.multichain && chainId !== undefined ? `#/tx/${hash}?chainId=${chainId}` : `#/tx/${hash}`;
}
