/**
 * A throwaway PostgreSQL cluster from Debian's postgresql package, for `npm start -- --postgres`, the tests and the
 * benchmarks: initdb into a folder, start on a port of 127.0.0.1 with trust authentication, create databases, stop
 * and remove it. PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user
 * (the folder is handed to it).
 */
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A running cluster. */
export interface PostgresCluster {
  /** The data folder (also holds the server's log, postgres.log). */
  readonly dir: string;
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** Runs `sql` with psql in `database` (default postgres) and returns its unaligned, tuples-only output. */
  psql(sql: string, database?: string): Promise<string>;
  /** Creates `database` if it does not exist yet. */
  createDatabase(database: string): Promise<void>;
  /** Kills the server with SIGKILL (a crash): data on disk stays; {@link start} brings it back. */
  kill(): Promise<void>;
  /** Starts the server again on the same port after {@link kill} or {@link stop}. */
  start(): Promise<void>;
  /** Stops the server (fast shutdown). */
  stop(): Promise<void>;
  /** Stops the server and deletes the folder. */
  drop(): Promise<void>;
}

/** The folder of PostgreSQL's server programs (the newest installed), or an error that says how to install them. */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error("PostgreSQL's server is not installed: run `apt-get install -y postgresql` (bash .ci/run does)");
  return join(root, newest, "bin");
}

const asRoot = () => userInfo().uid === 0;

/** Runs a PostgreSQL program, as the postgres user when this process is root. */
async function pg(program: string, args: string[]): Promise<string> {
  const path = join(postgresBinDir(), program);
  const [command, argv] = asRoot() ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
  try {
    return (await run(command, argv, { env: { ...process.env, LC_ALL: "C.UTF-8" } })).stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${program} failed: ${(failure.stderr || failure.message).trim()}`);
  }
}

/**
 * Creates and starts a cluster in `dir` (default: a new temporary folder) on `port`. An existing cluster in `dir`
 * is started as it is (its data kept).
 */
export async function startPostgres(options: { port: number; dir?: string }): Promise<PostgresCluster> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "settle-pg-"));
  const { port } = options;
  mkdirSync(dir, { recursive: true });
  if (asRoot()) {
    const { uid, gid } = await postgresIds();
    chownSync(dir, uid, gid);
  }
  if (!existsSync(join(dir, "PG_VERSION"))) {
    await pg("initdb", ["-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"]);
  }
  const start = async () => {
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on`;
    await pg("pg_ctl", ["start", "-D", dir, "-w", "-t", "60", "-l", join(dir, "postgres.log"), "-o", options]);
  };
  await start();
  const psql = (sql: string, database = "postgres") =>
    pg("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql]);
  const stop = async () => {
    if (existsSync(join(dir, "postmaster.pid"))) await pg("pg_ctl", ["stop", "-D", dir, "-m", "fast", "-w"]).catch(() => undefined);
  };
  return {
    dir,
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    psql,
    async createDatabase(database) {
      if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`"${database}" is not a plain database name (a-z, 0-9, _)`);
      const exists = (await psql(`SELECT 1 FROM pg_database WHERE datname = '${database}'`)).trim() === "1";
      if (!exists) await psql(`CREATE DATABASE ${database}`);
    },
    async kill() {
      const pidFile = join(dir, "postmaster.pid");
      if (!existsSync(pidFile)) return;
      const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
      process.kill(pid, "SIGKILL");
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    start,
    stop,
    async drop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The postgres user's uid and gid (it owns the cluster's folder when this process is root). */
async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]).catch(() => {
    throw new Error("no postgres user: install Debian's postgresql package (`apt-get install -y postgresql`)");
  });
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}
