/** The real API (api/main.ts, as `npm run api` runs it) in a child process. */
import { join } from "node:path";
import { BIN, QUIET_ENV, REPO_ROOT } from "./paths";
import { freePort, startProcess, waitForProcess, type ManagedProcess } from "./processes";

/** Where and how to serve the API, beyond its configuration variables. */
export interface ApiOptions {
  /** Where its log goes, started afresh (default `api-<port>.log` in the log folder). */
  logFile?: string;
  /** Its port (default: a free one). */
  port?: number;
  /** Its public origin (default `http://127.0.0.1:<port>`). */
  origin?: string;
}

/** A running API process. */
export interface ApiProcess {
  /** Its public origin (which also serves the page when WEB_DIST_DIR is set). */
  url: string;
  /** The api/main.ts process. */
  process: ManagedProcess;
}

/**
 * Starts api/main.ts with `env` (its configuration variables: RPC_URL, SETTLE_DEPLOYMENTS_DIR, …),
 * logging into `logDir`, and waits until it answers /health (with any status: 503 while the index
 * is not ready).
 */
export async function startApiProcess(env: NodeJS.ProcessEnv, logDir: string, options: ApiOptions = {}): Promise<ApiProcess> {
  const port = options.port ?? (await freePort());
  const url = options.origin ?? `http://127.0.0.1:${port}`;
  const proc = startProcess({
    name: "settle-api",
    command: join(BIN, "ts-node"),
    args: ["--transpile-only", "api/main.ts"],
    cwd: REPO_ROOT,
    env: { ...QUIET_ENV, PORT: String(port), HOST: "127.0.0.1", PUBLIC_ORIGIN: url, SETTLE_NETWORK: "localhost", ...env },
    logFile: options.logFile ?? join(logDir, `api-${port}.log`),
    truncateLog: options.logFile !== undefined,
  });
  await waitForProcess(proc, `the API on ${url}`, async () => (await fetch(`http://127.0.0.1:${port}/health`)).status > 0, {
    timeoutMs: 90_000,
  });
  return { url, process: proc };
}
