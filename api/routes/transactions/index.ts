import { createRoute, z } from "@hono/zod-openapi";
import { csvDocument } from "../../lib/csv";
import { Interface, type InterfaceAbi, type Log } from "ethers";
import type { ContractName } from "../../../core/deployment";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import { headCache } from "../../services/head";
import { HISTORY_KINDS, type HistoryKind } from "../../../core/history";
import { IndexNotReadyError } from "../../index/errors";
import type { HistoryRow, IndexStatus } from "../../index/rows";
import { safeStatus } from "../../index/status";
import { TtlCache } from "../../lib/ttl-cache";
import { AddressSchema, Bytes32Schema, TimeSchema } from "../../lib/schemas";
import { requireAuth } from "../../middleware/session";
import { sessionSettings } from "../../middleware/auth";
import { fromNode, requireDeployment } from "../../services/node";
import { SETTLE_ABIS } from "../../services/deployment";

const HistoryQuerySchema = z.object({
  kind: z
    .string()
    .max(400)
    .transform((v, ctx) => {
      const kinds = v.split(",").map((k) => k.trim());
      const bad = kinds.filter((k) => !(HISTORY_KINDS as readonly string[]).includes(k));
      if (bad.length > 0) {
        ctx.addIssue({ code: "custom", message: `unknown kind(s): ${bad.join(", ").slice(0, 100)}; one of ${HISTORY_KINDS.join(", ")}` });
        return z.NEVER;
      }
      return kinds;
    })
    .optional()
    .openapi({ type: "string", description: "Comma-separated kinds", example: "invoice_paid,released" }),
  token: AddressSchema.optional(),
  invoice: z
    .string()
    .regex(/^(0|[1-9]\d{0,77})$/, "must be an invoice id (decimal)")
    .optional(),
  from: TimeSchema.optional().openapi({ description: "Inclusive lower bound (ISO 8601 or unix seconds)" }),
  to: TimeSchema.optional().openapi({ description: "Exclusive upper bound (ISO 8601 or unix seconds)" }),
  cursor: z
    .string()
    .max(200)
    .regex(/^[\w:.-]+$/, "must be a nextCursor from a previous page")
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  format: z.enum(["json", "csv"]).default("json"),
});

const HistoryItemSchema = z
  .object({
    id: z.string(),
    txHash: z.string(),
    logIndex: z.number().int(),
    blockNumber: z.number().int(),
    timestamp: z.string(),
    kind: z.string(),
    account: z.string(),
    counterparty: z.string().nullable(),
    token: z.string(),
    amount: z.string(),
    fee: z.string().nullable().openapi({
      description: "On a release, claim or the merchant's part of a split: the protocol fee taken from `amount` (the gross)",
    }),
    net: z.string().nullable().openapi({ description: "What the merchant received of `amount`: amount − fee (null where fee is null)" }),
    invoiceId: z.string().nullable(),
    confirmations: z.number().int(),
    final: z.boolean(),
  })
  .openapi("HistoryItem");

const HistoryPageSchema = z
  .object({
    items: z.array(HistoryItemSchema),
    nextCursor: z.string().nullable(),
    chainHead: z.number().int(),
    indexedHead: z.number().int(),
  })
  .openapi("HistoryPage");

const DecodedEventSchema = z.object({
  contract: z.string(),
  address: z.string(),
  event: z.string(),
  logIndex: z.number().int(),
  args: z.record(z.string(), z.unknown()),
  indexed: z.boolean().nullable().openapi({ description: "The index has a history row for this log (null while the index is not ready)" }),
});

const VerificationSchema = z
  .object({
    hash: z.string(),
    status: z.enum(["pending", "success", "reverted"]),
    from: z.string().nullable(),
    to: z.string().nullable(),
    value: z.string().nullable(),
    blockNumber: z.number().int().nullable(),
    blockHash: z.string().nullable(),
    gasUsed: z.string().nullable(),
    confirmations: z.number().int(),
    final: z.boolean(),
    events: z.array(DecodedEventSchema),
    index: z.object({
      ready: z.boolean(),
      indexedHead: z.number().int().nullable(),
      hasTransaction: z.boolean().nullable().openapi({ description: "Every Settle event of the transaction is in the index" }),
      rows: z.number().int(),
    }),
  })
  .openapi("TransactionVerification");

