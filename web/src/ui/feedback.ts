/** Telling people what happens: live-region announcements, notices, badges, spinners, busy buttons, dialogs. */
import { INVOICE_STATUSES, STATUS_TONE, type InvoiceStatus, type StatusTone } from "../../../core/invoice/status";
import { statusLabel } from "../../../core/labels";
import { fill, locale, t } from "../i18n";
import { append, h, type Child } from "./dom";
import { icon } from "./icons";

/** Announces `message` to screen readers through the page's polite live region. */
export function announce(message: string): void {
  const region = document.getElementById("live-region");
  if (!region) return;
  region.textContent = "";
  // A new text node in a later frame makes screen readers read repeated messages too.
  requestAnimationFrame(() => (region.textContent = message));
}

/** A notice box: tone sets colour and icon; `actions` are buttons or links shown under the text. */
export function notice(tone: "info" | "success" | "warning" | "error", title: string, body?: Child, actions?: Child): HTMLDivElement {
  const iconName = tone === "success" ? "check" : tone === "info" ? "info" : "alert";
  return h(
    "div",
    { class: `notice notice-${tone}`, role: tone === "error" || tone === "warning" ? "alert" : "status" },
    icon(iconName, 20),
    h(
      "div",
      { class: "notice-body" },
      h("p", { class: "notice-title" }, title),
      body ? h("div", { class: "notice-text" }, body) : null,
      actions ? h("div", { class: "notice-actions" }, actions) : null,
    ),
  );
}

/** A status badge ("Paid", "Disputed", ...) coloured by tone. */
export function badge(text: string, tone: StatusTone = "neutral"): HTMLSpanElement {
  return h("span", { class: `badge badge-${tone}` }, text);
}

/** The badge of an invoice status or a draft (core's label and tone); "Unknown" for a status the page does not know. */
export function statusBadge(status: string): HTMLSpanElement {
  const known = status === "draft" || (INVOICE_STATUSES as readonly string[]).includes(status);
  if (!known) return badge("Unknown", "neutral");
  const name = status as InvoiceStatus | "draft";
  return badge(statusLabel(name, locale()), STATUS_TONE[name]);
}

/** A small loading indicator with text for screen readers. */
export function spinner(label = "Loading"): HTMLSpanElement {
  return h("span", { class: "spinner", role: "status" }, icon("spinner", 18), h("span", { class: "visually-hidden" }, label));
}

/** Sets a button busy (disabled, spinner) until the returned function is called. */
export function busy(button: HTMLButtonElement, text?: string): () => void {
  const before = [...button.childNodes];
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.replaceChildren(icon("spinner", 16), h("span", null, text ?? button.textContent ?? ""));
  return () => {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.replaceChildren(...before);
  };
}

/** Opens a modal dialog with `content`; resolves when it closes. Focus returns to where it was. */
export function dialog(title: string, content: (close: () => void) => Child): Promise<void> {
  return new Promise((resolve) => {
    const previous = document.activeElement as HTMLElement | null;
    const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
    const element = h("dialog", { class: "modal", "aria-labelledby": titleId });
    const close = () => element.close();
    append(element, [
      h(
        "div",
        { class: "modal-head" },
        h("h2", { id: titleId }, title),
        h("button", { type: "button", class: "btn btn-ghost btn-icon", "aria-label": "Close", onclick: close }, icon("x")),
      ),
      h("div", { class: "modal-body" }, content(close)),
    ]);
    element.addEventListener("close", () => {
      element.remove();
      previous?.focus();
      resolve();
    });
    document.body.appendChild(element);
    element.showModal();
  });
}

/** The back-off of the reads that failed on this page (by location): consecutive failures wait longer each time. */
const backoff = new Map<string, { attempt: number; at: number; seconds: number }>();

/**
 * A notice that retries a read by itself: `message` with "Retrying in N s" counting down, then `retry` (not when the
 * notice has left the page meanwhile); "Retry now" skips the wait. The waits of consecutive failures on the same page
 * follow `delay` (1, 2, 4… s up to 30 s, see lib/api's retryDelaySeconds); a failure long after the last starts over.
 */
export function retryNotice(title: string, message: string, retry: () => void, delay: (attempt: number) => number): HTMLDivElement {
  const words = t().rpc;
  const key = location.hash;
  const last = backoff.get(key);
  const attempt = last && Date.now() - last.at < (last.seconds + 20) * 1000 ? last.attempt + 1 : 0;
  let left = delay(attempt);
  backoff.set(key, { attempt, at: Date.now(), seconds: left });
  const countdown = h("p", { class: "retry-countdown", "aria-live": "off" }, fill(words.retryingIn, { seconds: left }));
  const go = () => {
    clearInterval(timer);
    if (!box.isConnected) return;
    countdown.textContent = words.retrying;
    retry();
  };
  const box = notice(
    "warning",
    title,
    h("div", null, h("p", null, message), countdown),
    h("button", { type: "button", class: "btn btn-secondary btn-sm retry-now", onclick: go }, words.retryNow),
  );
  box.classList.add("notice-retrying");
  const timer = setInterval(() => {
    if (!box.isConnected) return clearInterval(timer);
    left -= 1;
    if (left <= 0) return go();
    countdown.textContent = fill(words.retryingIn, { seconds: left });
  }, 1000);
  return box;
}
