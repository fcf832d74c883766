/**
 * An index folder on disk (Node only): Ponder's database the API reads, and the identity file the indexer writes beside
 * it. Names and formats: ./index-schema.ts.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { IDENTITY_FILE, INDEX_DATABASE_FILE, type IndexIdentity } from "./index-schema";

/** Path of the index database in `indexDir`. */
export function indexDatabasePath(indexDir: string): string {
  return join(indexDir, INDEX_DATABASE_FILE);
}

/** The identity recorded in `indexDir`, or undefined when there is none (or it is unreadable). */
export function readIdentity(indexDir: string): IndexIdentity | undefined {
  const path = join(indexDir, IDENTITY_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as IndexIdentity;
  } catch {
    return undefined;
  }
}

/** Records `identity` in `indexDir`. */
export function writeIdentity(indexDir: string, identity: IndexIdentity): void {
  writeFileSync(join(indexDir, IDENTITY_FILE), JSON.stringify(identity, null, 2) + "\n");
}