/** JSON form of a history row with its confirmations at `head`. */
export function historyJson(row: HistoryRow, head: number, finality: number): z.infer<typeof HistoryItemSchema> {
  const block = Number(row.blockNumber);
  const confirmations = Math.max(0, head - block + 1);
  return {
    id: row.id,
    txHash: row.txHash,
    logIndex: row.logIndex,
    blockNumber: block,
    timestamp: new Date(Number(row.timestamp) * 1000).toISOString(),
    kind: row.kind,
    account: row.account,
    counterparty: row.counterparty,
    token: row.token,
    amount: row.amount.toString(),
    fee: row.fee === null ? null : row.fee.toString(),
    net: row.fee === null ? null : (row.amount - row.fee).toString(),
    invoiceId: row.invoiceId === null ? null : row.invoiceId.toString(),
    confirmations,
    final: confirmations >= finality,
  };
}

const CSV_COLUMNS = [
  "id",
  "timestamp",
  "blockNumber",
  "txHash",
  "logIndex",
  "kind",
  "account",
  "counterparty",
  "token",
  "amount",
  "fee",
  "net",
  "invoiceId",
  "confirmations",
  "final",
] as const;

/** Decodes the logs emitted by Settle's contracts (other logs are skipped). */
export function decodeSettleLogs(
  logs: readonly Pick<Log, "address" | "topics" | "data" | "index">[],
  contracts: Partial<Record<ContractName, { address: string }>>,
  abis: Partial<Record<ContractName, InterfaceAbi>>,
): Array<{ contract: string; address: string; event: string; logIndex: number; args: Record<string, unknown> }> {
  const byAddress = new Map<string, { name: string; iface: Interface }>();
  for (const [name, info] of Object.entries(contracts)) {
    const abi = abis[name as ContractName];
    if (info && abi) byAddress.set(info.address.toLowerCase(), { name, iface: new Interface(abi) });
  }
  const out = [];
  for (const log of logs) {
    const contract = byAddress.get(log.address.toLowerCase());
    if (!contract) continue;
    const parsed = contract.iface.parseLog({ topics: [...log.topics], data: log.data });
    if (!parsed) continue;
    const args: Record<string, unknown> = {};
    parsed.fragment.inputs.forEach((input, i) => {
      const v: unknown = parsed.args[i];
      args[input.name || String(i)] = typeof v === "bigint" ? v.toString() : v;
    });
    out.push({
      contract: contract.name,
      address: log.address,
      event: parsed.name,
      logIndex: log.index,
      args: JSON.parse(JSON.stringify(args, (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x))) as Record<string, unknown>,
    });
  }
  return out;
}

