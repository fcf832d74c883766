import "./styles/index.css";
import { renderAccountBar } from "./ui/account-bar";
import { app } from "./lib/state";
import { h, replace } from "./ui/dom";
import { icon } from "./ui/icons";
import { spinner } from "./ui/feedback";
import type { View } from "./ui/page";
import { homeView } from "./views/home";
import { stakingView } from "./views/staking";
import { invoicesView } from "./views/invoices";
import { newInvoiceView } from "./views/new-invoice";
import { invoiceView } from "./views/invoice";
import { payView } from "./views/pay";
import { historyView } from "./views/history";
import { transactionView } from "./views/transaction";
import { profileView } from "./views/profile";
import { languageSwitcher, translateShell } from "./ui/language";
import { onLocaleChange, t } from "./i18n";
import { chainIdOf } from "./ui/chains";

/**
 * Routes by hash path: `#/invoice/12` matches `/invoice/:id`. A route that `pins` a chain makes its `:chainId` (or
 * `?chainId=`) the page's current network (app.pinnedChainId).
 */
const ROUTES: { path: string; title: () => string; view: View; nav?: string; pins?: boolean }[] = [
  { path: "/", title: () => "Settle", view: homeView },
  { path: "/invoices", title: () => t().shell.nav.invoices, view: invoicesView, nav: "/invoices" },
  { path: "/invoices/new", title: () => t().newInvoice.title, view: newInvoiceView, nav: "/invoices", pins: true },
  { path: "/invoice/:id", title: () => t().invoice.eyebrow, view: invoiceView, nav: "/invoices", pins: true },
  { path: "/invoice/:chainId/:id", title: () => t().invoice.eyebrow, view: invoiceView, nav: "/invoices", pins: true },
  { path: "/pay", title: () => t().shell.nav.pay, view: payView, nav: "/pay" },
  { path: "/staking", title: () => t().shell.nav.staking, view: stakingView, nav: "/staking", pins: true },
  { path: "/history", title: () => t().shell.nav.history, view: historyView, nav: "/history" },
  { path: "/tx/:hash", title: () => t().transaction.title, view: transactionView, nav: "/history" },
  { path: "/profile", title: () => t().shell.nav.profile, view: profileView, nav: "/profile" },
];

/** The current hash route: path, parameters from the pattern and the query string. */
export function currentRoute(): { route: (typeof ROUTES)[number] | undefined; params: Record<string, string>; query: URLSearchParams } {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path = "/", search = ""] = hash.split("?");
  const parts = path.split("/").filter(Boolean);
  for (const route of ROUTES) {
    const pattern = route.path.split("/").filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, i) => {
      if (segment.startsWith(":")) {
        params[segment.slice(1)] = decodeURIComponent(parts[i]!);
        return true;
      }
      return segment === parts[i];
    });
    if (matches) return { route, params, query: new URLSearchParams(search) };
  }
  return { route: undefined, params: {}, query: new URLSearchParams(search) };
}

let cleanup: (() => void) | void;
let renderedKey = "";

/** Renders the view of the current route into <main> (again when the account, chain or session change). */
function render(force = false): void {
  const main = document.getElementById("main")!;
  const { route, params, query } = currentRoute();
  const pinned = route?.pins ? chainIdOf(params.chainId ?? query.get("chainId")) : undefined;
  if (pinned !== app.pinnedChainId) {
    app.pinnedChainId = pinned;
    renderAccountBar(document.getElementById("account-bar")!);
  }
  const key = `${location.hash}|${app.account}|${app.connection?.chainId}|${app.signedIn}|${app.deployment?.chainId}`;
  if (!force && key === renderedKey) return;
  const hashChanged = renderedKey.split("|")[0] !== location.hash;
  renderedKey = key;
  if (typeof cleanup === "function") cleanup();
  cleanup = undefined;
  document.querySelectorAll<HTMLAnchorElement>(".nav a").forEach((link) => {
    const active = link.getAttribute("href") === `#${route?.nav ?? "-"}`;
    if (active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
  if (!route) {
    const shell = t().shell;
    document.title = `${shell.notFound} · Settle`;
    replace(
      main,
      h(
        "section",
        { class: "page" },
        h("h1", null, shell.notFound),
        h("p", null, `${shell.notFoundText} `, h("a", { href: "#/" }, shell.goHome)),
      ),
    );
    return;
  }
  document.title = route.path === "/" ? "Settle · on-chain invoices and staking" : `${route.title()} · Settle`;
  const container = h("div", { class: "page" });
  replace(main, container);
  cleanup = route.view(container, params, query);
  if (hashChanged) {
    window.scrollTo(0, 0);
    // Move focus to the new page's heading for keyboard and screen-reader users.
    const heading = container.querySelector<HTMLElement>("h1");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}

/** Builds the shell once, then renders routes on hash changes and state changes. */
async function start(): Promise<void> {
  const bar = document.getElementById("account-bar")!;
  const navIcons: Record<string, Parameters<typeof icon>[0]> = {
    "#/invoices": "invoice",
    "#/pay": "send",
    "#/staking": "coins",
    "#/history": "history",
    "#/profile": "user",
  };
  document.querySelectorAll<HTMLAnchorElement>(".nav a").forEach((link) => {
    const name = navIcons[link.getAttribute("href") ?? ""];
    if (name) link.replaceChildren(icon(name, 20), h("span", null, link.textContent ?? ""));
  });
  translateShell();
  bar.before(languageSwitcher());
  onLocaleChange(() => {
    translateShell();
    renderAccountBar(bar);
    render(true);
  });
  replace(document.getElementById("main")!, h("div", { class: "page page-loading" }, spinner("Loading Settle")));
  window.addEventListener("hashchange", () => render());
  app.subscribe(() => {
    renderAccountBar(bar);
    render();
  });
  renderAccountBar(bar);
  await app.init();
  renderAccountBar(bar);
  render(true);
}

void start();
