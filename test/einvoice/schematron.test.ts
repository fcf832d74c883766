import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as SaxonJS from "saxon-js";
import { contextSelection, loadSchematron, runSchematron } from "../../einvoice/validate/schematron";

/** A small schema with what the runner must honour: lets at three levels, first match per pattern, report, flags. */
const SCHEMA = `<?xml version="1.0" encoding="UTF-8"?>
<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
  <ns prefix="t" uri="urn:test:order"/>
  <ns prefix="xs" uri="http://www.w3.org/2001/XMLSchema"/>
  <let name="items" value="count(//t:item)"/>
  <pattern id="prices">
    <let name="floor" value="1"/>
    <rule context="t:item[@special]">
      <let name="price" value="number(@price)"/>
      <assert id="SPECIAL" flag="warning" test="$price &gt;= $floor and $price &lt; $items">[SPECIAL]-A special item costs less than the number of items.</assert>
    </rule>
    <rule context="t:item">
      <assert id="PLAIN" flag="fatal" test="@price">[PLAIN]-Every item has a price.</assert>
    </rule>
  </pattern>
  <pattern id="order">
    <rule context="/t:order">
      <report id="EMPTY" flag="fatal" test="not(t:item)">An order has items.</report>
    </rule>
  </pattern>
  <pattern id="decimals">
    <rule context="t:item[@price] | t:gift[@price]">
      <assert id="DECIMAL" flag="fatal" test="xs:decimal(@price) ge 0">A price is a decimal.</assert>
    </rule>
  </pattern>
</schema>`;

/** Runs SCHEMA over an XML text. */
async function run(xml: string) {
  const dir = mkdtempSync(join(tmpdir(), "settle-sch-"));
  writeFileSync(join(dir, "test.sch"), SCHEMA);
  const schema = await loadSchematron(join(dir, "test.sch"));
  return runSchematron(schema, await SaxonJS.getResource({ text: xml, type: "xml" }));
}

describe("Schematron runner", function () {
  it("reads a rule's context as an XSLT pattern: relative branches match at any depth, absolute ones stay put", function () {
    expect(contextSelection("cac:A/cac:B | /ubl:Invoice")).to.equal("//cac:A/cac:B | /ubl:Invoice");
    expect(contextSelection("ram:X[a = 'b|c' or (c | d)]")).to.equal("//ram:X[a = 'b|c' or (c | d)]");
  });

  it("hands each node to the first matching rule of a pattern, binds lets at schema, pattern and rule level", async function () {
    const failures = await run(
      `<order xmlns="urn:test:order"><item special="yes" price="2"/><item special="yes" price="5"/><item special="yes"/><item/></order>`,
    );
    const special = "A special item costs less than the number of items.";
    expect(failures).to.deep.equal([
      { source: "schematron", id: "SPECIAL", flag: "warning", text: special, location: "/t:order[1]/t:item[2]" },
      { source: "schematron", id: "SPECIAL", flag: "warning", text: special, location: "/t:order[1]/t:item[3]" },
      { source: "schematron", id: "PLAIN", flag: "fatal", text: "Every item has a price.", location: "/t:order[1]/t:item[4]" },
    ]);
  });

  it("fires a report when its test is true", async function () {
    const failures = await run(`<order xmlns="urn:test:order"/>`);
    expect(failures.map((failure) => [failure.id, failure.location])).to.deep.equal([["EMPTY", "/t:order[1]"]]);
  });

  it("names the rule that cannot be evaluated on a node instead of giving up on the document", async function () {
    const failures = await run(`<order xmlns="urn:test:order"><item price="1"/><item price="abc"/></order>`);
    expect(failures).to.have.length(1);
    expect(failures[0]).to.include({ id: "DECIMAL", flag: "fatal", location: "/t:order[1]/t:item[2]" });
    expect(failures[0]!.text).to.match(/^A price is a decimal\. \(the rule could not be evaluated: .+\)$/);
  });
});
