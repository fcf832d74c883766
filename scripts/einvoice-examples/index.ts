/**
 * npm run einvoice:examples [-- DIR]: writes the example e-invoices (examples/einvoice/ by default) from the fixtures'
 * fixed clock through the code the API serves them with (api/documents/einvoice): a French invoice, its partial credit
 * note and an English invoice in dollars, each as Factur-X PDF, UBL and CII.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderEinvoice } from "../../api/documents/einvoice";
import { EINVOICE_FORMATS } from "../../core/einvoice";
import { EXAMPLE_DEPLOYED_TOKENS, englishExample, frenchCreditNote, frenchExample } from "./fixtures";

/** Where the committed examples live. */
export const EXAMPLES_DIR = join(__dirname, "..", "..", "examples", "einvoice");

/** Writes every example in every format into `dir`; returns the file names written. */
export async function writeExamples(dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const sources = [{ inputs: frenchExample() }, { inputs: frenchExample(), note: frenchCreditNote() }, { inputs: englishExample() }];
  const written: string[] = [];
  for (const { inputs, note } of sources) {
    for (const format of EINVOICE_FORMATS) {
      const file = await renderEinvoice(inputs, format, { note, deployedTokens: EXAMPLE_DEPLOYED_TOKENS });
      writeFileSync(join(dir, file.fileName), file.bytes);
      written.push(file.fileName);
    }
  }
  return written;
}

if (require.main === module) {
  writeExamples(process.argv[2] ?? EXAMPLES_DIR).then((files) => console.log(`wrote ${files.length} files: ${files.join(", ")}`));
}
