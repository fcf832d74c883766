/** The invoice screen's credit notes: one per return of funds to the payer, with its number, amount and documents. */
import { t } from "../../i18n";
import { formatDate, formatToken } from "../../lib/format";
import { h } from "../../ui/dom";
import type { Loaded } from "./screen";

/** The HTML and PDF addresses of a credit note's document (the API's documentPath, `.pdf` before the query). */
export function creditNoteUrls(documentPath: string): { html: string; pdf: string } {
  const [path = "", query = ""] = documentPath.split("?");
  return { html: documentPath, pdf: `${path}.pdf${query ? `?${query}` : ""}` };
}

/** The card listing the invoice's credit notes (nothing while the details are not available). */
export function creditNotesCard({ record, creditNotes, token }: Loaded): HTMLElement | null {
  if (!record?.details) return null;
  const text = t().invoice;
  return h(
    "section",
    { class: "card", id: "credit-notes", "aria-label": text.creditNotes },
    h("div", { class: "card-head" }, h("h2", null, text.creditNotes)),
    creditNotes.length === 0
      ? h("p", { class: "muted", id: "no-credit-notes" }, text.noCreditNotes)
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "line-table" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                h("th", { scope: "col" }, text.creditNumber),
                h("th", { scope: "col" }, text.creditIssued),
                h("th", { scope: "col", class: "num" }, text.creditAmount),
                h("th", { scope: "col" }, text.creditDocument),
              ),
            ),
            h(
              "tbody",
              null,
              creditNotes.map((note) => {
                const urls = creditNoteUrls(note.documentPath);
                return h(
                  "tr",
                  { "data-credit-note": note.number },
                  h("td", { class: "mono" }, note.number),
                  h("td", null, formatDate(new Date(note.issuedAt))),
                  h("td", { class: "num" }, formatToken(BigInt(note.amount), token)),
                  h(
                    "td",
                    null,
                    h("a", { href: urls.html, target: "_blank", rel: "noopener", class: "credit-note-html" }, text.html),
                    " · ",
                    h("a", { href: urls.pdf, target: "_blank", rel: "noopener", class: "credit-note-pdf" }, text.pdf),
                  ),
                );
              }),
            ),
          ),
        ),
    h("p", { class: "hint" }, text.creditNotesLead),
  );
}
