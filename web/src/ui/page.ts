import { ApiError, retryDelaySeconds } from "../lib/api";
import { humanError } from "../lib/errors";
import { app } from "../lib/state";
import { busy, notice, retryNotice } from "./feedback";
import { type Child, h } from "./dom";
import { icon } from "./icons";
import { fill, t } from "../i18n";

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
      // The node or the index not answering for now: offer to run the action again (never resent silently).
      const retry =
        error instanceof ApiError && error.transient
          ? h("button", { type: "button", class: "btn btn-secondary btn-sm", onclick: () => button.click() }, t().rpc.retry)
          : null;
      button.insertAdjacentElement(
        "afterend",
        h("p", { class: "inline-error", role: "alert" }, h("strong", null, `${human.title}. `), human.message, retry ? " " : null, retry),
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
        app.deploymentError?.title ?? t().gate.unavailable,
        app.deploymentError?.message ?? t().gate.noAddresses,
        actionButton(t().gate.tryAgain, async () => {
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
        t().gate.connectTitle,
        needs.reason ?? t().gate.connectText,
        actionButton([icon("wallet", 18), ` ${t().gate.connect}`], () => app.connect(), {
          busyText: t().gate.waitingWallet,
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
        t().gate.wrongNetwork,
        fill(t().gate.wrongNetworkText, {
          chain: app.connection?.chainId ?? "?",
          name: app.deployment.chainName,
          id: app.deployment.chainId,
        }),
        actionButton(t().gate.switchNetwork, () => app.switchNetwork(), { busyText: t().gate.waitingWallet, id: "gate-switch" }),
      ),
    );
    return false;
  }
  if (needs.session && !app.signedIn) {
    if (!app.apiAvailable) {
      root.append(notice("warning", t().gate.noApi, t().gate.noApiText));
      return false;
    }
    root.append(
      gateCard(
        "shield",
        t().gate.signInTitle,
        needs.reason ?? t().gate.signInText,
        actionButton(t().gate.signIn, () => app.signIn(), { busyText: t().gate.waitingSignature, id: "gate-signin" }),
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
export function loadingCard(label = t().gate.loading): HTMLElement {
  return h(
    "div",
    { class: "card card-loading", "aria-busy": "true" },
    h("span", { class: "spinner" }, icon("spinner", 22)),
    h("span", null, `${label}…`),
  );
}

/**
 * A card that says what failed while loading, with a retry button; when the API says the node or the index does not
 * answer for now, it retries by itself with back-off, showing the API's message and the wait.
 */
export function errorCard(error: unknown, retry?: () => void): HTMLElement {
  const human = humanError(error);
  if (retry && error instanceof ApiError && error.transient)
    return retryNotice(human.title, human.message, retry, (attempt) => retryDelaySeconds(attempt, error.retryAfterSeconds));
  return notice(
    "error",
    human.title,
    human.message,
    retry ? h("button", { type: "button", class: "btn btn-secondary btn-sm", onclick: retry }, t().gate.tryAgain) : null,
  );
}
