/**
 * Tiny DOM helpers: the page builds its views with {@link h} instead of a framework.
 */

/** Something {@link h} can append: text, nodes, nothing, or lists of those. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes and event handlers for {@link h}. */
export type Attrs = {
  [name: string]: string | number | boolean | null | undefined | EventListener | ((event: never) => void);
};

/**
 * Creates an element: `h("button", { class: "btn", onclick: go }, "Pay")`. Attributes that are
 * `false`, `null` or `undefined` are left out, `true` sets an empty attribute, `on*` functions
 * become event listeners, and `value`/`checked` set the properties of form controls.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value as EventListener);
    } else if ((name === "value" || name === "checked") && name in element) {
      (element as unknown as Record<string, unknown>)[name] = value;
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children (flattening lists, skipping empty values) to `parent`. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces everything inside `parent` with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** An inline SVG icon from the small set the page uses (decorative: hidden from assistive tech). */
export function icon(name: keyof typeof ICONS, size = 18): SVGSVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  svg.innerHTML = ICONS[name];
  return svg;
}

const stroke = (d: string) =>
  `<path d="${d}" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>`;

/** Icon paths (Feather-style strokes drawn for this page). */
const ICONS = {
  check: stroke("M20 6 9 17l-5-5"),
  x: stroke("M18 6 6 18M6 6l12 12"),
  alert: stroke("M12 9v4m0 4h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"),
  info: stroke("M12 16v-4m0-4h.01M22 12a10 10 0 1 1-20 0 10 10 0 0 1 20 0z"),
  copy: stroke("M9 9h11v11H9zM5 15H4V4h11v1"),
  link: stroke("M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7"),
  file: stroke("M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6M8 13h8M8 17h5"),
  download: stroke("M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3"),
  plus: stroke("M12 5v14M5 12h14"),
  wallet: stroke("M20 7H5a2 2 0 0 1 0-4h13v4M3 5v14a2 2 0 0 0 2 2h15V7M16 14h.01"),
  shield: stroke("M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10zM9 12l2 2 4-4"),
  clock: stroke("M12 6v6l4 2M22 12a10 10 0 1 1-20 0 10 10 0 0 1 20 0z"),
  external: stroke("M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6M15 3h6v6M10 14 21 3"),
  trash: stroke("M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6"),
  arrowRight: stroke("M5 12h14M12 5l7 7-7 7"),
  spinner: `<circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="3" stroke-opacity="0.25"/><path d="M21 12a9 9 0 0 0-9-9" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round"/>`,
  invoice: stroke("M6 2h12v20l-3-2-3 2-3-2-3 2zM9 7h6M9 11h6M9 15h4"),
  coins: stroke(
    "M8 8a6 3 0 1 0 12 0A6 3 0 1 0 8 8zM8 8v4c0 1.7 2.7 3 6 3s6-1.3 6-3V8M4 12v4c0 1.7 2.7 3 6 3 1 0 2-.1 2.8-.4M4 12c0-1.3 1.5-2.4 3.8-2.8",
  ),
  history: stroke("M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5M12 7v5l3 3"),
  user: stroke("M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z"),
  send: stroke("M22 2 11 13M22 2l-7 20-4-9-9-4z"),
  logout: stroke("M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9"),
} as const;

/** Announces `message` to screen readers through the page's polite live region. */
export function announce(message: string): void {
  const region = document.getElementById("live-region");
  if (!region) return;
  region.textContent = "";
  // A new text node in a later frame makes screen readers read repeated messages too.
  requestAnimationFrame(() => (region.textContent = message));
}

/** A button that copies `text` to the clipboard and says so. */
export function copyButton(text: string, label = "Copy"): HTMLButtonElement {
  const button = h(
    "button",
    { type: "button", class: "btn btn-ghost btn-sm", "aria-label": `${label}: ${text}` },
    icon("copy", 16),
    h("span", null, label),
  );
  button.addEventListener("click", () => {
    const done = () => {
      const span = button.querySelector("span");
      if (span) span.textContent = "Copied";
      announce("Copied to the clipboard");
      setTimeout(() => span && (span.textContent = label), 1500);
    };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, () => fallbackCopy(text, done));
    else fallbackCopy(text, done);
  });
  return button;
}

function fallbackCopy(text: string, done: () => void): void {
  const area = h("textarea", { class: "visually-hidden", readonly: true }, text);
  document.body.appendChild(area);
  area.select();
  try {
    document.execCommand("copy");
    done();
  } finally {
    area.remove();
  }
}

/** A deterministic avatar for an address: a 5×5 mirrored pattern in two colours derived from it. */
export function identicon(address: string, size = 24): SVGSVGElement {
  const hex = address.toLowerCase().replace(/^0x/, "").padEnd(40, "0");
  const hue = parseInt(hex.slice(0, 3), 16) % 360;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 5 5");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "identicon");
  let cells = `<rect width="5" height="5" fill="hsl(${hue} 70% 94%)"/>`;
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      const nibble = parseInt(hex[3 + row * 3 + col] ?? "0", 16);
      if (nibble % 2 === 0) continue;
      const fill = `hsl(${hue} 62% ${nibble > 8 ? 38 : 52}%)`;
      cells += `<rect x="${col}" y="${row}" width="1" height="1" fill="${fill}"/>`;
      if (col < 2) cells += `<rect x="${4 - col}" y="${row}" width="1" height="1" fill="${fill}"/>`;
    }
  }
  svg.innerHTML = cells;
  return svg;
}

/** A labelled form field: label, control, optional hint, and a slot for its error message. */
export function field(options: {
  id: string;
  label: string;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  hint?: string;
  optional?: boolean;
  suffix?: Child;
}): HTMLDivElement {
  const { id, label, control, hint, optional, suffix } = options;
  control.id = id;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  control.setAttribute("aria-describedby", [hint ? hintId : "", errorId].filter(Boolean).join(" "));
  return h(
    "div",
    { class: "field", "data-field": id },
    h("label", { for: id }, label, optional ? h("span", { class: "optional" }, " (optional)") : null),
    suffix ? h("div", { class: "input-group" }, control, suffix) : control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId, role: "alert" }),
  );
}

/** Shows (or clears, with an empty message) the error of the field whose control has id `id`. */
export function setFieldError(root: ParentNode, id: string, message: string): void {
  const control = root.querySelector<HTMLElement>(`#${CSS.escape(id)}`);
  const error = root.querySelector<HTMLElement>(`#${CSS.escape(id)}-error`);
  if (control) control.setAttribute("aria-invalid", message ? "true" : "false");
  if (error) error.textContent = message;
}

/** Clears every field error under `root`. */
export function clearFieldErrors(root: ParentNode): void {
  root.querySelectorAll<HTMLElement>(".field-error").forEach((element) => (element.textContent = ""));
  root.querySelectorAll<HTMLElement>("[aria-invalid]").forEach((element) => element.setAttribute("aria-invalid", "false"));
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
export function badge(text: string, tone: "neutral" | "info" | "success" | "warning" | "danger" = "neutral"): HTMLSpanElement {
  return h("span", { class: `badge badge-${tone}` }, text);
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
