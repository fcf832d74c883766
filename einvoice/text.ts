import type { Party, PostalAddress, SettleInvoice } from "./input";
import { EinvoiceRefusal } from "./refusal";

/** Characters XML 1.0 cannot carry: C0 controls other than tab, newline and return, U+FFFE/U+FFFF, unpaired surrogates. */
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/** The free text of a postal address, in one string. */
function addressText(address: PostalAddress): string {
  return [address.line1, address.line2, address.city, address.postalCode, address.region].join(" ");
}

/** Every free text of a party, named for a refusal. */
function partyTexts(party: Party, role: string): Array<[string, string | null | undefined]> {
  const address = party.address;
  return [
    [`the ${role}'s name`, party.name],
    [`the ${role}'s email`, party.email],
    [`the ${role}'s address`, address ? addressText(address) : null],
  ];
}

/**
 * Refuses an invoice whose free text (names, addresses, descriptions, notes, terms) has a character XML cannot carry;
 * markup characters, quotes, emoji and right-to-left script are fine (the XML writer escapes them).
 */
export function checkTexts(invoice: SettleInvoice): void {
  const texts: Array<[string, string | null | undefined]> = [
    ["the number", invoice.number],
    ["the notes", invoice.notes],
    ["the payment terms", invoice.paymentTerms],
    ...partyTexts(invoice.seller, "seller"),
    ...partyTexts(invoice.buyer, "buyer"),
    ["the delivery name", invoice.delivery?.name],
    ["the delivery address", invoice.delivery ? addressText(invoice.delivery.address) : null],
    ...(invoice.mentions ?? []).map((m): [string, string] => [`the ${m.kind} mention`, m.text]),
    ...invoice.lines.map((line, index): [string, string] => [`line ${index + 1}'s description`, line.description]),
  ];
  for (const [what, value] of texts) {
    const bad = value ? NOT_XML.exec(value) : null;
    if (bad) {
      const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      throw new EinvoiceRefusal("invalid_text", `${what} contains U+${code}, which an XML e-invoice cannot carry: remove it`);
    }
  }
}
