/**
 * Child processes that run in their own process group with their output in a log file: the local
 * stack's services (scripts/lib/services.ts) and the tests' nodes, indexers and servers
 * (test/helpers/processes.ts). Stopping one stops everything it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** How to start a logged process. */
export interface ProcessSpec {
  /** Short name for progress lines and error messages. */
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Start the log afresh (default: append to it). */
  truncateLog?: boolean;
}

/** A process started by {@link spawnLogged}. */
export interface ManagedProcess {
  /** Short name for error messages. */
  name: string;
  child: ChildProcess;
  /** Where its stdout and stderr go. */
  logFile: string;
  /** Resolves with the exit code (or signal name) once it has exited. */
  exited: Promise<string>;
  /** True once it has exited. */
  hasExited(): boolean;
  /** Sends `signal` (default SIGTERM) to its process group and waits for it to exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Starts `spec.command` in its own process group, its stdout and stderr going to `spec.logFile`. */
export function spawnLogged(spec: ProcessSpec): ManagedProcess {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const log = createWriteStream(spec.logFile, { flags: spec.truncateLog ? "w" : "a" });
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  let exitedWith: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve((exitedWith = signal ?? String(code))));
    child.once("error", (error) => resolve((exitedWith = error.message)));
  });
  return {
    name: spec.name,
    child,
    logFile: spec.logFile,
    exited,
    hasExited: () => exitedWith !== undefined,
    async stop(signal = "SIGTERM", graceMs = 15_000) {
      if (exitedWith === undefined && child.pid !== undefined) {
        signalGroup(child.pid, signal);
        const timer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Children of the group may outlive its leader for a moment: make sure none is left.
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
    },
  };
}

/** Sends `signal` to the process group led by `pid`, if it still exists. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