/** /transactions: the signed-in account's history (JSON or CSV) and verification of any transaction. */
export function transactionRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const auth = requireAuth(sessionSettings(deps), now, "transactions:read");
  const chainHead = headCache(deps.chain, 1000);
  const finality = deps.config.finalityConfirmations;
  // The index's status, re-read at most every 200 ms on the hot path (it costs a stat and a query).
  const statusCache = new TtlCache<IndexStatus>(200, 1);
  // Pages are kept as UTF-8 bytes: a repeat is written to the socket as is (no length scan, no encoding).
  const pages = new TtlCache<{ body: Uint8Array<ArrayBuffer>; type: string; nextCursor: string | null }>(deps.config.historyCacheMs, 2000);

  return newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/",
        tags: ["transactions"],
        summary: "The signed-in account's history from the index, newest first, with confirmations; ?format=csv for a CSV page",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        request: { query: HistoryQuerySchema },
        responses: {
          200: {
            description: "A page (CSV: the same rows, next cursor in the X-Next-Cursor header)",
            content: { "application/json": { schema: HistoryPageSchema }, "text/csv": { schema: z.string() } },
          },
          ...errorResponses(400, 401, 503),
        },
      }),
      async (c) => {
        const q = c.req.valid("query");
        const account = c.get("auth").address;
        let indexed = statusCache.get("status", now());
        if (!indexed) statusCache.set("status", (indexed = await safeStatus(deps.index)), now());
        if (!indexed.ready || indexed.block === null)
          throw new IndexNotReadyError("building", "the index is being built: try again shortly");
        const indexedHead = Number(indexed.block.number);
        let head: number;
        try {
          head = Math.max(await chainHead(), indexedHead);
        } catch {
          head = indexedHead;
        }
        // A page only changes when a block is indexed or the chain head moves (confirmations): serve
        // repeats from a short-lived cache keyed by both.
        const url = c.req.url;
        const search = url.includes("?") ? url.slice(url.indexOf("?")) : "";
        const key = `${account}|${search}|${indexedHead}:${indexed.block.timestamp}|${head}`;
        const cached = deps.config.historyCacheMs > 0 ? pages.get(key, now()) : undefined;
        if (cached) {
          if (cached.nextCursor && q.format === "csv") c.header("X-Next-Cursor", cached.nextCursor);
          if (q.format === "csv") c.header("Content-Disposition", 'attachment; filename="settle-history.csv"');
          return c.body(cached.body, 200, { "Content-Type": cached.type });
        }
        const page = await deps.index.historyByAccount(account.toLowerCase(), {
          kinds: q.kind as HistoryKind[] | undefined,
          token: q.token?.toLowerCase(),
          invoiceId: q.invoice === undefined ? undefined : BigInt(q.invoice),
          fromTimestamp: q.from,
          toTimestamp: q.to,
          cursor: q.cursor,
          limit: q.limit,
        });
        const items = page.items.map((row) => historyJson(row, head, finality));
        if (q.format === "csv") {
          const body = Buffer.from(csvDocument(CSV_COLUMNS, items));
          const type = "text/csv; charset=utf-8";
          pages.set(key, { body, type, nextCursor: page.nextCursor }, now());
          if (page.nextCursor) c.header("X-Next-Cursor", page.nextCursor);
          c.header("Content-Disposition", 'attachment; filename="settle-history.csv"');
          return c.body(body, 200, { "Content-Type": type });
        }
        const body = Buffer.from(JSON.stringify({ items, nextCursor: page.nextCursor, chainHead: head, indexedHead }));
        pages.set(key, { body, type: "application/json", nextCursor: page.nextCursor }, now());
        return c.body(body, 200, { "Content-Type": "application/json" }) as never;
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{hash}",
        tags: ["transactions"],
        summary: "Verify a transaction: receipt status, block, confirmations, decoded Settle events, and whether the index has them",
        request: { params: z.object({ hash: Bytes32Schema.openapi({ param: { name: "hash", in: "path" } }) }) },
        responses: {
          200: { description: "Verification", content: { "application/json": { schema: VerificationSchema } } },
          ...errorResponses(400, 404, 503),
        },
      }),
      async (c) => {
        const { hash } = c.req.valid("param");
        const deployment = requireDeployment(deps);
        const receipt = await fromNode(deps.chain.getReceipt(hash));
        const tx = receipt ? null : await fromNode(deps.chain.getTransaction(hash));
        if (!receipt && !tx) throw new ApiError(404, "transaction_not_found", "The node knows no transaction with this hash");

        const status = await safeStatus(deps.index);
        const indexedHead = status.block === null ? null : Number(status.block.number);
        let rows: HistoryRow[] = [];
        if (status.ready) rows = await deps.index.historyByTxHash(hash);
        const indexedLogs = new Set(rows.map((r) => r.logIndex));

        if (!receipt) {
          return c.json(
            {
              hash,
              status: "pending" as const,
              from: tx!.from,
              to: tx!.to,
              value: tx!.value.toString(),
              blockNumber: null,
              blockHash: null,
              gasUsed: null,
              confirmations: 0,
              final: false,
              events: [],
              index: { ready: status.ready, indexedHead, hasTransaction: status.ready ? false : null, rows: 0 },
            },
            200,
          );
        }
        const head = Math.max(await fromNode(deps.chain.blockNumber()), receipt.blockNumber);
        const confirmations = head - receipt.blockNumber + 1;
        const events = decodeSettleLogs(receipt.logs, deployment.contracts, SETTLE_ABIS).map((e) => ({
          ...e,
          indexed: status.ready ? indexedLogs.has(e.logIndex) : null,
        }));
        const covered = indexedHead !== null && indexedHead >= receipt.blockNumber;
        return c.json(
          {
            hash,
            status: receipt.status === 1 ? ("success" as const) : ("reverted" as const),
            from: receipt.from,
            to: receipt.to,
            value: null,
            blockNumber: receipt.blockNumber,
            blockHash: receipt.blockHash,
            gasUsed: receipt.gasUsed.toString(),
            confirmations,
            final: confirmations >= finality,
            events,
            index: {
              ready: status.ready,
              indexedHead,
              hasTransaction: status.ready ? covered && (events.length === 0 ? true : rows.length > 0) : null,
              rows: rows.length,
            },
          },
          200,
        );
      },
    );
}
