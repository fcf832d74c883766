/**
 * The invoice screen's share card: the link to send the payer, the printable document and PDF, and the e-invoices
 * (Factur-X, UBL, CII).
 */
import { invoiceHash } from "../../ui/chains";
import { EINVOICE_FORMATS, type EinvoiceDownload } from "../../../../core/einvoice";
import { downloadFile, invoiceDocumentUrls, invoiceEinvoiceUrl } from "../../lib/api";
import { t } from "../../i18n";
import { copyButton } from "../../ui/controls";
import { h } from "../../ui/dom";
import { icon } from "../../ui/icons";
import { actionButton } from "../../ui/page";

/** Downloads the invoice's e-invoice in `format` and hands it to the browser as a file (an API refusal is thrown). */
async function saveEinvoice(id: string, format: EinvoiceDownload): Promise<void> {
  const { blob, fileName } = await downloadFile(invoiceEinvoiceUrl(id, format));
  const url = URL.createObjectURL(blob);
  h("a", { href: url, download: fileName }).click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The e-invoice buttons with their hint; a refusal (422: not in a currency, a detail missing…) shows the API's reason. */
function einvoiceLinks(id: string): HTMLElement {
  const text = t().share;
  return h(
    "div",
    { class: "einvoice-links", id: "einvoice-links" },
    h(
      "div",
      { class: "doc-links" },
      EINVOICE_FORMATS.map((format) =>
        actionButton([icon("download", 16), ` ${text.formats[format]}`], () => saveEinvoice(id, format), {
          class: "btn btn-ghost btn-sm",
          id: `einvoice-${format}`,
        }),
      ),
    ),
    h("p", { class: "hint" }, text.einvoiceHint),
  );
}

/** Share link, the document links and the e-invoice downloads. */
export function shareCard(id: string, chainId: number, merchant: boolean): HTMLElement {
  const link = `${location.origin}${location.pathname}${invoiceHash(chainId, id)}`;
  const docs = invoiceDocumentUrls(id);
  const text = t().share;
  return h(
    "section",
    { class: "card share-card", "aria-label": text.title },
    h("h2", null, text.title),
    h("p", { class: "muted" }, merchant ? text.merchantText : text.text),
    h("input", { type: "text", readonly: true, value: link, "aria-label": text.link, id: "share-link", class: "share-input" }),
    h(
      "div",
      { class: "doc-links" },
      copyButton(link, text.copy),
      h(
        "a",
        { class: "btn btn-ghost btn-sm", href: docs.html, target: "_blank", rel: "noopener", id: "document-link" },
        icon("file", 16),
        ` ${text.view}`,
      ),
      h(
        "a",
        { class: "btn btn-ghost btn-sm", href: docs.pdf, target: "_blank", rel: "noopener", id: "pdf-link" },
        icon("download", 16),
        ` ${text.pdf}`,
      ),
    ),
    einvoiceLinks(id),
  );
}
