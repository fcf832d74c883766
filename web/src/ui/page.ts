import { humanError } from "../lib/errors";
import { app } from "../lib/state";
import { busy, notice } from "./feedback";
import { type Child, h } from "./dom";
import { icon } from "./icons";

/**
 * A page of the app: renders into `root` and may return a cleanup function (timers, listeners),
 * called before the next page renders.
 */
export type View = (root: HTMLElement, params: Record<string, string>, query: URLSearchParams) => void | (() => void);

/** The page heading with an optional lead sentence and actions on the right. */
export function pageHeader(title: string, lead?: Child, actions?: Child): HTMLElement {
  return h(
    "header",
    { class: "page-header" },
    h("div", null, h("h1", null, title), lead ? h("p", { class: "lead" }, lead) : null),
    actions ? h("div", { class: "page-actions" }, actions) : null,
  );
}

/** A button that runs `action`, shows it busy meanwhile, and shows a failure next to it. */
export function actionButton(
  label: Child,
  action: () => Promise<void>,
  options: { class?: string; busyText?: string; id?: string } = {},
): HTMLButtonElement {
  const button = h("button", { type: "button", class: options.class ?? "btn btn-primary", id: options.id }, label);
  button.addEventListener("click", async () => {
    const done = busy(button, options.busyText);
    const previous = button.parentElement?.querySelector(".inline-error");
    previous?.remove();
    try {
      await action();
    } catch (error) {
      const human = humanError(error);
      button.insertAdjacentElement(
        "afterend",
        h("p", { class: "inline-error", role: "alert" }, h("strong", null, `${human.title}. `), human.message),
      );
    } finally {
      if (button.isConnected) done();
    }
  });
  return button;
}

/** What a page needs before it can show anything useful. */
export interface Requirements {
  wallet?: boolean;
  chain?: boolean;
  session?: boolean;
  /** Why (one sentence shown on the gate card). */
  reason?: string;
}

/**
 * Shows the first missing requirement as a card with the button that fixes it (connect, switch
 * network, sign in) and returns false; returns true when everything is there.
 */
export function gate(root: HTMLElement, needs: Requirements): boolean {
  if (!app.deployment) {
    root.append(
      notice(
        "error",
        app.deploymentError?.title ?? "Settle is not available",
        app.deploymentError?.message ?? "The contracts' addresses could not be loaded.",
        actionButton("Try again", async () => {
          await app.loadDeployment();
          app.emit();
        }),
      ),
    );
    return false;
  }
  if (needs.wallet && !app.account) {
    root.append(
      gateCard(
        "wallet",
        "Connect your wallet",
        needs.reason ?? "Connect an Ethereum wallet such as MetaMask to continue.",
        actionButton([icon("wallet", 18), " Connect wallet"], () => app.connect(), {
          busyText: "Waiting for your wallet…",
          id: "gate-connect",
        }),
      ),
    );
    return false;
  }
  if ((needs.chain || needs.session) && app.account && !app.onRightChain) {
    root.append(
      gateCard(
        "alert",
        "Wrong network",
        `Your wallet is on chain ${app.connection?.chainId}. Settle runs on ${app.deployment.chainName} (chain ${app.deployment.chainId}).`,
        actionButton("Switch network", () => app.switchNetwork(), { busyText: "Waiting for your wallet…", id: "gate-switch" }),
      ),
    );
    return false;
  }
  if (needs.session && !app.signedIn) {
    if (!app.apiAvailable) {
      root.append(
        notice(
          "warning",
          "Sign-in is not available",
          "This server does not run the Settle API, so invoices, history and profiles are not available here.",
        ),
      );
      return false;
    }
    root.append(
      gateCard(
        "shield",
        "Sign in with Ethereum",
        needs.reason ?? "Sign a message in your wallet to prove this account is yours. It costs nothing and sends no transaction.",
        actionButton("Sign in", () => app.signIn(), { busyText: "Waiting for your signature…", id: "gate-signin" }),
      ),
    );
    return false;
  }
  return true;
}

function gateCard(iconName: Parameters<typeof icon>[0], title: string, text: string, action: Child): HTMLElement {
  return h(
    "section",
    { class: "card gate" },
    h("div", { class: "gate-icon" }, icon(iconName, 28)),
    h("h2", null, title),
    h("p", null, text),
    h("div", { class: "gate-actions" }, action),
  );
}

/** A loading placeholder for a card. */
export function loadingCard(label = "Loading"): HTMLElement {
  return h(
    "div",
    { class: "card card-loading", "aria-busy": "true" },
    h("span", { class: "spinner" }, icon("spinner", 22)),
    h("span", null, `${label}…`),
  );
}

/** A card that says what failed while loading, with a retry button. */
export function errorCard(error: unknown, retry?: () => void): HTMLElement {
  const human = humanError(error);
  return notice(
    "error",
    human.title,
    human.message,
    retry ? h("button", { type: "button", class: "btn btn-secondary btn-sm", onclick: retry }, "Try again") : null,
  );
}
