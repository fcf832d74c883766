/** Where a failure comes from: the XML schema (xmllint), the CEN Schematron rules, the XML not parsing at all, or a Factur-X PDF's packaging. */
export type FailureSource = "xml" | "xsd" | "schematron" | "facturx";

/** How serious a failure is: a Schematron `flag` (CEN uses fatal and warning); schema and parse errors are fatal. */
export type FailureFlag = "fatal" | "warning" | (string & {});

/** One broken rule of a document. */
export interface Failure {
  /** Which check found it. */
  readonly source: FailureSource;
  /** The rule's id, e.g. BR-CO-15; `XSD` or `XML` for schema and parse errors. */
  readonly id: string;
  /** fatal or warning (Schematron's flag). */
  readonly flag: FailureFlag;
  /** What the rule says, without the `[id]-` prefix CEN puts in front. */
  readonly text: string;
  /** Where it failed: an XPath to the node (prefixes as in the Schematron) or `line N` for schema errors. */
  readonly location: string;
}

/** True for a failure that makes the document unacceptable. */
export function isFatal(failure: Failure): boolean {
  return failure.flag === "fatal";
}

/** One line for people: `BR-CO-15 [fatal] <text> at <location>`. */
export function formatFailure(failure: Failure): string {
  return `${failure.id} [${failure.flag}] ${failure.text} at ${failure.location}`;
}
