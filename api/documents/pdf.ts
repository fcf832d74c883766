/**
 * The PDF rendering of an invoice document model with pdfkit: A4, Inter embedded (subset to the
 * glyphs used; each character drawn with the @fontsource/inter subset that has it), no image and no
 * network access. Same sections, in the same order, as the HTML page.
 */
import PDFDocument from "pdfkit";
import type { InvoiceDocumentModel, PartyModel } from "./model";
import { type DocumentLabels, fill } from "../../core/labels";
import { type FontWeight, fontFile, fontRuns } from "./fonts";
import { type FacturXAttachment, attachFacturX, pdfaOptions } from "../../einvoice/facturx/pack";

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 46;
const CONTENT = A4.width - 2 * MARGIN;
const BOTTOM = A4.height - MARGIN - 18;

const INK = "#14171f";
const MUTED = "#5b6474";
const LINE = "#e3e6ec";
const SOFT = "#f5f7fa";
const TONES: Record<InvoiceDocumentModel["status"]["tone"], { fg: string; bg: string }> = {
  neutral: { fg: MUTED, bg: SOFT },
  good: { fg: "#137a4b", bg: "#e7f6ee" },
  warn: { fg: "#9a5b00", bg: "#fff4e0" },
  bad: { fg: "#b42318", bg: "#fdecea" },
};

interface TextOptions {
  width?: number;
  align?: "left" | "right" | "center";
  weight?: FontWeight;
  size?: number;
  color?: string;
  lineGap?: number;
}

/** Draws text with pdfkit, switching to each character's font subset. */
/**
 * `text` with the characters the embedded Inter subsets cannot draw replaced by ones they can: the narrow no-break
 * space French uses between digit groups (U+202F) becomes a no-break space (U+00A0), the same width in print.
 */
function printable(text: string): string {
  return text.replace(/\u202f/g, "\u00a0");
}

class Writer {
  private readonly registered = new Set<string>();

  constructor(readonly doc: PDFKit.PDFDocument) {}

  private use(path: string, weight: FontWeight, subset: string): void {
    const name = `Inter-${weight}-${subset}`;
    if (!this.registered.has(name)) {
      this.doc.registerFont(name, fontFile(path));
      this.registered.add(name);
    }
    this.doc.font(name);
  }

  private style(o: TextOptions): PDFKit.Mixins.TextOptions {
    this.doc.fontSize(o.size ?? 9.5).fillColor(o.color ?? INK);
    return { width: o.width, align: o.align ?? "left", lineGap: o.lineGap ?? 1.5 };
  }

  /** Writes `text` at (x, y); returns the y below it. */
  text(raw: string, x: number, y: number, o: TextOptions = {}): number {
    const text = printable(raw);
    const weight = o.weight ?? 400;
    const options = this.style(o);
    const runs = fontRuns(text === "" ? " " : text, weight);
    runs.forEach((run, n) => {
      this.use(run.face.woffPath, weight, run.face.subset);
      const continued = n < runs.length - 1;
      if (n === 0) this.doc.text(run.text, x, y, { ...options, continued });
      else this.doc.text(run.text, { ...options, continued });
    });
    return this.doc.y;
  }

  /** Height `text` takes at `o.width` (measured with the latin subset). */
  height(text: string, o: TextOptions & { width: number }): number {
    const options = this.measuring(o);
    return this.doc.heightOfString(text === "" ? " " : printable(text), options);
  }

  /** Width of `text` on one line (measured with the latin subset). */
  width(text: string, o: TextOptions = {}): number {
    this.measuring(o);
    return this.doc.widthOfString(printable(text));
  }

  private measuring(o: TextOptions): PDFKit.Mixins.TextOptions {
    const weight = o.weight ?? 400;
    const options = this.style(o);
    this.use(fontRuns(" ", weight)[0]!.face.woffPath, weight, "latin");
    return options;
  }
}

function label(w: Writer, text: string, x: number, y: number, width?: number, align?: TextOptions["align"]): number {
  return w.text(text.toUpperCase(), x, y, { size: 7.5, weight: 600, color: MUTED, width, align });
}

