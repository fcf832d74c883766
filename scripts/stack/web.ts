/** The page (web/) built by Vite for the API to serve from its origin. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { BIN, QUIET_ENV, REPO_ROOT } from "./paths";

/** Builds the page into `outDir` (default web/dist, where the API looks by default). */
export async function buildPage(outDir = join(REPO_ROOT, "web", "dist")): Promise<void> {
  try {
    await promisify(execFile)(
      join(BIN, "vite"),
      ["build", "--config", "web/vite.config.ts", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, ...QUIET_ENV, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" },
      },
    );
  } catch (error) {
    throw new Error(`vite build failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}
