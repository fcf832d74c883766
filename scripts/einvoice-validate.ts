import { readFileSync } from "node:fs";
import { formatFailure, isFatal, SYNTAXES, validateXml } from "../einvoice/validate";

/** Exit codes: every file passes (warnings allowed), a fatal rule failed, or the command could not judge a file. */
export const EXIT = { ok: 0, fatal: 1, unusable: 2 } as const;

/** A PDF starts with these bytes; a Factur-X PDF carries its CII as an attachment. */
const PDF_MAGIC = "%PDF-";

/**
 * Validates each file against CEN's EN 16931 schemas and rules and writes, per file, a summary line and one line per
 * failure (`BR-CO-15 [fatal] <text> at <location>`); returns the exit code.
 */
export async function validateFiles(files: readonly string[], write: (line: string) => void): Promise<number> {
  if (files.length === 0) {
    write("usage: npm run einvoice:validate -- FILE.xml... (CII, UBL Invoice or UBL CreditNote)");
    return EXIT.unusable;
  }
  let code: number = EXIT.ok;
  for (const file of files) {
    try {
      const bytes = readFileSync(file);
      if (bytes.subarray(0, PDF_MAGIC.length).toString("latin1") === PDF_MAGIC) {
        throw new Error("a Factur-X PDF cannot be validated yet: validate the factur-x.xml it carries");
      }
      const { syntax, failures } = await validateXml(bytes.toString("utf8"));
      const fatal = failures.filter(isFatal).length;
      const label = syntax === undefined ? "XML" : SYNTAXES[syntax].label;
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
