/** Runs Hardhat tasks for the task specs: in-process as the CLI would, or as the CLI itself in a process of its own. */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { join } from "node:path";
import hre from "hardhat";
import { BIN } from "../../scripts/stack/paths";
import { QUIET_ENV, REPO_ROOT } from "./node";

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

/** What a task run in its own process printed, and its exit code. */
export interface TaskProcessRun {
  out: string;
  err: string;
  exitCode: number;
}

/**
 * Runs `hardhat <name> --network <network>` in its own process, as a person would: `args` become flags (`maxFee` →
 * `--max-fee`; `true` → a bare flag), `env` is added to this process's environment.
 */
export async function runTaskProcess(
  name: string,
  args: Record<string, string | boolean>,
  options: { network: string; env: Record<string, string> },
): Promise<TaskProcessRun> {
  const flags = Object.entries(args).flatMap(([key, value]) => {
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return value === true ? [flag] : value === false ? [] : [flag, value];
  });
  const child = spawn(join(BIN, "hardhat"), ["--network", options.network, name, ...flags], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...QUIET_ENV, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
  return { out: Buffer.concat(out).toString("utf8"), err: Buffer.concat(err).toString("utf8"), exitCode };
}
