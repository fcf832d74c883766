import { createRoute, z } from "@hono/zod-openapi";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ChainIdQuerySchema, chainFields, chainFieldsOf, chainsOf } from "../../services/networks";
import { tokenMetadata } from "../../services/token-metadata";
import { errorResponses } from "../../lib/errors";
import { AddressParamSchema } from "../../lib/schemas";

const TokenSchema = z
  .object({
    ...chainFields("The chain the token was read on"),
    address: z
      .string()
      .openapi({ description: "EIP-55 address; 0x000…000 for ETH", example: "0x5FbDB2315678afecb367f032d93F642f64180aa3" }),
    symbol: z.string().openapi({ example: "USDC" }),
    decimals: z.number().int().openapi({ example: 6 }),
    name: z.string().openapi({ example: "USD Coin" }),
  })
  .openapi("Token");

/** GET /blockchain/tokens/{address}: a token's metadata, read through the API's own node of the asked chain. */
export function tokenRoutes(deps: AppDeps) {
  const tokens = tokenMetadata(deps, deps.now ?? Date.now);
  const chains = chainsOf(deps);
  return newRouter().openapi(
    createRoute({
      method: "get",
      path: "/tokens/{address}",
      tags: ["blockchain"],
      summary:
        "Symbol, decimals and name of a token on a served chain (the first network, or `?chainId=`), read from its contract through the API's node of that chain; ETH for the zero address",
      request: { params: AddressParamSchema, query: ChainIdQuerySchema },
      responses: {
        200: {
          description: "The token (Cache-Control: public, max-age=3600)",
          content: { "application/json": { schema: TokenSchema } },
        },
        ...errorResponses(400, 422, 503),
      },
    }),
    async (c) => {
      const { address } = c.req.valid("param");
      const { chainId } = chains.require(c.req.valid("query").chainId).current;
      const token = await tokens.require(address, chainId);
      c.header("Cache-Control", "public, max-age=3600");
      return c.json({ ...chainFieldsOf(chainId), ...token }, 200);
    },
  );
}
