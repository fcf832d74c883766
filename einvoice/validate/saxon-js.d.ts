/**
 * The part of SaxonJS 2 (npm `saxon-js`, which ships no types) that the e-invoice validator uses: building XML trees and
 * evaluating XPath 3.1 over them. See https://www.saxonica.com/saxon-js/documentation2/index.html.
 */
declare module "saxon-js" {
  /** A node of a tree SaxonJS built (its own DOM implementation under Node). */
  export type XdmNode = object;

  /** Options of `XPath.evaluate`. */
  export interface XPathOptions {
    /** Prefix -> namespace URI for the names in the expression. */
    namespaceContext?: Record<string, string>;
    /** Values of the external variables `$name` the expression reads. */
    params?: Record<string, unknown>;
    /** "array" returns every result as a JavaScript array; the default unwraps a single item. */
    resultForm?: "default" | "array" | "iterator" | "xdm";
  }

  /** XPath 3.1 over SaxonJS trees. */
  export const XPath: {
    evaluate(expression: string, contextItem: XdmNode | null, options?: XPathOptions): unknown;
  };

  /** Reads an XML resource (a file or text) into a document node. */
  export function getResource(options: { file?: string; text?: string; type: "xml" }): Promise<XdmNode>;
}
