import { humanError } from "../lib/errors";
import { shortAddress } from "../lib/format";
import { app } from "../lib/state";
import { announce, busy, dialog } from "./feedback";
import { copyButton, identicon } from "./controls";
import { h, replace } from "./dom";
import { icon } from "./icons";
import { fill, t } from "../i18n";
import type { DiscoveredWallet } from "../lib/wallet";

let closeMenuOutside: ((target: Node) => void) | undefined;
let outsideListener = false;

/** Renders the header's account area: connect, network, account menu with sign in / out. */
export function renderAccountBar(bar: HTMLElement): void {
  const wasOpen = bar.querySelector(".account-menu:not([hidden])") !== null;
  replace(bar);
  if (!app.account) {
    bar.append(
      h(
        "button",
        {
          type: "button",
          class: "btn btn-primary",
          id: "connect-button",
          onclick: (e: Event) => void connect(e.currentTarget as HTMLButtonElement),
        },
        icon("wallet", 18),
        h("span", null, t().account.connect),
      ),
    );
    return;
  }
  const deployment = app.deployment;
  if (deployment && !app.onRightChain) {
    bar.append(
      h(
        "button",
        {
          type: "button",
          class: "btn btn-warning btn-sm network-pill",
          id: "switch-network",
          onclick: (e: Event) => void run(e.currentTarget as HTMLButtonElement, () => app.switchNetwork(), t().account.switching),
        },
        icon("alert", 16),
        h("span", null, t().account.wrongNetwork),
      ),
    );
  } else if (deployment) {
    bar.append(
      h(
        "span",
        { class: "network-pill", title: fill(t().account.chain, { id: deployment.chainId }) },
        h("span", { class: "dot dot-ok", "aria-hidden": "true" }),
        h("span", { class: "network-name" }, deployment.chainName),
      ),
    );
  }
  if (!app.signedIn && app.apiAvailable && app.onRightChain) {
    bar.append(
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary btn-sm",
          id: "sign-in",
          onclick: (e: Event) => void run(e.currentTarget as HTMLButtonElement, () => app.signIn(), t().account.checkWallet),
        },
        t().account.signIn,
      ),
    );
  }
  const menuId = "account-menu";
  const toggle = h(
    "button",
    {
      type: "button",
      class: "account-button",
      id: "account-button",
      "aria-haspopup": "true",
      "aria-expanded": "false",
      "aria-controls": menuId,
    },
    identicon(app.account, 22),
    h("span", { class: "mono" }, shortAddress(app.account)),
    app.signedIn
      ? h(
          "span",
          { class: "signed-in-mark", title: t().account.signedIn },
          icon("shield", 14),
          h("span", { class: "visually-hidden" }, ` (${t().account.signedIn})`),
        )
      : null,
  );
  const menu = h(
    "div",
    { class: "account-menu", id: menuId, hidden: true },
    h("p", { class: "menu-label" }, app.signedIn ? t().account.signedInAs : t().account.connectedAs),
    h("p", { class: "mono menu-address" }, app.account),
    copyButton(app.account, t().account.copyAddress),
    h("hr"),
    app.signedIn
      ? h(
          "button",
          {
            type: "button",
            class: "menu-item",
            id: "sign-out",
            onclick: (e: Event) => void run(e.currentTarget as HTMLButtonElement, () => app.signOut(), t().account.signingOut),
          },
          icon("logout", 16),
          ` ${t().account.signOut}`,
        )
      : null,
    h("a", { class: "menu-item", href: "#/profile" }, icon("user", 16), ` ${t().account.profile}`),
    h(
      "button",
      { type: "button", class: "menu-item", id: "disconnect", onclick: () => void app.disconnect() },
      icon("x", 16),
      ` ${t().account.disconnect}`,
    ),
  );
  const setOpen = (open: boolean) => {
    menu.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) menu.querySelector<HTMLElement>("button, a")?.focus();
  };
  toggle.addEventListener("click", () => setOpen(menu.hidden));
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      setOpen(false);
      toggle.focus();
    }
  });
  menu.addEventListener("click", (event) => {
    if ((event.target as HTMLElement).closest("a")) setOpen(false);
  });
  closeMenuOutside = (target) => {
    if (!bar.contains(target)) setOpen(false);
  };
  if (!outsideListener) {
    outsideListener = true;
    document.addEventListener("click", (event) => closeMenuOutside?.(event.target as Node), { capture: true });
  }
  bar.append(h("div", { class: "account" }, toggle, menu));
  if (wasOpen) setOpen(true);
  if (app.flash) {
    const message = app.flash;
    app.flash = undefined;
    showToast(message);
  }
}

/** A short message under the header that goes away by itself. */
export function showToast(message: string, tone: "info" | "error" = "info"): void {
  const region = document.getElementById("toasts");
  if (!region) return;
  const toast = h(
    "div",
    { class: `toast toast-${tone}`, role: tone === "error" ? "alert" : "status" },
    icon(tone === "error" ? "alert" : "info", 18),
    h("span", null, message),
  );
  region.append(toast);
  announce(message);
  setTimeout(() => toast.remove(), 8000);
}

async function run(button: HTMLButtonElement, action: () => Promise<void>, busyText: string): Promise<void> {
  const done = busy(button, busyText);
  try {
    await action();
  } catch (error) {
    const human = humanError(error);
    showToast(`${human.title}: ${human.message}`, "error");
  } finally {
    if (button.isConnected) done();
  }
}

async function connect(button: HTMLButtonElement): Promise<void> {
  if (app.wallets.length > 1) {
    await chooseWallet(app.wallets);
    return;
  }
  await run(button, () => app.connect(), t().gate.waitingWallet);
}

/** Lets the user pick one of several EIP-6963 wallets. */
function chooseWallet(wallets: DiscoveredWallet[]): Promise<void> {
  return dialog(t().account.chooseWallet, (close) =>
    h(
      "ul",
      { class: "wallet-list" },
      wallets.map((wallet) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "wallet-option",
              onclick: async (e: Event) => {
                const button = e.currentTarget as HTMLButtonElement;
                await run(button, () => app.connect(wallet), t().gate.waitingWallet);
                if (app.account) close();
              },
            },
            wallet.info.icon ? h("img", { src: wallet.info.icon, alt: "", width: 28, height: 28 }) : icon("wallet", 28),
            h("span", null, wallet.info.name),
          ),
        ),
      ),
    ),
  );
}
