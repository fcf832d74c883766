/**
 * The page's languages: one catalogue file per language beside this one (en.ts is the reference; the type makes
 * every other file carry the same keys). The reader picks the language in the header; the choice is remembered in
 * localStorage, and the first visit follows the browser's language. A third language is one more file here, added
 * to {@link PAGE_MESSAGES} (and its document labels in core/labels: the same {@link Locale} keys both).
 */
import { fill, LOCALES, type Locale } from "../../../core/labels";
import { en, type Messages } from "./en";
import { fr } from "./fr";

export type { Messages } from "./en";
export type { Locale } from "../../../core/labels";
export { fill };

/** Every language's page strings, by the same tags as the documents' catalogues. */
export const PAGE_MESSAGES = { en, fr } as const satisfies Record<Locale, Messages>;

/** Where the reader's choice is remembered. */
export const LOCALE_STORAGE_KEY = "settle.locale";

/** The languages the page speaks (the documents' languages). */
export const PAGE_LOCALES: readonly Locale[] = LOCALES;

/** True when `tag` is a language the page speaks. */
export function isLocale(tag: string | null | undefined): tag is Locale {
  return !!tag && (PAGE_LOCALES as readonly string[]).includes(tag);
}

/** The language for a browser's preferences: the first of `languages` whose primary tag we speak, else English. */
export function localeFromNavigator(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split("-")[0];
    if (isLocale(primary)) return primary;
  }
  return "en";
}

let current: Locale | undefined;
const listeners = new Set<(locale: Locale) => void>();

/** The page's current language (the stored choice, else the browser's). */
export function locale(): Locale {
  if (current) return current;
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    // Storage may be off (private mode): follow the browser.
  }
  current = isLocale(stored) ? stored : localeFromNavigator(navigator.languages?.length ? navigator.languages : [navigator.language]);
  return current;
}

/** The current language's strings. */
export function t(): Messages {
  return PAGE_MESSAGES[locale()];
}

/** Switches the page to `next`, remembers it, and tells the listeners (which re-render). */
export function setLocale(next: Locale): void {
  current = next;
  try {
    localStorage.setItem(LOCALE_STORAGE_KEY, next);
  } catch {
    // Not remembered, but still applied.
  }
  document.documentElement.lang = next;
  for (const listener of listeners) listener(next);
}

/** Calls `listener` on every language change. */
export function onLocaleChange(listener: (locale: Locale) => void): void {
  listeners.add(listener);
}
