/** Runs Hardhat tasks in-process as the CLI would, for the task specs. */
import { expect } from "chai";
import hre from "hardhat";

/** What a task printed, and whether it failed. */
export interface TaskRun {
  out: string;
  err: string;
  failed: boolean;
}

/** Runs a task through Hardhat as the CLI would, capturing its output and exit code. */
export async function runTask(name: string, args: Record<string, unknown> = {}): Promise<TaskRun> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...parts: unknown[]) => out.push(parts.join(" "));
  console.error = (...parts: unknown[]) => err.push(parts.join(" "));
  try {
    await hre.run(name, { json: false, dryRun: false, ...args });
  } finally {
    console.log = log;
    console.error = error;
  }
  const failed = process.exitCode === 1;
  process.exitCode = 0;
  return { out: out.join("\n"), err: err.join("\n"), failed };
}

/** Runs a task with --json and parses what it printed. */
export async function runJson(name: string, args: Record<string, unknown> = {}): Promise<Record<string, string>> {
  const run = await runTask(name, { ...args, json: true });
  expect(run.failed, run.err).to.equal(false);
  return JSON.parse(run.out) as Record<string, string>;
}
