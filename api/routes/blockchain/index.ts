import { createRoute, z } from "@hono/zod-openapi";
import { pricedCurrencies, type Deployment } from "../../../core/deployment";
import { type AppDeps, newRouter } from "../../middleware/context";
import { fromNode } from "../../services/node";
import { ChainIdQuerySchema, chainFields, chainFieldsOf, chainsOf } from "../../services/networks";
import { SETTLE_ABIS } from "../../services/deployment";
import { STAKING_VIEWS, aprPercent } from "../../services/staking";
import { ApiError, errorResponses } from "../../lib/errors";
import { safeStatus } from "../../index/status";
import { AddressParamSchema } from "../../lib/schemas";

const NetworkDeploymentSchema = z
  .object({
    ...chainFields("The network's chain"),
    network: z.string(),
    abiHash: z.string(),
    contracts: z.record(
      z.string(),
      z.object({ address: z.string(), deployBlock: z.number().int(), txHash: z.string(), abi: z.array(z.unknown()).nullable() }),
    ),
    currencies: z
      .array(
        z.object({
          code: z.string().openapi({ example: "EUR" }),
          tokens: z.array(z.object({ name: z.string().openapi({ example: "TestUSD" }), address: z.string() })),
        }),
      )
      .openapi({
        description:
          "The currencies an invoice may be priced in with the deployment's own price feeds (a local chain's), each with the tokens that have a feed for it (0x000…000: ETH); empty elsewhere",
      }),
  })
  .openapi("NetworkDeployment");

const ContractsSchema = NetworkDeploymentSchema.extend({
  networks: z.array(NetworkDeploymentSchema).openapi({
    description: "Every network this API serves that is deployed, the first one first (its fields are also at the top level)",
  }),
}).openapi("Contracts");

/** One network's deployment as GET /blockchain/contracts shows it: chain, name, addresses with ABIs, priced currencies. */
function networkDeployment(d: Deployment): z.infer<typeof NetworkDeploymentSchema> {
  const contracts = Object.fromEntries(
    Object.entries(d.contracts).map(([name, info]) => [
      name,
      { ...info, abi: (SETTLE_ABIS[name as keyof typeof SETTLE_ABIS] as unknown[]) ?? null },
    ]),
  );
  return {
    ...chainFieldsOf(d.chainId),
    network: d.network,
    abiHash: d.abiHash,
    contracts,
    currencies: pricedCurrencies(d),
  };
}

const ChainIndexSchema = z.object({
  ...chainFields("The chain whose heads these are"),
  chainHead: z.number().int().nullable().openapi({ description: "The node's head (null: the node did not answer, see `nodeError`)" }),
  indexedHead: z.number().int().nullable(),
  lagBlocks: z.number().int().nullable(),
  nodeError: z.string().nullable().openapi({ description: "What is wrong with this chain's node, when it did not answer" }),
});

const StatusSchema = z
  .object({
    ...chainFields("The chain read (?chainId=, else the first network)"),
    chainHead: z.number().int(),
    indexedHead: z.number().int().nullable().openapi({ description: "The index's head on this chain" }),
    indexReady: z.boolean(),
    lagBlocks: z.number().int().nullable(),
    chains: z.array(ChainIndexSchema).openapi({ description: "Every served chain's heads, in configured order" }),
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

/** /blockchain: every network's deployment with ABIs, a chain's status and staking positions (`?chainId=`). */
export function blockchainRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const chains = chainsOf(deps);
  return newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/contracts",
        tags: ["blockchain"],
        summary:
          "The deployments: chain id and name, addresses, deploy blocks and ABIs of every network (the first one also at the top level)",
        responses: {
          200: { description: "Deployment", content: { "application/json": { schema: ContractsSchema } } },
          ...errorResponses(503),
        },
      }),
      (c) => {
        const first = chains.require(undefined);
        const networks = chains.deployed().map((network) => networkDeployment(network.current));
        return c.json({ ...networkDeployment(first.current), networks }, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/status",
        tags: ["blockchain"],
        summary:
          "Chain head, indexed head and the lag between them (of the first network, or of `?chainId=`), and those of every served chain",
        request: { query: ChainIdQuerySchema },
        responses: {
          200: { description: "Status", content: { "application/json": { schema: StatusSchema } } },
          ...errorResponses(400, 503),
        },
      }),
      async (c) => {
        const { current: d, chain } = chains.require(c.req.valid("query").chainId);
        // The index first, the nodes then: a node's head is never behind what was indexed of it.
        const index = await safeStatus(deps.index);
        const chainHead = await fromNode(chain.blockNumber());
        const indexedHeadOf = (chainId: number): number | null => {
          const block = index.chains.find((indexed) => indexed.chainId === chainId)?.block;
          // An index that has not recorded its chains yet only knows the first network's head.
          if (block === undefined && index.chains.length === 0 && chainId === chains.require(undefined).current.chainId)
            return index.block === null ? null : Number(index.block.number);
          return block ? Number(block.number) : null;
        };
        const lag = (head: number | null, indexed: number | null) =>
          head === null || indexed === null ? null : Math.max(0, head - indexed);
        const all = await Promise.all(
          chains.deployed().map(async (network) => {
            const chainId = network.current.chainId;
            const indexed = indexedHeadOf(chainId);
            let head: number | null = null;
            let nodeError: string | null = null;
            try {
              head = chainId === d.chainId ? chainHead : await fromNode(network.chain.blockNumber());
            } catch (error) {
              nodeError = error instanceof Error ? error.message : String(error);
            }
            return {
              ...chainFieldsOf(chainId),
              chainHead: head,
              indexedHead: indexed,
              lagBlocks: lag(head, indexed),
              nodeError,
            };
          }),
        );
        const indexedHead = indexedHeadOf(d.chainId);
        return c.json(
          {
            ...chainFieldsOf(d.chainId),
            chainHead,
            indexedHead,
            indexReady: index.ready,
            lagBlocks: lag(chainHead, indexedHead),
            chains: all,
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
        summary:
          "An address's stake: principal and earned from the chain (the first network, or `?chainId=`), history from the index, pool APR",
        request: { params: AddressParamSchema, query: ChainIdQuerySchema },
        responses: {
          200: { description: "Stake", content: { "application/json": { schema: StakingSchema } } },
          ...errorResponses(400, 503),
        },
      }),
      async (c) => {
        const { address } = c.req.valid("param");
        const { current, chain } = chains.require(c.req.valid("query").chainId);
        const staking = current.contracts.StakingRewards.address;
        const view = async (fn: string, args: unknown[] = []) => {
          const raw = await fromNode(chain.call(staking, STAKING_VIEWS.encodeFunctionData(fn, args)));
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
        if ((await safeStatus(deps.index)).ready) {
          const row = await deps.index.stake(address.toLowerCase(), current.chainId);
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
