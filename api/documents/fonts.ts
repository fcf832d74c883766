/**
 * The typeface of invoice documents: Inter (SIL Open Font License 1.1) from the @fontsource/inter
 * npm package, read from node_modules (never fetched). The package splits each weight into subsets
 * (latin, latin-ext, cyrillic, greek, vietnamese, ...) with the CSS `unicode-range` each covers; the
 * HTML embeds only the subsets a document's text needs (WOFF2 data URIs), and the PDF picks, run by
 * run, the subset that has each character (WOFF, which pdfkit embeds and subsets).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The weights documents use: regular text and headings. */
export const FONT_WEIGHTS = [400, 600] as const;
/** A weight documents use. */
export type FontWeight = (typeof FONT_WEIGHTS)[number];

/** One subset file of one weight. */
export interface FontFace {
  weight: FontWeight;
  /** Subset name: latin, latin-ext, cyrillic, ... */
  subset: string;
  /** The CSS unicode-range text, e.g. `U+0000-00FF,U+0131`. */
  unicodeRange: string;
  /** Inclusive code point ranges parsed from it. */
  ranges: Array<[number, number]>;
  woff2Path: string;
  woffPath: string;
}

const PACKAGE_DIR = dirname(require.resolve("@fontsource/inter/LICENSE"));
const BLOCK = /\/\* inter-([a-z0-9-]+)-(\d+)-normal \*\/\s*@font-face\s*\{([^}]*)\}/g;

/** Parses `U+0000-00FF,U+0131` into inclusive ranges (wildcards such as U+4?? are not used by Inter). */
export function parseUnicodeRange(text: string): Array<[number, number]> {
  return text.split(",").map((part) => {
    const match = /^\s*U\+([0-9A-F]+)(?:-([0-9A-F]+))?\s*$/i.exec(part);
    if (!match) throw new Error(`unsupported unicode-range part "${part}"`);
    const low = parseInt(match[1]!, 16);
    return [low, match[2] ? parseInt(match[2], 16) : low];
  });
}

const facesByWeight = new Map<FontWeight, FontFace[]>();

/** The subsets of `weight`, latin first (the most common), as the package's CSS declares them. */
export function fontFaces(weight: FontWeight): FontFace[] {
  const cached = facesByWeight.get(weight);
  if (cached) return cached;
  const css = readFileSync(join(PACKAGE_DIR, `${weight}.css`), "utf8");
  const faces: FontFace[] = [];
  for (const [, subset, , body] of css.matchAll(BLOCK)) {
    const range = /unicode-range:\s*([^;]+);/.exec(body!)?.[1];
    if (!subset || !range) continue;
    const base = join(PACKAGE_DIR, "files", `inter-${subset}-${weight}-normal`);
    faces.push({
      weight,
      subset,
      unicodeRange: range.trim(),
      ranges: parseUnicodeRange(range),
      woff2Path: `${base}.woff2`,
      woffPath: `${base}.woff`,
    });
  }
  const rank = (f: FontFace) => (f.subset === "latin" ? 0 : f.subset === "latin-ext" ? 1 : 2);
  faces.sort((a, b) => rank(a) - rank(b));
  if (faces.length === 0 || faces[0]!.subset !== "latin") throw new Error(`@fontsource/inter ${weight}.css has no latin subset`);
  facesByWeight.set(weight, faces);
  return faces;
}

/** The subset of `weight` that has `codePoint`, or latin (which then draws a missing-glyph box). */
export function faceFor(codePoint: number, weight: FontWeight): FontFace {
  const faces = fontFaces(weight);
  return faces.find((f) => f.ranges.some(([low, high]) => codePoint >= low && codePoint <= high)) ?? faces[0]!;
}

/** `text` cut into runs that each one subset draws. */
export function fontRuns(text: string, weight: FontWeight): Array<{ face: FontFace; text: string }> {
  const runs: Array<{ face: FontFace; text: string }> = [];
  for (const char of text) {
    const face = faceFor(char.codePointAt(0)!, weight);
    const last = runs[runs.length - 1];
    if (last && last.face === face) last.text += char;
    else runs.push({ face, text: char });
  }
  return runs;
}

const files = new Map<string, Buffer>();

/** The bytes of a font file (read once). */
export function fontFile(path: string): Buffer {
  let bytes = files.get(path);
  if (!bytes) files.set(path, (bytes = readFileSync(path)));
  return bytes;
}

/**
 * `@font-face` rules for family `Inter` in every weight, with the subsets `text` needs (latin
 * always) as WOFF2 data URIs: the page needs no network and stays small.
 */
export function fontFaceCss(text: string): string {
  const rules: string[] = [];
  for (const weight of FONT_WEIGHTS) {
    const needed = new Set<FontFace>([fontFaces(weight)[0]!]);
    for (const char of text) needed.add(faceFor(char.codePointAt(0)!, weight));
    for (const face of needed) {
      const data = fontFile(face.woff2Path).toString("base64");
      rules.push(
        `@font-face{font-family:"Inter";font-style:normal;font-weight:${weight};src:url(data:font/woff2;base64,${data}) format("woff2");unicode-range:${face.unicodeRange}}`,
      );
    }
  }
  return rules.join("\n");
}
