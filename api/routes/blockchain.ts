import { createRoute, z } from "@hono/zod-openapi";
import { Interface } from "ethers";
import type { Deployment } from "../../core/deployment";
import { type AppDeps, newRouter } from "../lib/context";
import { ApiError, errorResponses } from "../lib/errors";
import { safeStatus } from "../lib/index-source";
import { AddressParamSchema } from "../lib/schemas";

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

const StakingSchema = z
  .object({
    address: z.string(),
    stakingContract: z.string(),
    principal: z.string().openapi({ description: "Staked now, read from the chain (base units)" }),
    earned: z.string().openapi({ description: "Claimable rewards now, from the chain" }),
    indexed: z
      .object({
        principal: z.string(),
        totalStaked: z.string(),
        totalWithdrawn: z.string(),
        rewardsClaimed: z.string(),
        updatedBlock: z.number().int(),
      })
      .nullable()
      .openapi({ description: "The index's view (null when the account never staked or the index is not ready)" }),
    pool: z.object({ totalStaked: z.string(), rewardRatePerSecond: z.string(), periodFinish: z.string() }),
    aprPercent: z.string().nullable().openapi({
      description:
        "Current reward rate × 1 year / total staked, in percent with 2 decimals; null when the tokens differ or nothing is staked",
    }),
  })
  .openapi("Staking");

const STAKING_VIEWS = new Interface([
  "function balanceOf(address) view returns (uint256)",
  "function earned(address) view returns (uint256)",
  "function totalStaked() view returns (uint256)",
  "function rewardRate() view returns (uint256)",
  "function periodFinish() view returns (uint256)",
  "function stakingToken() view returns (address)",
  "function rewardsToken() view returns (address)",
  "function RATE_SCALE() view returns (uint256)",
]);

/** APR in percent with two decimals: rate/scale × year / staked (only meaningful when both tokens are the same). */
export function aprPercent(rewardRate: bigint, rateScale: bigint, totalStaked: bigint, active: boolean): string | null {
  if (!active || totalStaked === 0n) return active ? null : "0.00";
  const bps = (rewardRate * 365n * 86_400n * 10_000n) / (rateScale * totalStaked);
  return `${bps / 100n}.${(bps % 100n).toString().padStart(2, "0")}`;
}

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

/** /blockchain: deployment with ABIs, chain/index status, staking positions. */
export function blockchainRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  return newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/contracts",
        tags: ["blockchain"],
        summary: "The deployment: chain id, addresses, deploy blocks and ABIs",
        responses: {
          200: { description: "Deployment", content: { "application/json": { schema: ContractsSchema } } },
          ...errorResponses(503),
        },
      }),
      (c) => {
        const d = requireDeployment(deps);
        const contracts = Object.fromEntries(
          Object.entries(d.contracts).map(([name, info]) => [
            name,
            { ...info, abi: (deps.abis[name as keyof typeof deps.abis] as unknown[]) ?? null },
          ]),
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
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/staking/{address}",
        tags: ["blockchain"],
        summary: "An address's stake: principal and earned from the chain, history from the index, pool APR",
        request: { params: AddressParamSchema },
        responses: {
          200: { description: "Stake", content: { "application/json": { schema: StakingSchema } } },
          ...errorResponses(400, 503),
        },
      }),
      async (c) => {
        const { address } = c.req.valid("param");
        const staking = requireDeployment(deps).contracts.StakingRewards.address;
        const view = async (fn: string, args: unknown[] = []) => {
          const raw = await fromNode(deps.chain.call(staking, STAKING_VIEWS.encodeFunctionData(fn, args)));
          try {
            return STAKING_VIEWS.decodeFunctionResult(fn, raw)[0] as bigint | string;
          } catch {
            throw new ApiError(
              503,
              "contract_unreadable",
              "StakingRewards does not answer at the deployed address (redeploy or restart the node?)",
            );
          }
        };
        const [principal, earned, totalStaked, rewardRate, periodFinish, stakingToken, rewardsToken, rateScale] = await Promise.all([
          view("balanceOf", [address]),
          view("earned", [address]),
          view("totalStaked"),
          view("rewardRate"),
          view("periodFinish"),
          view("stakingToken"),
          view("rewardsToken"),
          view("RATE_SCALE"),
        ]);
        let indexed = null;
        if (safeStatus(deps.index).ready) {
          const row = deps.index.stake(address.toLowerCase());
          if (row) {
            indexed = {
              principal: row.balance.toString(),
              totalStaked: row.totalStaked.toString(),
              totalWithdrawn: row.totalWithdrawn.toString(),
              rewardsClaimed: row.rewardsClaimed.toString(),
              updatedBlock: Number(row.updatedBlock),
            };
          }
        }
        const active = BigInt(periodFinish) * 1000n > BigInt(now());
        return c.json(
          {
            address,
            stakingContract: staking,
            principal: String(principal),
            earned: String(earned),
            indexed,
            pool: {
              totalStaked: String(totalStaked),
              rewardRatePerSecond: (BigInt(rewardRate) / BigInt(rateScale)).toString(),
              periodFinish: new Date(Number(periodFinish) * 1000).toISOString(),
            },
            aprPercent:
              String(stakingToken).toLowerCase() === String(rewardsToken).toLowerCase()
                ? aprPercent(BigInt(rewardRate), BigInt(rateScale), BigInt(totalStaked), active)
                : null,
          },
          200,
        );
      },
    );
}
