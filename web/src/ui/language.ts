/** The header's language switcher, and the shell's static words (navigation, footer) in the current language. */
import { locale, PAGE_LOCALES, PAGE_MESSAGES, setLocale, t } from "../i18n";
import { h } from "./dom";

/** A select of the page's languages (EN, FR); choosing one switches the page (and is remembered). */
export function languageSwitcher(): HTMLSelectElement {
  const select = h(
    "select",
    { id: "language-switcher", class: "language-switcher", "aria-label": t().shell.language },
    // Short codes keep the header narrow on phones; each option's title is the language's own name.
    PAGE_LOCALES.map((tag) => h("option", { value: tag, lang: tag, title: PAGE_MESSAGES[tag].languageName }, tag.toUpperCase())),
  );
  select.value = locale();
  select.addEventListener("change", () => {
    const chosen = PAGE_LOCALES.find((tag) => tag === select.value);
    if (chosen) setLocale(chosen);
  });
  return select;
}

/** Writes index.html's words (navigation, skip link, footer, the switcher's label) in the current language. */
export function translateShell(): void {
  const shell = t().shell;
  document.documentElement.lang = locale();
  const nav = document.querySelector<HTMLElement>(".nav");
  nav?.setAttribute("aria-label", shell.navLabel);
  nav?.querySelectorAll<HTMLAnchorElement>("a").forEach((link) => {
    const key = (link.getAttribute("href") ?? "").replace("#/", "") as keyof typeof shell.nav;
    const label = link.querySelector("span") ?? link;
    if (key in shell.nav) label.textContent = shell.nav[key];
  });
  const skip = document.querySelector(".skip-link");
  if (skip) skip.textContent = shell.skip;
  document.querySelector(".brand")?.setAttribute("aria-label", shell.home);
  const footer = document.querySelector(".site-footer p");
  if (footer) footer.textContent = shell.footer;
  document.getElementById("language-switcher")?.setAttribute("aria-label", shell.language);
}
