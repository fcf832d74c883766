/**
 * The indexer with handlers that write nothing, for `npm run bench:indexer`: a Ponder project beside indexer/ (same
 * config, same schema, so the same logs fetched and decoded) whose src/ registers every event Settle's handlers
 * register, each with an empty function. The supervisor starts Ponder on it when SETTLE_PONDER_ROOT names it.
 * Also reads, from Ponder's metrics, how long Settle's handlers ran, per handler file.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/stack/paths";

const INDEXER_DIR = join(REPO_ROOT, "indexer");
const SRC_DIR = join(INDEXER_DIR, "src");

/** Every event Settle's handlers register, mapped to its handler file (e.g. "SettleToken:Transfer" → "SettleToken.ts"). */
export function handlerFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of readdirSync(SRC_DIR).filter((name) => name.endsWith(".ts"))) {
    for (const match of readFileSync(join(SRC_DIR, file), "utf8").matchAll(/ponder\.on\(\s*"([^"]+)"/g)) files.set(match[1]!, file);
  }
  return files;
}

/** A Ponder project whose handlers write nothing (made under indexer/.bench/, where @ponder/core resolves). */
export interface NoopProject {
  /** Its folder (SETTLE_PONDER_ROOT). */
  dir: string;
  /** Deletes it. */
  remove(): void;
}

/** Writes the no-op project: ponder.config.ts and ponder.schema.ts re-export indexer/'s, src/ mirrors its files. */
export function makeNoopProject(): NoopProject {
  const dir = join(INDEXER_DIR, ".bench", `noop-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "ponder.config.ts"), 'export { default } from "../../ponder.config";\n');
  writeFileSync(join(dir, "ponder.schema.ts"), 'export { default } from "../../ponder.schema";\n');
  const byFile = new Map<string, string[]>();
  for (const [event, file] of handlerFiles()) byFile.set(file, [...(byFile.get(file) ?? []), event]);
  for (const [file, events] of byFile) {
    const body = events.map((event) => `ponder.on(${JSON.stringify(event)}, async () => {});\n`).join("");
    writeFileSync(join(dir, "src", file), `import { ponder } from "@/generated";\n\n${body}`);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Time Settle's handlers ran during one backfill, for one handler file. */
export interface HandlerFileCost {
  /** Handler calls (events) and their total and mean duration, as Ponder's ponder_indexing_function_duration measured them. */
  events: number;
  totalMs: number;
  msPerEvent: number;
  /** This file's share of all handler time. */
  share: number;
}

/** Reads Ponder's handler durations from its /metrics on `port`, summed per handler file, costliest first. */
export async function handlerCostByFile(port: number): Promise<Record<string, HandlerFileCost>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const files = handlerFiles();
  const totals = new Map<string, { events: number; totalMs: number }>();
  for (const match of text.matchAll(/^ponder_indexing_function_duration_(sum|count)\{[^}]*event="([^"]+)"[^}]*\} ([\d.e+-]+)$/gm)) {
    const file = files.get(match[2]!) ?? match[2]!;
    const entry = totals.get(file) ?? { events: 0, totalMs: 0 };
    if (match[1] === "sum") entry.totalMs += Number(match[3]);
    else entry.events += Number(match[3]);
    totals.set(file, entry);
  }
  const all = [...totals.values()].reduce((sum, entry) => sum + entry.totalMs, 0) || 1;
  const costs: Record<string, HandlerFileCost> = {};
  for (const [file, { events, totalMs }] of [...totals].sort((a, b) => b[1].totalMs - a[1].totalMs)) {
    costs[file] = {
      events,
      totalMs: Math.round(totalMs),
      msPerEvent: Number((totalMs / Math.max(1, events)).toFixed(3)),
      share: Number((totalMs / all).toFixed(3)),
    };
  }
  return costs;
}
