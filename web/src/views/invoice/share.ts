/** The invoice screen's share card: the link to send the payer, and the printable document and PDF. */
import { invoiceDocumentUrls } from "../../lib/api";
import { t } from "../../i18n";
import { copyButton } from "../../ui/controls";
import { h } from "../../ui/dom";
import { icon } from "../../ui/icons";

/** Share link and the document links. */
export function shareCard(id: string, merchant: boolean): HTMLElement {
  const link = `${location.origin}${location.pathname}#/invoice/${id}`;
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
  );
}
