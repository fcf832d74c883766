import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "kysely";
import { type AppDeps, newRouter } from "../../middleware/context";
import { errorResponse, errorResponses } from "../../lib/errors";
import { safeStatus } from "../../index/status";

const CheckSchema = z.object({ ok: z.boolean(), detail: z.string().optional() });
const RelayerSchema = z
  .object({
    enabled: z.boolean().openapi({ description: "Whether POST /invoices/{id}/relay submits signed payments (RELAYER_PRIVATE_KEY set)" }),
    address: z.string().optional(),
    balance: z.string().optional().openapi({ description: "The relayer's ETH balance in wei" }),
    state: z.enum(["ok", "low", "unknown"]).optional().openapi({
      description: "low: balance under RELAYER_LOW_BALANCE_ETH (top it up); unknown: the node did not answer. Never fails readiness",
    }),
  })
  .openapi("RelayerHealth");

/** The relayer's part of /health: off, or its address and balance against the low-balance threshold. */
async function relayerHealth(deps: AppDeps): Promise<z.infer<typeof RelayerSchema>> {
  if (!deps.relayer) return { enabled: false };
  const address = deps.relayer.address;
  try {
    const balance = await within(deps.relayer.balance(), 3000);
    return { enabled: true, address, balance: balance.toString(), state: balance < deps.config.relayerLowBalanceWei ? "low" : "ok" };
  } catch {
    return { enabled: true, address, state: "unknown" };
  }
}

const HealthSchema = z
  .object({
    status: z.literal("ok"),
    checks: z.object({
      appDb: CheckSchema,
      deployment: CheckSchema.extend({ chainId: z.number().int().optional() }),
      node: CheckSchema.extend({ blockNumber: z.number().int().optional() }),
      index: CheckSchema.extend({ indexedBlock: z.number().int().nullable().optional(), lagBlocks: z.number().int().optional() }),
    }),
    relayer: RelayerSchema,
  })
  .openapi("Health");

/** Races `p` against a timeout so one stuck dependency cannot hang the health check. */
async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("timeout")), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** /health: app db, deployment, node reachable, index ready and fresh (503 when any is not), and the relayer's state. */
export function healthRoutes(deps: AppDeps) {
  return newRouter().openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["health"],
      summary: "Readiness: app db, deployment, node reachable, index ready and within INDEX_MAX_LAG_BLOCKS",
      responses: {
        200: { description: "Ready", content: { "application/json": { schema: HealthSchema } } },
        ...errorResponses(503),
      },
    }),
    async (c) => {
      const checks: z.infer<typeof HealthSchema>["checks"] = {
        appDb: { ok: false },
        deployment: { ok: false },
        node: { ok: false },
        index: { ok: false },
      };
      try {
        await within(sql`SELECT 1`.execute(deps.db), 2000);
        checks.appDb = { ok: true };
      } catch {
        checks.appDb = { ok: false, detail: "app.sqlite does not answer" };
      }
      const deployment = deps.deployment.get();
      checks.deployment = deployment ? { ok: true, chainId: deployment.chainId } : { ok: false, detail: "no deployment file" };
      let head: number | null = null;
      try {
        head = await within(deps.chain.blockNumber(), 3000);
        checks.node = { ok: true, blockNumber: head };
      } catch {
        checks.node = { ok: false, detail: "node unreachable" };
      }
      try {
        const status = safeStatus(deps.index);
        const block = status.block === null ? null : Number(status.block.number);
        const lag = head !== null && block !== null ? Math.max(0, head - block) : undefined;
        const fresh = lag !== undefined && lag <= deps.config.indexMaxLagBlocks;
        checks.index = {
          ok: status.ready && fresh,
          indexedBlock: block,
          ...(lag !== undefined ? { lagBlocks: lag } : {}),
          ...(!status.ready ? { detail: "index not ready" } : !fresh ? { detail: "index behind the chain head" } : {}),
        };
      } catch {
        checks.index = { ok: false, detail: "index unreadable" };
      }
      const relayer = await relayerHealth(deps);
      if (Object.values(checks).every((check) => check.ok)) return c.json({ status: "ok" as const, checks, relayer }, 200);
      return errorResponse(c, 503, "not_ready", "Some dependencies are not ready", { checks, relayer }) as never;
    },
  );
}