function partyBlock(w: Writer, title: string, p: PartyModel | null, x: number, y: number, width: number, l: DocumentLabels): number {
  y = label(w, title, x, y, width) + 3;
  if (!p) {
    y = w.text(l.anyone, x, y, { weight: 600, size: 10.5, width });
    return w.text(l.openInvoice, x, y, { color: MUTED, width, size: 8.5 });
  }
  y = w.text(p.heading, x, y, { weight: 600, size: 10.5, width });
  for (const line of p.lines) y = w.text(line, x, y, { width, size: 9 });
  return p.address === null ? y : w.text(p.address, x, y + 2, { width, size: 7.5, color: MUTED });
}

/** The line-item columns, left to right: description, quantity, unit price, [discount], [tax], amount. */
function itemColumns(m: InvoiceDocumentModel): Array<{ title: string; x: number; width: number; align: "left" | "right" }> {
  const { columns: show, labels: l } = m;
  const fixed = [
    { title: l.quantity, width: 40 },
    { title: l.unitPrice, width: 90 },
    ...(show.discount ? [{ title: l.discount, width: 80 }] : []),
    ...(show.tax ? [{ title: l.tax, width: 55 }] : []),
    { title: show.tax ? l.net : l.amount, width: 95 },
  ];
  const gap = 5;
  const description = CONTENT - fixed.reduce((sum, c) => sum + c.width + gap, 0);
  let x = MARGIN + description + gap;
  const rest = fixed.map((c) => {
    const col = { ...c, x, align: "right" as const };
    x += c.width + gap;
    return col;
  });
  return [{ title: m.labels.description, x: MARGIN, width: description, align: "left" }, ...rest];
}

/**
 * Renders the model as a PDF (A4) and returns its bytes; with `facturx`, as a Factur-X invoice (PDF/A-3B carrying the
 * CII as factur-x.xml, created at the attachment's time).
 */
