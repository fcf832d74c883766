import { spawn } from "node:child_process";
import type { Failure } from "./failure";

/** The XML schema validator: Debian's libxml2-utils (installed by .ci/run). */
const XMLLINT = "xmllint";

/** xmllint cannot be started: the message says what to install. */
export class XmllintMissingError extends Error {
  constructor(reason: string) {
    super(`xmllint could not be started (${reason}): install Debian's libxml2-utils (apt-get install libxml2-utils)`);
    this.name = "XmllintMissingError";
  }
}

/** One of xmllint's error lines: `-:12: element Foo: Schemas validity error : Element 'Foo': …`. */
const ERROR_LINE = /^-:(\d+): (?:[^:]*: )?(?:Schemas validity error|parser error|Schemas parser error) : (.*)$/;

/** xmllint's stderr as failures (one per error line; anything else it printed is kept as one failure). */
function parseErrors(stderr: string): Failure[] {
  const failures: Failure[] = [];
  for (const line of stderr.split("\n")) {
    const match = ERROR_LINE.exec(line.trim());
    if (match) failures.push({ source: "xsd", id: "XSD", flag: "fatal", text: match[2]!, location: `line ${match[1]}` });
  }
  return failures;
}

/** Validates XML text against an XML schema file with `xmllint --noout --nonet --schema`; returns its errors. */
export function validateXsd(xml: string, schemaFile: string): Promise<Failure[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(XMLLINT, ["--noout", "--nonet", "--schema", schemaFile, "-"], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) => reject(new XmllintMissingError(error.message)));
    child.on("close", (code) => {
      if (code === 0) return resolve([]);
      const failures = parseErrors(stderr);
      if (failures.length > 0) return resolve(failures);
      reject(new Error(`xmllint exited with ${code} against ${schemaFile}: ${stderr.trim()}`));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(xml);
  });
}
