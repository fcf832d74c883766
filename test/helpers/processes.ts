/**
 * Child processes of tests and benchmarks: each runs in its own process group, logs to a file, and
 * is registered so that {@link stopAllProcesses} (called from mocha `after` hooks, and on exit as a
 * safety net) stops every one of them and everything they started, also when a test failed.
 */
import { createServer } from "node:net";
import { signalGroup, spawnLogged, type ManagedProcess, type ProcessSpec } from "../../scripts/lib/processes";

export type { ManagedProcess };

const running = new Set<ManagedProcess>();

/** Starts a logged process (scripts/lib/processes.ts) and registers it for {@link stopAllProcesses}. */
export function startProcess(spec: ProcessSpec): ManagedProcess {
  const managed = spawnLogged(spec);
  const stop = managed.stop.bind(managed);
  managed.stop = async (signal, graceMs) => {
    await stop(signal, graceMs);
    running.delete(managed);
  };
  running.add(managed);
  return managed;
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
