import * as SaxonJS from "saxon-js";
import { locateArtifacts, type Artifacts } from "./artifacts";
import type { Failure } from "./failure";
import { loadSchematron, runSchematron } from "./schematron";
import { detectSyntax, schematronFamily, type Syntax } from "./syntax";
import { validateXsd } from "./xsd";

export { ArtifactsMissingError, ARTIFACTS_SETTING, CEN_RELEASE, locateArtifacts, type Artifacts } from "./artifacts";
export { formatFailure, isFatal, type Failure } from "./failure";
export { SYNTAXES, UnknownSyntaxError, type Syntax } from "./syntax";
export { XmllintMissingError } from "./xsd";

/** What the validator found in one document. */
export interface ValidationResult {
  /** The syntax read from the root element; undefined when the XML does not parse. */
  readonly syntax?: Syntax;
  /** Parse, schema and Schematron failures, in that order. */
  readonly failures: readonly Failure[];
}

/** Which checks to run: both by default; `xsd: false` for fragments (CEN's unit files) that only the rules can judge. */
export interface ValidationOptions {
  readonly artifacts?: Artifacts;
  readonly xsd?: boolean;
  readonly schematron?: boolean;
}

/**
 * Validates an EN 16931 document (CII, UBL Invoice or UBL CreditNote, told apart by its root element) against CEN's
 * XML schemas and Schematron business rules. A document that does not parse comes back with one `XML` failure; a root
 * element of another kind throws UnknownSyntaxError; missing artefacts throw ArtifactsMissingError.
 */
export async function validateXml(xml: string, options: ValidationOptions = {}): Promise<ValidationResult> {
  const artifacts = options.artifacts ?? locateArtifacts();
  let doc;
  try {
    doc = await SaxonJS.getResource({ text: xml, type: "xml" });
  } catch (error) {
    const text = (error instanceof Error ? error.message : String(error)).replace(" in undefined", "");
    return { failures: [{ source: "xml", id: "XML", flag: "fatal", text: `not well-formed XML: ${text}`, location: "the document" }] };
  }
  const [namespace, name] = SaxonJS.XPath.evaluate("(namespace-uri(*), local-name(*))", doc, { resultForm: "array" }) as [string, string];
  const syntax = detectSyntax(namespace, name);
  const failures: Failure[] = [];
  if (options.xsd !== false) failures.push(...(await validateXsd(xml, artifacts.xsd[syntax])));
  if (options.schematron !== false) {
    const schema = await loadSchematron(artifacts.schematron[schematronFamily(syntax)]);
    failures.push(...runSchematron(schema, doc));
  }
  return { syntax, failures };
}
