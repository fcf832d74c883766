/**
 * The page's languages: one catalogue per language beside this one, each assembled in <tag>.ts from one file per
 * screen in <tag>/ (en.ts is the reference; the type makes every other catalogue carry the same keys). A third language
 * is one more folder and file here, added to {@link PAGE_MESSAGES} (and its document labels in core/labels: both are
 * keyed by the same {@link Locale}). No browser API here, so tests load it under Node.
 */
import { LOCALES, type Locale } from "../../../core/labels";
import { en, type Messages } from "./en";
import { fr } from "./fr";

/** Every language's page strings, by the same tags as the documents' catalogues. */
export const PAGE_MESSAGES = { en, fr } as const satisfies Record<Locale, Messages>;

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
