/** The `ponder start` child process: starting it, reading its status, watching its output, stopping it. */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { PonderStatus } from "../../core/index-schema";
import { INDEXER_DIR, type IndexerSettings } from "../lib/settings";

/**
 * Ponder's message when a reorg reaches below its finalized block (it then retries for minutes while still reporting
 * ready). The finalized-block check of the chain watch catches the same condition when it sees the block change; this
 * catches it when the replacement came too fast.
 */
const UNRECOVERABLE_REORG = /Encountered unrecoverable '.*' reorg/;

/** A running `ponder start`. */
export interface PonderProcess {
  /** Resolves with the exit code when the process has exited. */
  exited: Promise<number | null>;
  /** True once Ponder has reported a reorg deeper than its finalized block. */
  metUnrecoverableReorg(): boolean;
  /** Asks Ponder to shut down (SIGTERM), kills it if it has not exited after 10 s, and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts `ponder start` for these settings (telemetry off), its output passed through to this process's. */
export function startPonder(settings: IndexerSettings): PonderProcess {
  const child = spawnPonder(settings);
  let unrecoverable = false;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => {
      (stream === child.stderr ? process.stderr : process.stdout).write(line + "\n");
      if (UNRECOVERABLE_REORG.test(line)) unrecoverable = true;
    });
  }
  return {
    exited,
    metUnrecoverableReorg: () => unrecoverable,
    stop: () => stopChild(child, exited),
  };
}

/**
 * The Ponder project Ponder is started on: indexer/, or SETTLE_PONDER_ROOT (bench:indexer's copy whose handlers write
 * nothing, bench/lib/noop-handlers.ts).
 */
const PONDER_ROOT = process.env.SETTLE_PONDER_ROOT ?? INDEXER_DIR;

function spawnPonder(settings: IndexerSettings): ChildProcess {
  const ponderBin = join(INDEXER_DIR, "node_modules", "@ponder", "core", "dist", "bin", "ponder.js");
  // A backfill allocates short-lived objects by the million and a fifth of Ponder's CPU went to
  // garbage collection: a larger young generation cuts scavenges (bench/README.md, Indexer).
  const args = [
    "--max-semi-space-size=64",
    ponderBin,
    "start",
    "--root",
    PONDER_ROOT,
    "--port",
    String(settings.port),
    "--hostname",
    "127.0.0.1",
  ];
  return spawn(process.execPath, args, {
    cwd: INDEXER_DIR,
    env: {
      ...process.env,
      // The supervisor watches Ponder's warnings (an unrecoverable reorg is one): never quieter than warn.
      ...(/^(error|fatal|silent)$/.test(process.env.PONDER_LOG_LEVEL ?? "") ? { PONDER_LOG_LEVEL: "warn" } : {}),
      PONDER_TELEMETRY_DISABLED: "true",
      PORT: String(settings.port),
      ...(process.stdout.isTTY ? {} : { NO_COLOR: "1" }),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Ponder's status for `network` (its GET /status), or undefined when it does not answer yet. */
export async function ponderStatus(
  settings: IndexerSettings,
  network: string,
): Promise<{ ready: boolean; block?: { number: number; timestamp: number } } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${settings.port}/status`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return undefined;
    const status = (await response.json()) as PonderStatus | null;
    const entry = status?.[network];
    return entry ? { ready: entry.ready, block: entry.block ?? undefined } : undefined;
  } catch {
    return undefined;
  }
}
