import type { Logger } from "pino";

/** A background loop started by {@link startPollingLoop}. */
export interface PollingLoop {
  /** Stops the loop and waits for the round in progress (which sees `stopped()` turn true). */
  stop(): Promise<void>;
}

/**
 * Runs `round` now, then again `intervalMs` after each round ends, until stopped. A failing round is logged as
 * "<label> round failed" and the loop goes on. `round` gets a check to end long work early when the loop stops.
 */
export function startPollingLoop(
  round: (stopped: () => boolean) => Promise<void>,
  intervalMs: number,
  logger: Logger,
  label: string,
): PollingLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const isStopped = () => stopped;
  const loop = () => {
    current = (async () => {
      try {
        await round(isStopped);
      } catch (err) {
        logger.error({ err }, `${label} round failed`);
      }
      if (!stopped) timer = setTimeout(loop, intervalMs);
    })();
  };
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
