import * as SaxonJS from "saxon-js";
import type { XdmNode } from "saxon-js";
import type { Failure } from "./failure";

/** ISO Schematron's namespace. */
const SCH = "http://purl.oclc.org/dsdl/schematron";

/** XPath 3.1's map functions' namespace. */
const MAP = "http://www.w3.org/2005/xpath-functions/map";

/** A `let`: `$name` bound to the value of an XPath expression. */
interface Let {
  readonly name: string;
  readonly value: string;
}

/** An `assert` (fails when its test is false) or a `report` (fires when its test is true). */
interface Check {
  readonly kind: "assert" | "report";
  readonly id: string;
  readonly flag: string;
  readonly test: string;
  readonly text: string;
}

/** A `rule`: the nodes its context matches, the variables it binds for each, its checks. */
interface Rule {
  readonly context: string;
  readonly lets: readonly Let[];
  readonly checks: readonly Check[];
}

/** A `pattern`: each node is handled by the first of its rules whose context matches it. */
interface Pattern {
  readonly id: string;
  readonly lets: readonly Let[];
  readonly rules: readonly Rule[];
}

/** A parsed Schematron schema (queryBinding xslt2, includes and abstract patterns already resolved). */
export interface Schematron {
  /** Prefix -> namespace URI from its `ns` elements. */
  readonly namespaces: Readonly<Record<string, string>>;
  /** Schema-level variables, evaluated from the document node. */
  readonly lets: readonly Let[];
  readonly patterns: readonly Pattern[];
}

/** Reads the parts of the schema the runner needs, in one XPath 3.1 expression over the .sch file. */
const READ_SCHEMA = `
  let $lets := function($parent) { array { $parent/sch:let ! map { 'name': string(@name), 'value': string(@value) } } }
  return /sch:schema ! map {
    'namespaces': map:merge(sch:ns ! map { string(@prefix): string(@uri) }),
    'lets': $lets(.),
    'patterns': array { sch:pattern[not(@abstract = 'true')] ! map {
      'id': string(@id),
      'lets': $lets(.),
      'rules': array { sch:rule[not(@abstract = 'true')] ! map {
        'context': string(@context),
        'lets': $lets(.),
        'checks': array { (sch:assert | sch:report) ! map {
          'kind': local-name(), 'id': string(@id), 'flag': string((@flag, 'fatal')[1]), 'test': string(@test),
          'text': normalize-space(.)
        } }
      } }
    } }
  }`;

const cache = new Map<string, Promise<Schematron>>();

/** Parses a Schematron file once per process (later calls share the first parse). */
export function loadSchematron(file: string): Promise<Schematron> {
  let parsed = cache.get(file);
  if (parsed === undefined) {
    parsed = SaxonJS.getResource({ file, type: "xml" }).then(
      (doc) => SaxonJS.XPath.evaluate(READ_SCHEMA, doc, { namespaceContext: { sch: SCH, map: MAP } }) as Schematron,
    );
    cache.set(file, parsed);
  }
  return parsed;
}

