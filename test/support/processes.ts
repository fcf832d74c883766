/**
 * Child processes of tests and benchmarks: each runs in its own process group, logs to a file, and
 * is registered so that {@link stopAllProcesses} (called from mocha `after` hooks, and on exit as a
 * safety net) stops every one of them and everything they started, also when a test failed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createServer } from "node:net";

/** A process started by {@link startProcess}. */
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

const running = new Set<ManagedProcess>();

/** Starts `command` in its own process group with its output in `logFile`. */
export function startProcess(spec: {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
}): ManagedProcess {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const log = createWriteStream(spec.logFile, { flags: "a" });
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
  const managed: ManagedProcess = {
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
      running.delete(managed);
    },
  };
  running.add(managed);
  return managed;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Stops every process started by {@link startProcess} that is still registered. */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((managed) => managed.stop()));
}

process.on("exit", () => {
  for (const managed of running) if (managed.child.pid !== undefined) signalGroup(managed.child.pid, "SIGKILL");
});

/** A TCP port that is free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Thrown by a {@link waitFor} check to stop waiting at once (e.g. the awaited process exited). */
export class WaitAbortedError extends Error {}

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined/false, or fails
 * after `timeoutMs`. Errors thrown by `check` count as "not yet", except {@link WaitAbortedError}.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 60_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof WaitAbortedError) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
