import { readFileSync } from "node:fs";
import { formatFailure, isFatal, SYNTAXES, validateXml, type Failure } from "../einvoice/validate";
import { checkFacturX } from "../einvoice/facturx/check";

/** Exit codes: every file passes (warnings allowed), a fatal rule failed, or the command could not judge a file. */
export const EXIT = { ok: 0, fatal: 1, unusable: 2 } as const;

/** A PDF starts with these bytes; a Factur-X PDF carries its CII as an attachment. */
const PDF_MAGIC = "%PDF-";

/** A Factur-X PDF's packaging problems as fatal failures, and the XML it carries (empty when there is none). */
async function unpackFacturX(bytes: Uint8Array): Promise<{ xml: string; failures: Failure[] }> {
  const { problems, xml } = await checkFacturX(bytes);
  const failures = problems.map((p): Failure => ({ source: "facturx", id: p.id, flag: "fatal", text: p.text, location: "the PDF" }));
  return { xml: xml ?? "", failures };
}

/**
 * Validates each file against CEN's EN 16931 schemas and rules and writes, per file, a summary line and one line per
 * failure (`BR-CO-15 [fatal] <text> at <location>`); returns the exit code.
 */
export async function validateFiles(files: readonly string[], write: (line: string) => void): Promise<number> {
  if (files.length === 0) {
    write("usage: npm run einvoice:validate -- FILE... (CII, UBL Invoice, UBL CreditNote or Factur-X PDF)");
    return EXIT.unusable;
  }
  let code: number = EXIT.ok;
  for (const file of files) {
    try {
      const bytes = readFileSync(file);
      const pdf = bytes.subarray(0, PDF_MAGIC.length).toString("latin1") === PDF_MAGIC;
      const packed = pdf ? await unpackFacturX(bytes) : { xml: bytes.toString("utf8"), failures: [] };
      const checked = packed.xml === "" ? { syntax: undefined, failures: [] } : await validateXml(packed.xml);
      const failures = [...packed.failures, ...checked.failures];
      const fatal = failures.filter(isFatal).length;
      const label = `${pdf ? "Factur-X PDF, " : ""}${checked.syntax === undefined ? "XML" : SYNTAXES[checked.syntax].label}`;
      write(`${file}: ${label}, ${fatal} fatal, ${failures.length - fatal} warning(s)`);
      for (const failure of failures) write(`  ${formatFailure(failure)}`);
      if (fatal > 0 && code === EXIT.ok) code = EXIT.fatal;
    } catch (error) {
      write(`${file}: error: ${error instanceof Error ? error.message : String(error)}`);
      code = EXIT.unusable;
    }
  }
  return code;
}

if (require.main === module) {
  validateFiles(process.argv.slice(2), (line) => console.log(line)).then((code) => (process.exitCode = code));
}