/** Splits an XPath union (`a | b`) at its top level, leaving `|` inside predicates, brackets and strings alone. */
function unionBranches(expression: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (quote !== null) {
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === "[" || char === "(") depth++;
    else if (char === "]" || char === ")") depth--;
    else if (char === "|" && depth === 0) {
      branches.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  branches.push(expression.slice(start));
  return branches.map((branch) => branch.trim());
}

/**
 * An XSLT match pattern (a rule's context) as an expression that selects the nodes it matches from the document node:
 * a relative branch matches at any depth, so it gets `//` in front.
 */
export function contextSelection(context: string): string {
  return unionBranches(context)
    .map((branch) => (branch.startsWith("/") ? branch : `//${branch}`))
    .join(" | ");
}

/** `let $a := …, $b := … return body`, or the body alone when there is nothing to bind. */
function bind(lets: readonly Let[], body: string): string {
  if (lets.length === 0) return body;
  return `let ${lets.map((variable) => `$${variable.name} := (${variable.value})`).join(", ")} return (${body})`;
}

/** For each node in `$nodes`, an array of the indexes of `checks` that fail there (the rule's own lets bound per node). */
function failingChecks(rule: Rule, checks: readonly Check[]): string {
  const each = checks.map((check, index) => {
    const failed = check.kind === "assert" ? `not(${check.test})` : `boolean(${check.test})`;
    return `(if (${failed}) then ${index} else ())`;
  });
  return `array { $nodes ! (${bind(rule.lets, `array { ${each.join(", ")} }`)}) }`;
}

/** Strips the `[BR-CO-15]-` that CEN writes in front of each rule's text. */
function ruleText(check: Check): string {
  const prefix = `[${check.id}]-`;
  return check.text.startsWith(prefix) ? check.text.slice(prefix.length) : check.text;
}

/** Runs one pattern of the schema over a document, collecting its failures. */
class PatternRun {
  private readonly handled = new Set<XdmNode>();

  constructor(
    private readonly schema: Schematron,
    private readonly pattern: Pattern,
    private readonly doc: XdmNode,
    private readonly failures: Failure[],
  ) {}

  /** Every rule in order; a node a rule has handled is left out of the later rules (first match wins). */
  run(): void {
    for (const rule of this.pattern.rules) {
      const matched = this.evaluate(bind(this.globalLets(), contextSelection(rule.context)), [], "array") as XdmNode[];
      const nodes = matched.filter((node) => !this.handled.has(node));
      for (const node of nodes) this.handled.add(node);
      if (nodes.length > 0 && rule.checks.length > 0) this.check(rule, nodes);
    }
  }

  /** Evaluates all of a rule's checks at once; on a dynamic error, one by one to name the check that cannot run. */
  private check(rule: Rule, nodes: XdmNode[]): void {
    try {
      this.record(rule.checks, nodes, this.failingIndexes(rule, rule.checks, nodes));
    } catch {
      for (const check of rule.checks) {
        for (const node of nodes) {
          try {
            this.record([check], [node], this.failingIndexes(rule, [check], [node]));
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            this.failures.push({ ...this.failure(check, node), text: `${ruleText(check)} (the rule could not be evaluated: ${reason})` });
          }
        }
      }
    }
  }

  private failingIndexes(rule: Rule, checks: readonly Check[], nodes: XdmNode[]): number[][] {
    return this.evaluate(bind(this.globalLets(), failingChecks(rule, checks)), nodes, "default") as number[][];
  }

  private record(checks: readonly Check[], nodes: XdmNode[], failing: number[][]): void {
    failing.forEach((indexes, position) => {
      for (const index of indexes) this.failures.push(this.failure(checks[index]!, nodes[position]!));
    });
  }

  private failure(check: Check, node: XdmNode): Failure {
    return { source: "schematron", id: check.id, flag: check.flag, text: ruleText(check), location: this.path(node) };
  }

  /** The node's XPath (`path()`), with the schema's prefixes in place of `Q{uri}`. */
  private path(node: XdmNode): string {
    const path = SaxonJS.XPath.evaluate("path(.)", node) as string;
    const prefixes = new Map(Object.entries(this.schema.namespaces).map(([prefix, uri]) => [uri, prefix]));
    return path.replace(/Q\{([^}]*)\}/g, (whole, uri: string) => {
      if (uri === "") return "";
      const prefix = prefixes.get(uri);
      return prefix === undefined ? whole : `${prefix}:`;
    });
  }

  private globalLets(): Let[] {
    return [...this.schema.lets, ...this.pattern.lets];
  }

  private evaluate(expression: string, nodes: XdmNode[], resultForm: "array" | "default"): unknown {
    return SaxonJS.XPath.evaluate(expression, this.doc, { namespaceContext: { ...this.schema.namespaces }, params: { nodes }, resultForm });
  }
}

/** Every failed assert (and fired report) of the schema on a parsed document, in pattern and rule order. */
export function runSchematron(schema: Schematron, doc: XdmNode): Failure[] {
  const failures: Failure[] = [];
  for (const pattern of schema.patterns) new PatternRun(schema, pattern, doc, failures).run();
  return failures;
}
