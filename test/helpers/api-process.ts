/** The real API (api/main.ts, as `npm run api` runs it) in a child process, on a free port. */
import { join } from "node:path";
import { QUIET_ENV, REPO_ROOT } from "./node";
import { freePort, startProcess, waitFor, type ManagedProcess } from "./processes";

/** A running API process. */
export interface ApiProcess {
  url: string;
  process: ManagedProcess;
}

/** Starts api/main.ts with `env` (its configuration variables) and waits until it answers /health. */
export async function startApiProcess(env: NodeJS.ProcessEnv, logDir: string): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = startProcess({
    name: "settle-api",
    command: join(REPO_ROOT, "node_modules", ".bin", "ts-node"),
    args: ["--transpile-only", "api/main.ts"],
    cwd: REPO_ROOT,
    env: { ...QUIET_ENV, PORT: String(port), HOST: "127.0.0.1", PUBLIC_ORIGIN: url, SETTLE_NETWORK: "localhost", ...env },
    logFile: join(logDir, `api-${port}.log`),
  });
  await waitFor(`the API on ${url} (log: ${proc.logFile})`, async () => (await fetch(`${url}/health`)).status > 0, { timeoutMs: 90_000 });
  return { url, process: proc };
}