export function renderInvoicePdf(m: InvoiceDocumentModel, facturx?: FacturXAttachment): Promise<Buffer> {
  const pdfa = facturx ? pdfaOptions(facturx.createdAt) : undefined;
  const doc = new PDFDocument({
    ...pdfa,
    size: "A4",
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `${m.title} — ${m.issuer}`,
      Author: m.issuer,
      Subject: `${m.status.label}; ${m.verification.headline}`,
      Creator: "Settle API",
      ...pdfa?.info,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const w = new Writer(doc);
  const l = m.labels;
  const rule = (y: number, color = LINE, width = 0.75) =>
    doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + CONTENT, y)
      .lineWidth(width)
      .strokeColor(color)
      .stroke();
  const ensure = (y: number, needed: number, header?: () => number): number => {
    if (y + needed <= BOTTOM) return y;
    doc.addPage();
    return header ? header() : MARGIN;
  };

  // Header: who issues it, the title and the status.
  let y = MARGIN;
  const brandBottom = w.text(m.issuer, MARGIN, y, { weight: 600, size: 12.5, width: 260 });
  w.text(fill(l.paidThrough, { chain: m.chain.name }), MARGIN, brandBottom, { size: 8, color: MUTED, width: 260 });
  const titleBottom = w.text(m.title, MARGIN + CONTENT - 240, y - 3, { weight: 600, size: 22, width: 240, align: "right" });
  const tone = TONES[m.status.tone];
  const pillText = m.status.label.toUpperCase();
  const pillWidth = w.width(pillText, { size: 7.5, weight: 600 }) + 16;
  doc.roundedRect(MARGIN + CONTENT - pillWidth, titleBottom + 3, pillWidth, 15, 7.5).fill(tone.bg);
  w.text(pillText, MARGIN + CONTENT - pillWidth, titleBottom + 7.5, {
    size: 7.5,
    weight: 600,
    color: tone.fg,
    width: pillWidth,
    align: "center",
  });
  y = Math.max(titleBottom + 26, brandBottom + 20);
  rule(y, INK, 1.5);

  // Parties and dates.
  y += 16;
  const col = (CONTENT - 40) / 3;
  const fromBottom = partyBlock(w, l.from, m.merchant, MARGIN, y, col, l);
  const toBottom = partyBlock(w, l.billTo, m.payer, MARGIN + col + 20, y, col, l);
  let metaY = y;
  for (const [k, v] of [
    [l.issued, m.issued],
    [l.due, m.due],
    [l.currency, m.token.symbol],
    [l.chain, String(m.chain.id)],
  ] as const) {
    w.text(k, MARGIN + 2 * (col + 20), metaY, { color: MUTED, width: col });
    metaY = w.text(v, MARGIN + 2 * (col + 20), metaY, { weight: 600, width: col, align: "right" }) + 2;
  }
  y = Math.max(fromBottom, toBottom, metaY) + 16;
  if (m.delivery) y = partyBlock(w, l.deliverTo, m.delivery, MARGIN, y, col, l) + 16;

  // Line items: the description takes what the optional columns (discount, tax) leave.
  const cols = itemColumns(m);
  const itemsHeader = (top = MARGIN) => {
    for (const c of cols) label(w, c.title, c.x, top, c.width, c.align);
    rule(top + 13, INK, 1);
    return top + 20;
  };
  y = itemsHeader(y);
  if (m.lineItems.length === 0) {
    y = w.text(l.noLineItems, MARGIN, y, { color: MUTED, width: CONTENT }) + 8;
    rule(y - 4);
  }
  for (const item of m.lineItems) {
    const height = w.height(item.description, { width: cols[0]!.width });
    y = ensure(y, height + 10, itemsHeader);
    const cells = [item.description, item.quantity, item.unitPrice];
    if (m.columns.discount) cells.push(item.discount ?? "");
    if (m.columns.tax) cells.push(item.tax ?? "");
    cells.push(item.amount);
    cells.forEach((cell, n) => w.text(cell, cols[n]!.x, y, { width: cols[n]!.width, align: cols[n]!.align }));
    y += height + 6;
    rule(y);
    y += 6;
  }

  // Totals.
  y = ensure(y + 4, m.totals.length * 16 + 20);
  const totalsX = MARGIN + CONTENT - 290;
  for (const t of m.totals) {
    if (t.emphasis) {
      doc
        .moveTo(totalsX, y + 2)
        .lineTo(MARGIN + CONTENT, y + 2)
        .lineWidth(1.5)
        .strokeColor(INK)
        .stroke();
      y += 9;
    }
    const o = t.emphasis ? { weight: 600 as const, size: 12.5 } : { color: MUTED };
    w.text(t.label, totalsX, y, { ...o, width: 150 });
    y = w.text(t.value, totalsX + 100, y, { ...o, color: INK, width: 190, align: "right" }) + 4;
  }

  // Tax mentions, the reform's and late-payment mentions, and payment terms.
  const mentions = [...m.taxMentions, ...m.legalMentions.map((t) => t.text), ...(m.terms ? [`${l.paymentTerms}: ${m.terms}`] : [])];
  for (const mention of mentions) {
    y = ensure(y + 4, 14);
    y = w.text(mention, MARGIN, y + 4, { size: 8.5, color: MUTED, width: CONTENT });
  }

  // Notes.
  if (m.notes) {
    const height = w.height(m.notes, { width: CONTENT - 24 }) + 30;
    y = ensure(y + 12, height);
    doc.roundedRect(MARGIN, y, CONTENT, height, 5).fill(SOFT);
    label(w, l.notes, MARGIN + 12, y + 9);
    w.text(m.notes, MARGIN + 12, y + 21, { width: CONTENT - 24 });
    y += height;
  }

  // Verification.
  const v = m.verification;
  const vHeight = w.height(v.detail, { width: CONTENT - 56, size: 8 }) + 34;
  y = ensure(y + 16, vHeight);
  const vTone = v.verified ? TONES.good : TONES.bad;
  doc.roundedRect(MARGIN, y, CONTENT, vHeight, 5).fill(vTone.bg);
  doc.circle(MARGIN + 23, y + 21, 10).fill(vTone.fg);
  if (v.verified) {
    doc
      .moveTo(MARGIN + 18, y + 21)
      .lineTo(MARGIN + 22, y + 25)
      .lineTo(MARGIN + 28.5, y + 17)
      .lineWidth(2)
      .strokeColor("#ffffff")
      .stroke();
  } else {
    doc.rect(MARGIN + 22, y + 14.5, 2, 8).fill("#ffffff");
    doc.rect(MARGIN + 22, y + 24.5, 2, 2).fill("#ffffff");
  }
  const headlineBottom = w.text(v.headline, MARGIN + 42, y + 11, { weight: 600, size: 10.5, width: CONTENT - 56, color: vTone.fg });
  w.text(v.detail, MARGIN + 42, headlineBottom + 2, { size: 8, color: MUTED, width: CONTENT - 56 });
  y += vHeight;

  // Activity: one block per event, the transaction on its own line.
  const activityHeader = (top = MARGIN) => {
    w.text(l.activity.toUpperCase(), MARGIN, top, { weight: 600, size: 9 });
    rule(top + 14, INK, 1);
    return top + 21;
  };
  y = ensure(y + 22, 60, activityHeader);
  y = activityHeader(y);
  if (m.activity.length === 0) {
    y = w.text(l.nothingOnChain, MARGIN, y, {
      color: MUTED,
      width: CONTENT,
    });
  }
  for (const a of m.activity) {
    y = ensure(y, 38, activityHeader);
    w.text(a.time, MARGIN, y, { width: 110, color: MUTED, size: 8.5 });
    w.text(a.label, MARGIN + 115, y, { weight: 600, width: 170 });
    w.text(a.amount ?? "", MARGIN + 290, y, { width: CONTENT - 290, align: "right" });
    y = w.text(`tx ${a.txHash} · block ${a.block}${a.by ? ` · by ${a.by}` : ""}`, MARGIN + 115, y + 13, {
      size: 7,
      color: MUTED,
      width: CONTENT - 115,
    });
    y += 5;
    rule(y);
    y += 6;
  }

  // The seller's footer (legal mentions).
  if (m.footer) {
    y = ensure(y + 12, w.height(m.footer, { width: CONTENT, size: 8 }) + 6);
    y = w.text(m.footer, MARGIN, y + 12, { size: 8, color: MUTED, width: CONTENT });
  }

  // Closing facts: the first two (escrow contract, token: long addresses) across the page, the others in two columns.
  const wide = m.facts.slice(0, 2);
  const rest = m.facts.slice(2);
  y = ensure(y + 14, (wide.length + Math.ceil(rest.length / 2)) * 11 + 10);
  rule(y);
  y += 7;
  const fact = (f: { label: string; value: string }, x: number, top: number, width: number) => {
    w.text(f.label, x, top, { size: 7, color: MUTED, width: 70 });
    return w.text(f.value, x + 72, top, { size: 7, color: MUTED, width: width - 72 });
  };
  for (const f of wide) y = fact(f, MARGIN, y, CONTENT) + 1;
  for (let n = 0; n < rest.length; n += 2) {
    const left = fact(rest[n]!, MARGIN, y, CONTENT / 2 - 10);
    const right = rest[n + 1] ? fact(rest[n + 1]!, MARGIN + CONTENT / 2, y, CONTENT / 2) : left;
    y = Math.max(left, right) + 1;
  }

  // Page numbers, in the bottom margin (which pdfkit would otherwise treat as a page break).
  const range = doc.bufferedPageRange();
  for (let page = range.start; page < range.start + range.count; page++) {
    doc.switchToPage(page);
    doc.page.margins.bottom = 0;
    w.text(fill(l.page, { title: m.title, page: page + 1, pages: range.count }), MARGIN, A4.height - MARGIN + 8, {
      size: 7,
      color: MUTED,
      width: CONTENT,
      align: "right",
    });
  }
  if (facturx) attachFacturX(doc, facturx);
  doc.end();
  return done;
}
