import { createRoute, z } from "@hono/zod-openapi";
import type { Deployment } from "../../scripts/lib/deployments";
import { type AppDeps, newRouter } from "../lib/context";
import { ApiError, errorResponses } from "../lib/errors";
import { safeStatus } from "../lib/index-source";

const ContractsSchema = z
  .object({
    chainId: z.number().int(),
    network: z.string(),
    abiHash: z.string(),
    contracts: z.record(
      z.string(),
      z.object({ address: z.string(), deployBlock: z.number().int(), txHash: z.string(), abi: z.array(z.unknown()).nullable() }),
    ),
  })
  .openapi("Contracts");

const StatusSchema = z
  .object({
    chainId: z.number().int(),
    chainHead: z.number().int(),
    indexedHead: z.number().int().nullable(),
    indexReady: z.boolean(),
    lagBlocks: z.number().int().nullable(),
  })
  .openapi("ChainStatus");

/** The current deployment, or 503 `deployment_missing`. */
export function requireDeployment(deps: AppDeps): Deployment {
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

/** /blockchain: deployment with ABIs, chain/index status (staking is added with the index routes). */
export function blockchainRoutes(deps: AppDeps) {
  return newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/contracts",
        tags: ["blockchain"],
        summary: "The deployment: chain id, addresses, deploy blocks and ABIs",
        responses: { 200: { description: "Deployment", content: { "application/json": { schema: ContractsSchema } } }, ...errorResponses(503) },
      }),
      (c) => {
        const d = requireDeployment(deps);
        const contracts = Object.fromEntries(
          Object.entries(d.contracts).map(([name, info]) => [name, { ...info, abi: (deps.abis[name as keyof typeof deps.abis] as unknown[]) ?? null }]),
        );
        return c.json({ chainId: d.chainId, network: d.network, abiHash: d.abiHash, contracts }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/status",
        tags: ["blockchain"],
        summary: "Chain head, indexed head and the lag between them",
        responses: { 200: { description: "Status", content: { "application/json": { schema: StatusSchema } } }, ...errorResponses(503) },
      }),
      async (c) => {
        const d = requireDeployment(deps);
        const chainHead = await fromNode(deps.chain.blockNumber());
        const index = safeStatus(deps.index);
        const indexedHead = index.block === null ? null : Number(index.block.number);
        return c.json(
          {
            chainId: d.chainId,
            chainHead,
            indexedHead,
            indexReady: index.ready,
            lagBlocks: indexedHead === null ? null : Math.max(0, chainHead - indexedHead),
          },
          200,
        );
      },
    );
}
