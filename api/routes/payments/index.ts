import { createRoute, z } from "@hono/zod-openapi";
import { type AppDeps, newRouter } from "../../middleware/context";
import { errorResponses } from "../../lib/errors";
import { InvoiceIdParamSchema, ShareTokenSchema } from "../../lib/schemas";
import { documentSources } from "../../services/document-sources";
import { recordChainId } from "../../services/drafts";
import { ChainIdQuerySchema } from "../../services/networks";
import { type InvoicePayment, invoicePayments } from "../../services/invoice-payments";
import { formatPrice, formatRate } from "../../../core/invoice/currency";

const PaymentSchema = z
  .object({
    payer: z.string().openapi({ description: "The account that paid" }),
    token: z.string().openapi({ description: "The token paid (0x000…000 for ETH)" }),
    amount: z.string().openapi({ description: "The amount paid, in the token's base units" }),
    currency: z.string().nullable().openapi({ example: "EUR", description: "ISO 4217 code of a priced invoice; null otherwise" }),
    price: z.string().nullable().openapi({ example: "12.50", description: "The invoice's price in the currency; null otherwise" }),
    rate: z
      .object({
        rate: z.string().openapi({ example: "0.92", description: "One whole token in the currency" }),
        answer: z.string().openapi({ description: "The feed's answer, with feedDecimals decimals" }),
        feedDecimals: z.number().int(),
        roundId: z.string().openapi({ description: "The feed's round the answer comes from" }),
      })
      .nullable()
      .openapi({
        description: "The rate that converted the price into the token (InvoicePriced); null for an invoice priced in its token",
      }),
    blockNumber: z.number().int(),
    paidAt: z.string().openapi({ description: "The block's time (ISO 8601)" }),
    txHash: z.string(),
    logIndex: z.number().int(),
  })
  .openapi("InvoicePayment");

const PaymentsSchema = z
  .object({
    id: z.string().openapi({ description: "The invoice's on-chain id, or its draft id before it is on chain" }),
    chainId: z.number().int().openapi({ description: "The invoice's chain" }),
    payments: z.array(PaymentSchema).openapi({ description: "In chain order; empty until the first payment" }),
  })
  .openapi("InvoicePayments");

/** A payment as JSON (amounts as decimal text). */
function paymentJson(p: InvoicePayment): z.infer<typeof PaymentSchema> {
  const rate = p.pricing?.rate;
  return {
    payer: p.payer,
    token: p.token,
    amount: p.amount.toString(),
    currency: p.pricing?.currency ?? null,
    price: p.pricing ? formatPrice(p.pricing.price) : null,
    rate: rate
      ? {
          rate: formatRate(rate.answer, rate.decimals),
          answer: rate.answer.toString(),
          feedDecimals: rate.decimals,
          roundId: rate.roundId.toString(),
        }
      : null,
    blockNumber: Number(p.blockNumber),
    paidAt: new Date(Number(p.timestamp) * 1000).toISOString(),
    txHash: p.txHash,
    logIndex: p.logIndex,
  };
}

/** GET /invoices/{id}/payments: each payment of the invoice as it was on chain, from the index. */
export function paymentRoutes(deps: AppDeps) {
  const { locate, authorizeDocument } = documentSources(deps);
  return newRouter().openapi(
    createRoute({
      method: "get",
      path: "/{id}/payments",
      tags: ["invoices"],
      summary: "Each payment of the invoice as it was on chain: payer, token, amount, the rate of a priced invoice, time, transaction",
      description:
        "Read from the index (InvoicePaid, and InvoicePriced for an invoice priced in a currency). Access as for the invoice's document: its merchant or payer (signed in), or anyone with `?share=<token>`.",
      security: [{ bearer: [] }, {}] as Array<Record<string, string[]>>,
      request: { params: InvoiceIdParamSchema, query: ChainIdQuerySchema.extend({ share: ShareTokenSchema.optional() }) },
      responses: {
        200: { description: "The payments", content: { "application/json": { schema: PaymentsSchema } } },
        ...errorResponses(400, 401, 403, 404, 503),
      },
    }),
    async (c) => {
      const { chainId, share } = c.req.valid("query");
      const record = await locate(c.req.valid("param").id, chainId, share);
      await authorizeDocument(c, record, share);
      const payments = record.row ? await invoicePayments(deps.index, record.row) : [];
      const id = record.row?.id.toString() ?? record.loaded!.draft.id;
      c.header("Cache-Control", "private, no-store");
      return c.json({ id, chainId: recordChainId(record), payments: payments.map(paymentJson) }, 200);
    },
  );
}
