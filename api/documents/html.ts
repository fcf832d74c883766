/**
 * The HTML rendering of an invoice document model: one self-contained page (inline CSS, the font as
 * data URIs, no script, no link to anything) that prints on A4. Every string of the model goes
 * through core/markup's escapeMarkup.
 */
import type { InvoiceDocumentModel, PartyModel } from "./model";
import { type DocumentLabels, fill } from "../../core/labels";
import { fontFaceCss } from "./fonts";
import { escapeMarkup } from "../../core/markup";

/** The Content-Security-Policy the page is served with: nothing may load, styles and fonts are inline. */
export const DOCUMENT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; base-uri 'none'; form-action 'none'";

const e = escapeMarkup;

const STYLE = `
:root{--ink:#14171f;--muted:#5b6474;--line:#e3e6ec;--soft:#f5f7fa;--accent:#2f5bea;--good:#137a4b;--good-bg:#e7f6ee;--bad:#b42318;--bad-bg:#fdecea;--warn:#9a5b00;--warn-bg:#fff4e0}
*{box-sizing:border-box}
html{background:#eef0f4}
body{margin:0;font-family:"Inter",system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);font-size:13px;line-height:1.45;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.sheet{width:210mm;min-height:297mm;margin:24px auto;background:#fff;padding:18mm 16mm;box-shadow:0 1px 3px rgba(16,24,40,.12),0 8px 24px rgba(16,24,40,.08)}
header{display:flex;justify-content:space-between;align-items:flex-start;gap:24px;padding-bottom:18px;border-bottom:2px solid var(--ink)}
.brand{font-weight:600;font-size:15px;letter-spacing:.02em}
.brand small{display:block;font-weight:400;color:var(--muted);font-size:11px;letter-spacing:0}
h1{margin:0;font-size:28px;font-weight:600;letter-spacing:-.01em;text-align:right}
.status{display:inline-block;margin-top:6px;padding:3px 10px;border-radius:999px;font-size:11px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;background:var(--soft);color:var(--muted)}
.status.good{background:var(--good-bg);color:var(--good)}.status.bad{background:var(--bad-bg);color:var(--bad)}.status.warn{background:var(--warn-bg);color:var(--warn)}
.right{text-align:right}
.parties{display:grid;grid-template-columns:1fr 1fr 0.9fr;gap:20px;margin:22px 0}
.label{font-size:10.5px;font-weight:600;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);margin-bottom:4px}
.party .name{font-weight:600;font-size:14px}
.addr,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:10.5px;overflow-wrap:anywhere;color:var(--muted)}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:3px 12px}dt{color:var(--muted)}dd{margin:0;text-align:right;font-weight:600}
table{width:100%;border-collapse:collapse}
th{font-size:10.5px;font-weight:600;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);text-align:left;padding:8px 8px;border-bottom:1px solid var(--ink)}
td{padding:9px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
.items td:first-child{width:55%}
.desc{white-space:pre-wrap;overflow-wrap:anywhere}
.empty{color:var(--muted);font-style:italic}
.totals{margin:14px 0 0 auto;width:58%}
.totals td{border:0;padding:4px 8px}
.totals tr.due td{border-top:2px solid var(--ink);padding-top:9px;font-size:16px;font-weight:600}
.mention{margin:8px 0 0;font-size:11px;color:var(--muted)}
.notes{margin-top:18px;padding:12px 14px;background:var(--soft);border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere}
.verify{margin-top:22px;padding:12px 14px;border-radius:6px;border:1px solid var(--line);display:flex;gap:12px;align-items:flex-start}
.verify .mark{flex:none;width:22px;height:22px;border-radius:50%;color:#fff;font-weight:600;text-align:center;line-height:22px}
.verify.ok{background:var(--good-bg);border-color:#b7e1c9}.verify.ok .mark{background:var(--good)}
.verify.fail{background:var(--bad-bg);border-color:#f4c7c3}.verify.fail .mark{background:var(--bad)}
.verify .headline{font-weight:600}.verify .detail{font-size:11px;color:var(--muted);overflow-wrap:anywhere}
h2{font-size:12px;font-weight:600;letter-spacing:.08em;text-transform:uppercase;margin:26px 0 6px}
.activity td{font-size:12px}.activity .when{width:150px;color:var(--muted);white-space:nowrap}.activity .what{font-weight:600}
.activity tr.event td{border-bottom:0;padding-bottom:2px}.activity tr.tx td{padding-top:0;font-size:10px}.activity tbody{break-inside:avoid}
footer{margin-top:28px;padding-top:12px;border-top:1px solid var(--line);font-size:10.5px;color:var(--muted);display:grid;grid-template-columns:auto 1fr;gap:2px 12px}
@page{size:A4;margin:14mm}
@media print{html{background:#fff}.sheet{width:auto;min-height:0;margin:0;padding:0;box-shadow:none}tr{break-inside:avoid}.verify,.totals{break-inside:avoid}}
`;

