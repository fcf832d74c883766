/** The command line of `npm start` (scripts/start.ts): `--demo`, `--postgres`, `--chains <1|2>`. */
import type { ChainCount } from "../stack/stack";

/** What `npm start -- …` asked for. */
export interface StartArgs {
  /** `--demo`: fill the chains with demo data. */
  demo: boolean;
  /** `--postgres`: the index and the app data in PostgreSQL. */
  postgres: boolean;
  /** `--chains <n>` (or `--chains=<n>`): how many local chains, 1 by default. */
  chains: ChainCount;
}

/** The values `--chains` accepts. */
const CHAIN_COUNTS: readonly ChainCount[] = [1, 2];

/** A command line `npm start` cannot run, with a one-line message naming what it accepts. */
export class StartArgsError extends Error {
  override name = "StartArgsError";
}

/**
 * Reads `npm start`'s arguments (`process.argv.slice(2)`).
 *
 * @throws StartArgsError for a bad `--chains` value or an unknown option
 */
export function parseStartArgs(argv: readonly string[]): StartArgs {
  const args: StartArgs = { demo: false, postgres: false, chains: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--demo") args.demo = true;
    else if (arg === "--postgres") args.postgres = true;
    else if (arg === "--chains" || arg.startsWith("--chains=")) {
      const raw = arg === "--chains" ? argv[++i] : arg.slice("--chains=".length);
      const count = CHAIN_COUNTS.find((n) => String(n) === raw);
      if (count === undefined) {
        throw new StartArgsError(`--chains must be ${CHAIN_COUNTS.join(" or ")} (got ${raw === undefined ? "nothing" : `"${raw}"`})`);
      }
      args.chains = count;
    } else throw new StartArgsError(`unknown option "${arg}": npm start accepts --demo, --postgres and --chains <1|2>`);
  }
  return args;
}
