import { spawn } from "node:child_process";
import { signalGroup, spawnLogged, type ManagedProcess, type ProcessSpec } from "./processes";

/** How to run one long-lived process of the local stack. */
export interface ServiceSpec extends ProcessSpec {
  /** Resolves true once the service answers. */
  isReady: () => Promise<boolean>;
  /** How long to wait for readiness before giving up. */
  timeoutMs: number;
}

/** A started service. */
export type RunningService = ManagedProcess;

/** Prints one progress line for operators. */
export function progress(message: string): void {
  console.log(`[settle] ${message}`);
}

/**
 * Starts a service in its own process group, logging to its log file, and waits until it is ready,
 * printing a dot every second. Fails with the log's path if it exits or does not become ready in time.
 */
export async function startService(spec: ServiceSpec): Promise<RunningService> {
  const service = spawnLogged({ ...spec, truncateLog: true });
  let exited: string | undefined;
  void service.exited.then((outcome) => (exited = outcome));

  const started = Date.now();
  process.stdout.write(`[settle] starting ${spec.name} `);
  for (;;) {
    if (exited !== undefined) {
      process.stdout.write("failed\n");
      throw new Error(`${spec.name} exited (${exited}) before it was ready: see ${spec.logFile}`);
    }
    if (await spec.isReady().catch(() => false)) break;
    if (Date.now() - started > spec.timeoutMs) {
      process.stdout.write("timed out\n");
      stopService(service);
      throw new Error(`${spec.name} was not ready after ${spec.timeoutMs / 1000} s: see ${spec.logFile}`);
    }
    process.stdout.write(".");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  process.stdout.write(` ready (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return service;
}

/** Stops a service and everything it started (its process group). */
export function stopService(service: RunningService): void {
  if (service.child.exitCode !== null || service.child.pid === undefined) return;
  signalGroup(service.child.pid, "SIGTERM");
}

/** Runs a command to completion with inherited output; rejects with a clear message on failure. */
export function runToCompletion(name: string, command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: "inherit" });
    child.on("error", (error) => reject(new Error(`${name} could not start: ${error.message}`)));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed (exit code ${code})`))));
  });
}

/** Polls `check` every half second until it resolves true; fails after `timeoutMs` saying what it waited for. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** True when a JSON-RPC node answers eth_chainId at `url`. */
export async function rpcAnswers(url: string): Promise<boolean> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(1000),
  });
  return response.ok;
}
