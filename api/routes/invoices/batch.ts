import { createRoute, z } from "@hono/zod-openapi";
import { MAX_BATCH_INVOICES } from "../../../core/invoice/limits";
import { errorResponses } from "../../lib/errors";
import { AddressSchema, InvoiceIdParamSchema } from "../../lib/schemas";
import { sessionSettings } from "../../middleware/auth";
import { type AppDeps, newRouter } from "../../middleware/context";
import { requireAuth } from "../../middleware/session";
import { planBatchPayment } from "../../services/batch-payment";
import { ChainIdQuerySchema } from "../../services/networks";
import { UnsignedTxSchema } from "./schemas";

/** POST /invoices/batch-transactions body: the invoices to pay together and who pays them. */
const BatchBodySchema = z
  .object({
    invoiceIds: z
      .array(InvoiceIdParamSchema.shape.id.openapi({ param: undefined, example: "3" }))
      .min(1, "must list at least one invoice")
      .max(MAX_BATCH_INVOICES, `must list at most ${MAX_BATCH_INVOICES} invoices: pay the rest in another batch`)
      .refine((ids) => new Set(ids).size === ids.length, "must not list an invoice twice")
      .openapi({ description: `On-chain ids or draft ids, 1 to ${MAX_BATCH_INVOICES}, each once` }),
    payer: AddressSchema.optional().openapi({
      description: "The account that will send the calls (defaults to the signed-in one; another only for invoices the caller issued)",
    }),
  })
  .strict()
  .openapi("BatchPaymentRequest");

const BatchPaymentSchema = z
  .object({
    id: z.string().openapi({ description: "On-chain invoice id" }),
    token: z.string().openapi({ description: "The invoice's token (the zero address: ETH)" }),
    amount: z.string().openapi({ description: "What the batch pays on it: everything still due" }),
  })
  .openapi("BatchPayment");

/**
 * POST /invoices/batch-transactions: the calls that pay several invoices together with PaymentEscrow.payMany, each
 * invoice checked with the rules of a single payment.
 */
export function invoiceBatchRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const write = requireAuth(sessionSettings(deps), now, "invoices:write");

  return newRouter().openapi(
    createRoute({
      method: "post",
      path: "/batch-transactions",
      tags: ["invoices"],
      summary: "The unsigned calls that pay several invoices in one payMany transaction (approvals first when short)",
      description:
        "The invoices are on one chain (`?chainId=`, else the one chain their ids name; 400 `batch_mixed_chains` otherwise). Every invoice is checked as for a single payment (its payer only, an invoice open to anyone paid in full, open or partially paid and not past its due date) and paid in full. An invoice priced in a currency and not paid yet is refused (422 `invoice_priced_in_currency`): payMany does not convert prices, pay it alone (POST /invoices/{id}/transactions). The answer lists one ERC-20 approve per token whose allowance is short of the token's total, then the payMany call with the ETH invoices' total as value. A refused invoice fails the whole request with the first refusal's status and code; `details.invoices` names each one.",
      middleware: [write] as const,
      security: [{ bearer: [] }],
      request: { query: ChainIdQuerySchema, body: { required: true, content: { "application/json": { schema: BatchBodySchema } } } },
      responses: {
        200: {
          description: "Transactions to send in order",
          content: {
            "application/json": {
              schema: z
                .object({
                  transactions: z.array(UnsignedTxSchema),
                  payments: z.array(BatchPaymentSchema).openapi({ description: "The payMany call's invoices, in its order" }),
                })
                .openapi("BatchPaymentTransactions"),
            },
          },
        },
        ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 503),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const caller = c.get("auth").address;
      const chainId = c.req.valid("query").chainId;
      const plan = await planBatchPayment(deps, body.invoiceIds, { payer: body.payer ?? caller, caller, chainId, now: now() });
      return c.json(plan, 200);
    },
  );
}
