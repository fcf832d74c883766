/** The EN 16931 syntaxes the validator knows, by the namespace and name of the document's root element. */
export const SYNTAXES = {
  cii: { namespace: "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100", root: "CrossIndustryInvoice", label: "CII" },
  ublInvoice: { namespace: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", root: "Invoice", label: "UBL Invoice" },
  ublCreditNote: {
    namespace: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    root: "CreditNote",
    label: "UBL CreditNote",
  },
} as const;

/** One of the syntaxes: CII (Factur-X's XML), UBL 2.1 Invoice or UBL 2.1 CreditNote. */
export type Syntax = keyof typeof SYNTAXES;

/** The Schematron family each syntax is checked by: UBL Invoice and CreditNote share one rule set. */
export function schematronFamily(syntax: Syntax): "cii" | "ubl" {
  return syntax === "cii" ? "cii" : "ubl";
}

/** A document that is not one the validator knows; the message says what it accepts. */
export class UnknownSyntaxError extends Error {
  constructor(namespace: string, name: string) {
    const known = Object.values(SYNTAXES)
      .map((syntax) => `${syntax.label} ({${syntax.namespace}}${syntax.root})`)
      .join(", ");
    super(`the root element {${namespace}}${name} is not an EN 16931 document: expected one of ${known}`);
    this.name = "UnknownSyntaxError";
  }
}

/** The syntax of a document from its root element's namespace and local name; throws UnknownSyntaxError otherwise. */
export function detectSyntax(namespace: string, name: string): Syntax {
  const found = (Object.keys(SYNTAXES) as Syntax[]).find((key) => SYNTAXES[key].namespace === namespace && SYNTAXES[key].root === name);
  if (found === undefined) throw new UnknownSyntaxError(namespace, name);
  return found;
}
