import type { Deployment } from "../../core/deployment";
import { classifyRpcError } from "../../core/rpc";
import type { AppDeps } from "../middleware/context";
import { ApiError, NodeProblemError } from "../lib/errors";

/** The current deployment, or 503 `deployment_missing`. */
export function requireDeployment(deps: Pick<AppDeps, "deployment">): Deployment {
  const deployment = deps.deployment.get();
  if (!deployment) throw new ApiError(503, "deployment_missing", "No deployment yet: deploy the contracts first");
  return deployment;
}

/**
 * Awaits a call to the node at `url`: a transport failure (429, 5xx, timeout, dropped or refused connection) becomes
 * {@link NodeProblemError} (503 naming the host and the problem); any other error (a revert, bad data) is thrown as it
 * is, for the caller to report. {@link Chain} and {@link Relayer} route every call through here.
 */
export async function askNode<T>(url: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const problem = classifyRpcError(error, url);
    throw problem ? new NodeProblemError(problem) : error;
  }
}

/**
 * What to answer when a node call failed in a way the caller does not handle itself: the classified problem
 * ({@link askNode} already made it an ApiError), else a generic 503 `node_unreachable`.
 */
export function nodeFailure(error: unknown, what = "The node did not answer"): ApiError {
  return error instanceof ApiError ? error : new ApiError(503, "node_unreachable", what);
}

/** Calls the node; any failure becomes 503 (the node's classified problem, else `node_unreachable`). */
export async function fromNode<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (error) {
    throw nodeFailure(error);
  }
}
