/** The invoice screen's email card (merchant only): each email of the invoice, to whom, and whether it was sent. */
import { EMAIL_STATE_TONE } from "../../../../core/email";
import { CATALOGUES } from "../../../../core/labels";
import { locale, t } from "../../i18n";
import { formatDateTime } from "../../lib/format";
import { h } from "../../ui/dom";
import { badge } from "../../ui/feedback";
import type { Loaded } from "./screen";

/** The emails card, or null when the API lists no email for this invoice (not the merchant, or email off). */
export function emailsCard({ record }: Loaded): HTMLElement | null {
  const emails = record?.emails ?? [];
  if (emails.length === 0) return null;
  const labels = CATALOGUES[locale()].email;
  return h(
    "section",
    { class: "card emails-card", "aria-label": t().emails.title, id: "invoice-emails" },
    h("h2", null, t().emails.title),
    h(
      "dl",
      { class: "kv kv-compact" },
      emails.map((email) => [
        h("dt", null, labels.kind[email.kind], h("br"), h("span", { class: "muted" }, email.to)),
        h(
          "dd",
          { "data-kind": email.kind, "data-state": email.state },
          badge(labels.state[email.state], EMAIL_STATE_TONE[email.state]),
          email.sentAt
            ? h("span", { class: "muted" }, " ", formatDateTime(new Date(email.sentAt)))
            : email.lastError
              ? h("span", { class: "muted", title: email.lastError }, ` ${email.attempts}×: ${email.lastError}`)
              : null,
        ),
      ]),
    ),
  );
}
