import type { Deployment } from "../../core/deployment";
import type { AppDeps } from "../middleware/context";
import { ApiError } from "../lib/errors";

/** The current deployment, or 503 `deployment_missing`. */
export function requireDeployment(deps: Pick<AppDeps, "deployment">): Deployment {
  const deployment = deps.deployment.get();
  if (!deployment) throw new ApiError(503, "deployment_missing", "No deployment yet: deploy the contracts first");
  return deployment;
}

/** Calls the node, turning any failure into 503 `node_unreachable`. */
export async function fromNode<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch {
    throw new ApiError(503, "node_unreachable", "The node did not answer");
  }
}
