/** An expected failure of a task: printed as one line, without a stack trace. */
export class CliError extends Error {}

/**
 * Runs a task body; any failure becomes one line on stderr and exit code 1. Unexpected errors
 * are shortened to their message (set SETTLE_DEBUG=1 to see the stack).
 */
export async function runCli(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`error: ${message.split("\n")[0]}`);
    if (process.env.SETTLE_DEBUG && error instanceof Error) console.error(error.stack);
    process.exitCode = 1;
  }
}
