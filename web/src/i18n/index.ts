/**
 * The page's current language: the reader picks it in the header; the choice is remembered in localStorage, and the
 * first visit follows the browser's language. The catalogues themselves are in catalogues.ts.
 */
import { fill, type Locale } from "../../../core/labels";
import { isLocale, localeFromNavigator, PAGE_MESSAGES } from "./catalogues";
import type { Messages } from "./en";

export type { Messages } from "./en";
export type { Locale } from "../../../core/labels";
export { isLocale, localeFromNavigator, PAGE_LOCALES, PAGE_MESSAGES } from "./catalogues";
export { fill };

/** Where the reader's choice is remembered. */
export const LOCALE_STORAGE_KEY = "settle.locale";

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
