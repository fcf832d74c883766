/** One supervisor at a time per index folder: a second one would delete the first one's database. */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SettingsError } from "../lib/settings";

/** The lock file in an index folder: the pid of the supervisor working on it. */
const LOCK_FILE = "launcher.pid";

/**
 * Locks `indexDir` for this process and returns the function that releases it; a lock left by a dead process is
 * taken over.
 *
 * @throws SettingsError when another live supervisor holds the folder
 */
export function acquireLock(indexDir: string): () => void {
  const path = join(indexDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(path, "utf8"));
      if (pid && isAlive(pid)) throw new SettingsError(`another indexer (pid ${pid}) is running on ${indexDir}`);
      rmSync(path, { force: true });
    }
  }
  throw new SettingsError(`cannot lock ${indexDir}`);
}

/** True when process `pid` exists (signal 0 reaches it, or it belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
