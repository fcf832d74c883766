import type { EmailKind } from "../../../core/email";
import { CATALOGUES, type Locale, fill } from "../../../core/labels";
import { type InvoiceDocumentModel, formatAmount } from "../../documents/model";

/** The text of one invoice email. */
export interface ComposedEmail {
  subject: string;
  text: string;
}

/**
 * Subject and plain-text body of a `kind` message about the invoice `model` shows, in `language` (core/labels
 * `email`): a sentence with the invoice's title, total and due date, the chain it is on, then `link` (the customer's share link, or the
 * merchant's invoice page), the attachment line for the customer's copy (`facturX`: the PDF is a Factur-X e-invoice),
 * and the signature.
 */
export function composeEmail(
  kind: EmailKind,
  model: InvoiceDocumentModel,
  amount: bigint,
  link: string,
  language: Locale,
  facturX = false,
): ComposedEmail {
  const l = CATALOGUES[language].email;
  const values = {
    title: model.title,
    merchant: model.issuer,
    total: formatAmount(amount, model.token, language),
    due: model.due,
  };
  const customer = kind === "invoice_issued";
  const paragraphs = [
    fill(l.body[kind], values),
    fill(l.network, { chain: model.chain.name, chainId: model.chain.id }),
    `${customer ? l.openLink : l.pageLink}\n${link}`,
    ...(customer ? [facturX ? l.attachedFacturX : l.attached] : []),
    fill(l.signature, values),
  ];
  return { subject: fill(l.subject[kind], values), text: paragraphs.join("\n\n") + "\n" };
}
