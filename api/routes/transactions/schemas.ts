/** The schemas of /transactions and the JSON form of a history row. */
import { z } from "@hono/zod-openapi";
import { HISTORY_KINDS } from "../../../core/history";
import type { HistoryRow } from "../../index/rows";
import { AddressSchema, TimeSchema } from "../../lib/schemas";
import { ChainIdQuerySchema, chainFields, chainFieldsOf } from "../../services/networks";

/** Query of GET /transactions: filters, the chain, the cursor and the format. */
export const HistoryQuerySchema = ChainIdQuerySchema.extend({
  chainId: ChainIdQuerySchema.shape.chainId.openapi({
    description: "Rows of this chain only (GET /blockchain/contracts lists the served chains); default: every chain's",
    example: 31338,
  }),
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

/** One history row as the API shows it. */
export const HistoryItemSchema = z
  .object({
    id: z.string(),
    ...chainFields("The chain of the row"),
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

/** One chain's heads, as a history page counts confirmations against them. */
const ChainHeadsSchema = z.object({
  ...chainFields("The chain whose heads these are"),
  chainHead: z.number().int().openapi({ description: "The node's head (the indexed head when the node does not answer)" }),
  indexedHead: z.number().int(),
});

/** A page of GET /transactions. */
export const HistoryPageSchema = z
  .object({
    items: z.array(HistoryItemSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "The next page's cursor (it is only valid with the same filters, ?chainId= included)" }),
    chainHead: z.number().int().openapi({ description: "The head of the first chain listed in `chains`" }),
    indexedHead: z.number().int().openapi({ description: "The indexed head of the first chain listed in `chains`" }),
    chains: z.array(ChainHeadsSchema).openapi({ description: "Each listed chain's heads (only the ?chainId= one when given)" }),
  })
  .openapi("HistoryPage");

/** A Settle event decoded from a receipt. */
export const DecodedEventSchema = z.object({
  contract: z.string(),
  address: z.string(),
  event: z.string(),
  logIndex: z.number().int(),
  args: z.record(z.string(), z.unknown()),
  indexed: z.boolean().nullable().openapi({ description: "The index has a history row for this log (null while the index is not ready)" }),
});

/** GET /transactions/{hash}. */
export const VerificationSchema = z
  .object({
    hash: z.string(),
    ...chainFields("The chain the transaction is on"),
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
    ...chainFieldsOf(row.chainId),
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

/** The columns of GET /transactions?format=csv. */
export const CSV_COLUMNS = [
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
  "chainId",
  "chainName",
] as const;
