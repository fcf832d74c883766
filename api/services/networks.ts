import { z } from "@hono/zod-openapi";
import { chainName } from "../../core/chains";
import type { Deployment } from "../../core/deployment";
import { ApiError } from "../lib/errors";
import type { Chain } from "./chain";
import type { DeploymentSource } from "./deployment";
import type { Relayer } from "./relayer";

/** One network the API serves: its deployments/<network>.json, its node and, with RELAYER_PRIVATE_KEY, the relayer on it. */
export interface ServedNetwork {
  /** The network's name (SETTLE_NETWORKS). */
  name: string;
  /** Its deployment file. */
  deployment: DeploymentSource;
  /** Its node. */
  chain: Chain;
  /** The relayer's account on this chain, when the relayer is on. */
  relayer?: Relayer;
}

/** A served network whose deployment is there, found by its chain id. */
export interface DeployedNetwork extends ServedNetwork {
  /** Its current deployment. */
  current: Deployment;
}

/** Every network the API serves, found by the chain id of its deployment (read afresh: a redeploy may change it). */
export interface ChainDirectory {
  /** Every configured network, the first one (the single-chain routes' default) first. */
  readonly networks: readonly ServedNetwork[];
  /** The networks deployed so far, in configured order (a network without its deployment file has no chain id yet). */
  deployed(): DeployedNetwork[];
  /** The deployed network on chain `chainId`, or undefined. */
  find(chainId: number): DeployedNetwork | undefined;
  /**
   * The deployed network on chain `chainId`, or the first network's when `chainId` is undefined.
   *
   * @throws ApiError 400 `unknown_chain` naming the served chain ids; 503 `deployment_missing` when the first network
   *   (asked for by default) has no deployment yet
   */
  require(chainId: number | undefined): DeployedNetwork;
}

/** A {@link ChainDirectory} over `networks` (at least one). */
export function chainDirectory(networks: readonly ServedNetwork[]): ChainDirectory {
  if (networks.length === 0) throw new Error("chainDirectory needs at least one network");
  const deployed = () =>
    networks.flatMap((network) => {
      const current = network.deployment.get();
      return current ? [{ ...network, current }] : [];
    });
  return {
    networks,
    deployed,
    find: (chainId) => deployed().find((network) => network.current.chainId === chainId),
    require(chainId) {
      if (chainId === undefined) {
        const current = networks[0]!.deployment.get();
        if (!current) throw new ApiError(503, "deployment_missing", "No deployment yet: deploy the contracts first");
        return { ...networks[0]!, current };
      }
      const found = deployed().find((network) => network.current.chainId === chainId);
      if (found) return found;
      const served = deployed().map((network) => network.current.chainId);
      throw new ApiError(
        400,
        "unknown_chain",
        `Chain ${chainId} is not served here: chainId must be one of ${served.length > 0 ? served.join(", ") : "(none deployed yet)"}`,
        { chainId, chainIds: served },
      );
    },
  };
}

/** What {@link chainsOf} needs of the app's dependencies. */
export interface ChainDeps {
  /** The first network's deployment. */
  deployment: DeploymentSource;
  /** The first network's node. */
  chain: Chain;
  /** The relayer on the first network. */
  relayer?: Relayer;
  /** Every served network; absent: the first one only. */
  chains?: ChainDirectory;
}

/** The networks of `deps`: its {@link ChainDirectory}, or one made of its single deployment, node and relayer. */
export function chainsOf(deps: ChainDeps): ChainDirectory {
  return deps.chains ?? chainDirectory([{ name: "default", deployment: deps.deployment, chain: deps.chain, relayer: deps.relayer }]);
}

/** `?chainId=` of the routes that read one chain: a positive integer; absent means the first network. */
export const ChainIdQuerySchema = z.object({
  chainId: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .openapi({ description: "The chain to read (GET /blockchain/contracts lists them); default: the first network", example: 31337 }),
});

/**
 * The chain fields of a response object, spread into its `z.object({...})`: `chainId` (`description` says whose
 * chain it is) and the chain's `chainName`. Filled by {@link chainFieldsOf}.
 */
export function chainFields(description: string) {
  return {
    chainId: z.number().int().openapi({ description, example: 31337 }),
    chainName: z.string().openapi({ description: "The chain's name (core/chains)", example: "Base" }),
  };
}

/** The values of {@link chainFields} for chain `chainId`. */
export function chainFieldsOf(chainId: number): { chainId: number; chainName: string } {
  return { chainId, chainName: chainName(chainId) };
}