function partyHtml(label: string, p: PartyModel | null, l: DocumentLabels): string {
  if (!p) {
    return `<section class="party"><div class="label">${e(label)}</div><div class="name">${e(l.anyone)}</div><div class="empty">${e(l.openInvoice)}</div></section>`;
  }
  const lines = p.lines.map((line) => `<div>${e(line)}</div>`).join("");
  const account = p.address === null ? "" : `<div class="addr">${e(p.address)}</div>`;
  return `<section class="party"><div class="label">${e(label)}</div><div class="name">${e(p.heading)}</div>${lines}${account}</section>`;
}

/** Renders the whole page. */
export function renderInvoiceHtml(m: InvoiceDocumentModel): string {
  const l = m.labels;
  const optional = (cell: string | null, shown: boolean) => (shown ? `<td class="num">${e(cell ?? "")}</td>` : "");
  const width = 4 + Number(m.columns.discount) + Number(m.columns.tax);
  const items =
    m.lineItems.length === 0
      ? `<tr><td colspan="${width}" class="empty">${e(l.noLineItems)}</td></tr>`
      : m.lineItems
          .map(
            (i) =>
              `<tr><td class="desc">${e(i.description)}</td><td class="num">${e(i.quantity)}</td><td class="num">${e(i.unitPrice)}</td>` +
              `${optional(i.discount, m.columns.discount)}${optional(i.tax, m.columns.tax)}<td class="num">${e(i.amount)}</td></tr>`,
          )
          .join("");
  const head =
    `<th>${e(l.description)}</th><th class="num">${e(l.quantity)}</th><th class="num">${e(l.unitPrice)}</th>` +
    `${m.columns.discount ? `<th class="num">${e(l.discount)}</th>` : ""}${m.columns.tax ? `<th class="num">${e(l.tax)}</th>` : ""}` +
    `<th class="num">${e(m.columns.tax ? l.net : l.amount)}</th>`;
  const totals = m.totals
    .map((t) => `<tr${t.emphasis ? ' class="due"' : ""}><td>${e(t.label)}</td><td class="num">${e(t.value)}</td></tr>`)
    .join("");
  const activity =
    m.activity.length === 0
      ? `<tbody><tr><td colspan="3" class="empty">${e(l.nothingOnChain)}</td></tr></tbody>`
      : m.activity
          .map(
            (a) =>
              `<tbody><tr class="event"><td class="when">${e(a.time)}</td><td class="what">${e(a.label)}</td><td class="num">${e(a.amount ?? "")}</td></tr>` +
              `<tr class="tx"><td></td><td colspan="2" class="mono">tx ${e(a.txHash)} · block ${a.block}${a.by ? ` · by ${e(a.by)}` : ""}</td></tr></tbody>`,
          )
          .join("");
  const v = m.verification;
  const text = JSON.stringify(m);
  return `<!doctype html>
<html lang="${m.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(`${m.title} — ${m.issuer}`)}</title>
<style>${fontFaceCss(text)}${STYLE}</style></head>
<body><main class="sheet">
<header><div class="brand">${e(m.issuer)}<small>${e(fill(l.paidThrough, { chain: m.chain.name }))}</small></div>
<div class="right"><h1>${e(m.title)}</h1><span class="status ${m.status.tone}" data-status="${e(m.status.code)}">${e(m.status.label)}</span></div></header>
<div class="parties">${partyHtml(l.from, m.merchant, l)}${partyHtml(l.billTo, m.payer, l)}
<section><dl><dt>${e(l.issued)}</dt><dd>${e(m.issued)}</dd><dt>${e(l.due)}</dt><dd>${e(m.due)}</dd><dt>${e(l.currency)}</dt><dd>${e(m.token.symbol)}</dd><dt>${e(l.chain)}</dt><dd>${m.chain.id}</dd></dl></section></div>
${m.delivery ? `<div class="parties deliver-to">${partyHtml(l.deliverTo, m.delivery, l)}</div>` : ""}
<table class="items"><thead><tr>${head}</tr></thead><tbody>${items}</tbody></table>
<table class="totals"><tbody>${totals}</tbody></table>
${m.taxMentions.map((t) => `<p class="mention">${e(t)}</p>`).join("")}
${m.legalMentions.map((t) => `<p class="mention" data-mention="${t.kind}">${e(t.text)}</p>`).join("")}
${m.terms ? `<p class="mention terms"><strong>${e(l.paymentTerms)}</strong> ${e(m.terms)}</p>` : ""}
${m.notes ? `<div class="notes"><div class="label">${e(l.notes)}</div>${e(m.notes)}</div>` : ""}
<div class="verify ${v.verified ? "ok" : "fail"}" data-verification="${e(v.state)}"><div class="mark">${v.verified ? "✓" : "!"}</div><div><div class="headline">${e(v.headline)}</div><div class="detail">${e(v.detail)}</div></div></div>
<h2>${e(l.activity)}</h2>
<table class="activity"><thead><tr><th>${e(l.time)}</th><th>${e(l.eventAndTx)}</th><th class="num">${e(l.amount)}</th></tr></thead>${activity}</table>
${m.footer ? `<p class="mention legal-footer">${e(m.footer)}</p>` : ""}
<footer>${m.facts.map((f) => `<span>${e(f.label)}</span><span class="mono">${e(f.value)}</span>`).join("")}</footer>
</main></body></html>
`;
}
