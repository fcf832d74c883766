/** The page's icons: inline SVG strokes drawn for it. */

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
