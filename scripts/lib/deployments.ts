import { createHash } from "node:crypto";
import { join } from "node:path";
import { deploymentsDir } from "../../core/deployment-file";

/** This checkout's deployments/ folder, or SETTLE_DEPLOYMENTS_DIR (tests point it at a temporary folder). */
export function localDeploymentsDir(): string {
  return deploymentsDir(join(__dirname, "..", ".."));
}

/** sha256 (hex) over the ABIs of `abis`, keyed by contract name, in a stable order. */
export function hashAbis(abis: Record<string, unknown>): string {
  const ordered = Object.keys(abis)
    .sort()
    .map((name) => [name, abis[name]]);
  return "0x" + createHash("sha256").update(JSON.stringify(ordered)).digest("hex");
}
