import { createRoute, z } from "@hono/zod-openapi";
import type { HistoryKind } from "../../../core/history";
import { IndexNotReadyError } from "../../index/errors";
import type { HistoryRow, IndexStatus } from "../../index/rows";
import { safeStatus } from "../../index/status";
import { csvDocument } from "../../lib/csv";
import { errorResponses } from "../../lib/errors";
import { Bytes32Schema } from "../../lib/schemas";
import { TtlCache } from "../../lib/ttl-cache";
import { type AppDeps, newRouter } from "../../middleware/context";
import { sessionSettings } from "../../middleware/auth";
import { requireAuth } from "../../middleware/session";
import { SETTLE_ABIS } from "../../services/deployment";
import { headCache } from "../../services/head";
import { ChainIdQuerySchema, chainFieldsOf, chainsOf } from "../../services/networks";
import { fromNode } from "../../services/node";
import { CSV_COLUMNS, HistoryPageSchema, HistoryQuerySchema, VerificationSchema, historyJson } from "./schemas";
import { decodeSettleLogs, findTransaction } from "./verify";

export { decodeSettleLogs } from "./verify";
export { historyJson } from "./schemas";

/** /transactions: the signed-in account's history (JSON or CSV) and verification of any transaction. */
export function transactionRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const auth = requireAuth(sessionSettings(deps), now, "transactions:read");
  const chains = chainsOf(deps);
  // Each chain's node head, asked at most once a second per chain.
  const nodeHeads = new Map<number, () => Promise<number>>();
  const nodeHead = async (chainId: number, indexed: number): Promise<number> => {
    const network = chains.find(chainId);
    if (!network) return indexed;
    let read = nodeHeads.get(chainId);
    if (!read) nodeHeads.set(chainId, (read = headCache(network.chain, 1000)));
    try {
      return Math.max(await read(), indexed);
    } catch {
      return indexed;
    }
  };
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
        if (q.chainId !== undefined) chains.require(q.chainId);
        let indexed = statusCache.get("status", now());
        if (!indexed) statusCache.set("status", (indexed = await safeStatus(deps.index)), now());
        if (!indexed.ready || indexed.block === null)
          throw new IndexNotReadyError("building", "the index is being built: try again shortly");
        // Each listed chain's indexed and node heads: a row's confirmations count on its own chain.
        const first = indexed.block;
        const indexedChains =
          indexed.chains.length > 0
            ? indexed.chains
            : [{ chainId: chains.require(undefined).current.chainId, network: indexed.network ?? "", block: first }];
        const listed = indexedChains.filter((chain) => q.chainId === undefined || chain.chainId === q.chainId);
        const heads = await Promise.all(
          listed.map(async (chain) => {
            const indexedHead = Number(chain.block?.number ?? 0n);
            return {
              ...chainFieldsOf(chain.chainId),
              chainHead: await nodeHead(chain.chainId, indexedHead),
              indexedHead,
            };
          }),
        );
        const headOf = new Map(heads.map((h) => [h.chainId, h.chainHead]));
        // A page only changes when a block is indexed or a chain head moves (confirmations): serve repeats from a
        // short-lived cache keyed by the query (its ?chainId= included) and every listed chain's heads.
        const url = c.req.url;
        const search = url.includes("?") ? url.slice(url.indexOf("?")) : "";
        const key = `${account}|${search}|${first.number}:${first.timestamp}|${heads.map((h) => `${h.chainId}:${h.indexedHead}:${h.chainHead}`).join(",")}`;
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
          chainId: q.chainId,
          cursor: q.cursor,
          limit: q.limit,
        });
        const items = page.items.map((row: HistoryRow) => historyJson(row, headOf.get(row.chainId) ?? Number(row.blockNumber), finality));
        if (q.format === "csv") {
          const body = Buffer.from(csvDocument(CSV_COLUMNS, items));
          const type = "text/csv; charset=utf-8";
          pages.set(key, { body, type, nextCursor: page.nextCursor }, now());
          if (page.nextCursor) c.header("X-Next-Cursor", page.nextCursor);
          c.header("Content-Disposition", 'attachment; filename="settle-history.csv"');
          return c.body(body, 200, { "Content-Type": type });
        }
        const top = heads[0] ?? { chainHead: Number(first.number), indexedHead: Number(first.number) };
        const body = Buffer.from(
          JSON.stringify({ items, nextCursor: page.nextCursor, chainHead: top.chainHead, indexedHead: top.indexedHead, chains: heads }),
        );
        pages.set(key, { body, type: "application/json", nextCursor: page.nextCursor }, now());
        return c.body(body, 200, { "Content-Type": "application/json" }) as never;
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{hash}",
        tags: ["transactions"],
        summary:
          "Verify a transaction: its chain, receipt status, block, confirmations, decoded Settle events, and whether the index has them",
        description:
          "Looks on every served chain, or on `?chainId=` only. The same hash on several chains (local chains replay the same deployer's transactions) answers 409 `ambiguous_transaction` with `details.candidates` (chainId, chainName, block): ask again with `?chainId=`.",
        request: {
          params: z.object({ hash: Bytes32Schema.openapi({ param: { name: "hash", in: "path" } }) }),
          query: ChainIdQuerySchema.extend({
            chainId: ChainIdQuerySchema.shape.chainId.openapi({ description: "The chain to look on; default: every served chain" }),
          }),
        },
        responses: {
          200: { description: "Verification", content: { "application/json": { schema: VerificationSchema } } },
          ...errorResponses(400, 404, 409, 503),
        },
      }),
      async (c) => {
        const { hash } = c.req.valid("param");
        const { network, receipt, tx } = await findTransaction(chains, hash, c.req.valid("query").chainId);
        const chainId = network.current.chainId;
        const onChain = chainFieldsOf(chainId);

        const status = await safeStatus(deps.index);
        const chainBlock =
          status.chains.find((chain) => chain.chainId === chainId)?.block ?? (status.chains.length === 0 ? status.block : null);
        const indexedHead = chainBlock === null ? null : Number(chainBlock.number);
        let rows: HistoryRow[] = [];
        if (status.ready) rows = await deps.index.historyByTxHash(hash, chainId);
        const indexedLogs = new Set(rows.map((r) => r.logIndex));

        if (!receipt) {
          return c.json(
            {
              hash,
              ...onChain,
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
        const head = Math.max(await fromNode(network.chain.blockNumber()), receipt.blockNumber);
        const confirmations = head - receipt.blockNumber + 1;
        const events = decodeSettleLogs(receipt.logs, network.current.contracts, SETTLE_ABIS).map((e) => ({
          ...e,
          indexed: status.ready ? indexedLogs.has(e.logIndex) : null,
        }));
        const covered = indexedHead !== null && indexedHead >= receipt.blockNumber;
        return c.json(
          {
            hash,
            ...onChain,
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
