import { task } from "hardhat/config";
import type { ConfigurableTaskDefinition } from "hardhat/types";

/** A task that reads only: takes --json. */
export function readingTask(name: string, description: string): ConfigurableTaskDefinition {
  return task(name, description).addFlag("json", "print JSON for scripts instead of text");
}

/** The arguments every {@link sendingTask} takes. */
export interface SendArgs {
  /** Account that signs: an index or an address (default 0). */
  from?: string;
  /** Simulate with eth_call instead of sending. */
  dryRun: boolean;
  /** Print JSON for scripts. */
  json: boolean;
}

/** A task that sends transactions: takes --from, --dry-run and --json. */
export function sendingTask(name: string, description: string): ConfigurableTaskDefinition {
  return readingTask(name, description)
    .addOptionalParam("from", "account that signs: an index (0, 1, ...) or an address (default 0)")
    .addFlag("dryRun", "simulate with eth_call and print what would happen, sending nothing");
}

/** Prints `data` as JSON (bigints as decimal strings) or `text` for people. */
export function output(json: boolean, text: string, data: object): void {
  if (json) console.log(JSON.stringify(data, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2));
  else console.log(text);
}
