import { createRoute, z } from "@hono/zod-openapi";
import { sql } from "kysely";
import { type AppDeps, newRouter } from "../../middleware/context";
import { NodeProblemError, errorResponse, errorResponses } from "../../lib/errors";
import { RPC_PROBLEM_CODES } from "../../../core/rpc";
import { safeStatus } from "../../index/status";
import { chainName } from "../../../core/chains";
import { chainFields } from "../../services/networks";

const CheckSchema = z.object({ ok: z.boolean(), detail: z.string().optional() });
const networkChain = chainFields("The network's chain (null until the indexer has recorded it)");
const NetworkSchema = z.object({
  chainId: networkChain.chainId.nullable(),
  chainName: networkChain.chainName.nullable(),
  state: z
    .enum(["ok", "lagging", "degraded"])
    .openapi({ description: "ok: current; lagging: behind the node's head; degraded: the RPC does not answer" }),
  headBlock: z.number().int().nullable(),
  indexedBlock: z.number().int().nullable(),
  lagBlocks: z.number().int().nullable(),
  lagSeconds: z.number().int().nullable(),
  currentAt: z.string().nullable().openapi({ description: "when the index was last current (ISO 8601)" }),
  unreachableSince: z.string().nullable().openapi({ description: "since when the indexer's RPC has not answered (ISO 8601)" }),
  lastError: z.string().nullable(),
});

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
    status: z.enum(["ok", "degraded"]).openapi({ description: "degraded: served, but a check failed or a network is not ok" }),
    networks: z
      .record(z.string(), NetworkSchema)
      .openapi({ description: "the indexer's sync of each network (one per chain indexed, by network name), as it last recorded it" }),
    checks: z.object({
      appDb: CheckSchema,
      deployment: CheckSchema.extend({ chainId: z.number().int().optional() }),
      node: CheckSchema.extend({
        blockNumber: z.number().int().optional(),
        code: z.enum(RPC_PROBLEM_CODES).optional().openapi({ description: "what is wrong with the node (core/rpc), when it failed" }),
        host: z.string().optional().openapi({ description: "the node's host, when it failed" }),
      }),
      index: CheckSchema.extend({ indexedBlock: z.number().int().nullable().optional(), lagBlocks: z.number().int().optional() }),
    }),
    relayer: RelayerSchema,
    email: z
      .object({ enabled: z.boolean().openapi({ description: "Whether invoice emails are sent (SMTP_URL set)" }) })
      .openapi("EmailHealth"),
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

/** An ISO 8601 time, or null. */
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * /health: app db, deployment, node reachable, index ready and fresh, each network's sync as the indexer sees it, and
 * the relayer's state (never a readiness failure) and whether invoice email is on.
 * 503 only when the API cannot serve (app db, deployment or index missing); an unreachable node or a lagging index is
 * 200 `degraded`: the index is still served, its answers marked stale (middleware/stale.ts); the node check then says
 * what is wrong with it (core/rpc's code, its host and sentence).
 */
export function healthRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  return newRouter().openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["health"],
      summary: "Readiness: app db, deployment, node reachable, index ready and within INDEX_MAX_LAG_BLOCKS, each network's sync",
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
        checks.appDb = { ok: false, detail: "the app database does not answer" };
      }
      const deployment = deps.deployment.get();
      checks.deployment = deployment ? { ok: true, chainId: deployment.chainId } : { ok: false, detail: "no deployment file" };
      let head: number | null = null;
      try {
        head = await within(deps.chain.blockNumber(), 3000);
        checks.node = { ok: true, blockNumber: head };
      } catch (error) {
        checks.node =
          error instanceof NodeProblemError
            ? { ok: false, detail: error.problem.message, code: error.problem.code, host: error.problem.host }
            : { ok: false, detail: "node unreachable" };
      }
      try {
        const status = await safeStatus(deps.index);
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
      const networks: z.infer<typeof HealthSchema>["networks"] = {};
      const indexed = (await safeStatus(deps.index)).chains;
      for (const [name, record] of Object.entries(await deps.index.syncHealth(now()))) {
        const chainId = indexed.find((chain) => chain.network === name)?.chainId ?? null;
        networks[name] = {
          chainId,
          chainName: chainId === null ? null : chainName(chainId),
          state: record.state,
          headBlock: record.headBlock,
          indexedBlock: record.indexedBlock,
          lagBlocks: record.lagBlocks,
          lagSeconds: record.lagSeconds,
          currentAt: iso(record.currentAt),
          unreachableSince: iso(record.unreachableSince),
          lastError: record.lastError,
        };
      }
      const relayer = await relayerHealth(deps);
      const email = { enabled: deps.config.smtpUrl !== undefined };
      const canServe = checks.appDb.ok && checks.deployment.ok && (await safeStatus(deps.index)).ready;
      if (!canServe)
        return errorResponse(c, 503, "not_ready", "Some dependencies are not ready", { checks, networks, relayer, email }) as never;
      const allOk = Object.values(checks).every((check) => check.ok) && Object.values(networks).every((n) => n.state === "ok");
      return c.json({ status: allOk ? ("ok" as const) : ("degraded" as const), networks, checks, relayer, email }, 200);
    },
  );
}
