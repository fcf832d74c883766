/** Small controls: copy buttons, identicons and labelled form fields with their errors. */
import { h, type Child } from "./dom";
import { announce } from "./feedback";
import { icon } from "./icons";
import { t } from "../i18n";

/** A button that copies `text` to the clipboard and says so. */
export function copyButton(text: string, label = t().common.copy): HTMLButtonElement {
  const button = h(
    "button",
    { type: "button", class: "btn btn-ghost btn-sm", "aria-label": `${label}: ${text}` },
    icon("copy", 16),
    h("span", null, label),
  );
  button.addEventListener("click", () => {
    const done = () => {
      const span = button.querySelector("span");
      if (span) span.textContent = t().common.copied;
      announce(t().common.copiedAnnounce);
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
    h("label", { for: id }, label, optional ? h("span", { class: "optional" }, ` ${t().common.optional}`) : null),
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
