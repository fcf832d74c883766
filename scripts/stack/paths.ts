/** Where things are, and the environment every child process of the local stack gets. */
import { join } from "node:path";

/** The repository root. */
export const REPO_ROOT = join(__dirname, "..", "..");

/** The repository's npm binaries (hardhat, ts-node, vite). */
export const BIN = join(REPO_ROOT, "node_modules", ".bin");

/** Environment every child process of the stack gets: no prompts, no telemetry. */
export const QUIET_ENV = { CI: "true", HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", PONDER_TELEMETRY_DISABLED: "true" } as const;
