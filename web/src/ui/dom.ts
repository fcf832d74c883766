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
