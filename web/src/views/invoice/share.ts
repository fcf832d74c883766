/** The invoice screen's share card: the link to send the payer, and the printable document and PDF. */
import { invoiceDocumentUrls } from "../../lib/api";
import { copyButton } from "../../ui/controls";
import { h } from "../../ui/dom";
import { icon } from "../../ui/icons";

/** Share link and the document links. */
export function shareCard(id: string, merchant: boolean): HTMLElement {
  const link = `${location.origin}${location.pathname}#/invoice/${id}`;
  const docs = invoiceDocumentUrls(id);
  return h(
    "section",
    { class: "card share-card", "aria-label": "Share" },
    h("h2", null, "Share"),
    h(
      "p",
      { class: "muted" },
      merchant
        ? "Send this link to the payer. They open it, connect their wallet and pay."
        : "The link to this invoice, and its printable document.",
    ),
    h("input", { type: "text", readonly: true, value: link, "aria-label": "Invoice link", id: "share-link", class: "share-input" }),
    h(
      "div",
      { class: "doc-links" },
      copyButton(link, "Copy link"),
      h(
        "a",
        { class: "btn btn-ghost btn-sm", href: docs.html, target: "_blank", rel: "noopener", id: "document-link" },
        icon("file", 16),
        " View",
      ),
      h(
        "a",
        { class: "btn btn-ghost btn-sm", href: docs.pdf, target: "_blank", rel: "noopener", id: "pdf-link" },
        icon("download", 16),
        " PDF",
      ),
    ),
  );
}
