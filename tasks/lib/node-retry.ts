/**
 * How the tasks wait out a misbehaving node: a transient failure (core/rpc's RpcProblem: 429, 5xx, a dropped or
 * refused connection, a timeout) is retried after the node's Retry-After, else after 0.5, 1, 2, 4… s (at most
 * {@link MAX_BACKOFF_MS}), with one line on stderr per wait, until the network's patience (SETTLE_RPC_PATIENCE_MS) is
 * used up; then one line naming the node's host and the problem. Anything else (a revert, a bad argument) is thrown
 * at once.
 */
import { backoffDelayMs, type BackoffSchedule } from "../../core/backoff";
import { classifyRpcError, rpcProblemPhrase, type RpcProblem } from "../../core/rpc";
import { networkVariableSuffix } from "../../core/networks";
import { CliError } from "./cli";

/** The first wait when the node gave no Retry-After (ms); each further wait doubles. */
export const FIRST_BACKOFF_MS = 500;
/** The longest wait between two attempts when the node gave no Retry-After (ms). */
export const MAX_BACKOFF_MS = 8_000;
/** The tasks' schedule: the node's Retry-After as it is (the patience bounds it), else 0.5 s doubling to 8 s. */
const TASK_BACKOFF: BackoffSchedule = { firstMs: FIRST_BACKOFF_MS, capMs: MAX_BACKOFF_MS, retryAfterCapMs: Number.POSITIVE_INFINITY };

/** Whom to retry and for how long. */
export interface RetryPolicy {
  /** The node's URL (only its host is ever printed: providers put API keys in paths). */
  url: string;
  /** The Hardhat network's name, for the fix named in the final error. */
  network: string;
  /** How long transient failures are retried, from the first one (ms). */
  patienceMs: number;
  /** Prints one waiting line (default: console.error, which the task specs capture). */
  say?: (line: string) => void;
  /** Turns an error that waiting will not cure into the error to throw at once (undefined: retry it as usual). */
  final?: (error: unknown) => Error | undefined;
}

/** The node stayed unusable for the whole patience: one line naming its host, the problem and the fix. */
export class NodeGaveUpError extends CliError {
  /**
   * @param problem the last problem seen
   * @param policy the policy that gave up
   * @param attempts how many attempts were made
   * @param elapsedMs since the first failure
   */
  constructor(
    readonly problem: RpcProblem,
    policy: RetryPolicy,
    attempts: number,
    elapsedMs: number,
  ) {
    const suffix = networkVariableSuffix(policy.network);
    super(
      `node at ${problem.host} ${rpcProblemPhrase(problem.code)}: gave up after ${attempts} attempts in ${(elapsedMs / 1000).toFixed(1)} s ` +
        `(check the node or RPC_URL_${suffix}; SETTLE_RPC_PATIENCE_MS_${suffix} waits longer)`,
    );
  }
}

/** The wait (ms) before attempt `attempt` (2 for the first retry) after `problem`: its Retry-After, else the back-off. */
export function retryDelayMs(problem: RpcProblem, attempt: number): number {
  const retryAfterMs = problem.retryAfterSeconds === undefined ? undefined : problem.retryAfterSeconds * 1000;
  return backoffDelayMs(TASK_BACKOFF, attempt - 2, retryAfterMs);
}

/** The line printed before waiting `ms` for attempt `attempt`. */
export function waitingLine(problem: RpcProblem, ms: number, attempt: number): string {
  return `node at ${problem.host} ${rpcProblemPhrase(problem.code)}: retrying in ${(ms / 1000).toFixed(1)} s (attempt ${attempt})`;
}

/**
 * Runs `attempt(1)`, and after each transient node failure waits and runs `attempt(2)`, `attempt(3)`… until one
 * succeeds or the patience is used up ({@link NodeGaveUpError}). Non-transient errors are thrown as they are.
 * `attempt` gets its number so that a retry can first check what the failed attempt may have done (a sent
 * transaction).
 */
export async function withNodeRetry<T>(policy: RetryPolicy, attempt: (n: number) => Promise<T>): Promise<T> {
  const say = policy.say ?? ((line: string) => console.error(line));
  let firstFailure: number | undefined;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const problem = error instanceof NodeGaveUpError ? undefined : classifyRpcError(error, policy.url);
      if (!problem) throw error;
      const final = policy.final?.(error);
      if (final) throw final;
      firstFailure ??= Date.now();
      const wait = retryDelayMs(problem, n + 1);
      const elapsed = Date.now() - firstFailure;
      if (elapsed + wait > policy.patienceMs) throw new NodeGaveUpError(problem, policy, n, elapsed);
      say(waitingLine(problem, wait, n + 1));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/**
 * Throws the {@link NodeGaveUpError} inside `error` (itself, or its `cause`/`error` chain, where ethers puts what it
 * wraps), so that a catch meant for reverts never words a dead node as a revert. Returns when there is none.
 */
export function rethrowNodeGaveUp(error: unknown): void {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === "object"; depth++) {
    if (current instanceof NodeGaveUpError) throw current;
    const fields = current as { cause?: unknown; error?: unknown };
    current = fields.cause ?? fields.error;
  }
}
