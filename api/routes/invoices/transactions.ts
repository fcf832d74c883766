import { createRoute, z } from "@hono/zod-openapi";
import { mayTake, paymentCall, rolesOf } from "../../../core/invoice/actions";
import { ApiError, errorResponses } from "../../lib/errors";
import { InvoiceIdParamSchema } from "../../lib/schemas";
import { sessionSettings } from "../../middleware/auth";
import { type AppDeps, newRouter } from "../../middleware/context";
import { requireAuth } from "../../middleware/session";
import { readAllowance } from "../../services/allowance";
import { actionTx, approveTx, payPricedTx, payTx } from "../../services/escrow-tx";
import { type PriceQuote, quotePrice } from "../../services/price-quote";
import { DEFAULT_SLIPPAGE_BPS, parsePrice } from "../../../core/invoice/currency";
import { fromNode } from "../../services/node";
import { ChainIdQuerySchema, chainsOf } from "../../services/networks";
import { SIGNATURE_LIFETIME_SECONDS, permitAlternative, readTokenSigning, relayedAlternative } from "../../services/pay-alternatives";
import { checkPayment, checkPricedPayment } from "../../services/payment-rules";
import { findInvoiceJson } from "./json";
import { ActionBodySchema, PayAlternativesSchema, UnsignedTxSchema } from "./schemas";
import { PriceQuoteSchema } from "./priced-schemas";

/**
 * POST /invoices/{id}/transactions: the unsigned escrow calls (with an approve when needed) for one action; for paying
 * an ERC-20 invoice also `alternatives`: the permit path and, with the relayer on, the relayed path (no ETH needed).
 */
export function invoiceTransactionRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const write = requireAuth(sessionSettings(deps), now, "invoices:write");

  return newRouter().openapi(
    createRoute({
      method: "post",
      path: "/{id}/transactions",
      tags: ["invoices"],
      summary:
        "The unsigned escrow transaction(s) for the caller: pay (with approve first when the allowance is short), release, refund, ...",
      middleware: [write] as const,
      security: [{ bearer: [] }],
      request: {
        params: InvoiceIdParamSchema,
        query: ChainIdQuerySchema,
        body: { required: true, content: { "application/json": { schema: ActionBodySchema } } },
      },
      responses: {
        200: {
          description: "Transactions to send in order",
          content: {
            "application/json": {
              schema: z
                .object({
                  transactions: z.array(UnsignedTxSchema),
                  alternatives: PayAlternativesSchema.optional(),
                  quote: PriceQuoteSchema.optional().openapi({
                    description: "Paying an invoice priced in a currency: the quote payPriced uses",
                  }),
                })
                .openapi("InvoiceTransactions"),
            },
          },
        },
        ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const me = c.get("auth").address;
      const invoice = await findInvoiceJson(deps, c.req.valid("param").id, now(), c.req.valid("query").chainId);
      const onchain = invoice.onchain;
      if (!onchain)
        throw new ApiError(409, "invoice_not_onchain", "This draft is not on chain yet: send its createInvoice transaction first");
      // The invoice's own chain: its escrow, its node and its relayer.
      const { current: deployment, chain, relayer } = chainsOf(deps).require(invoice.chainId);
      const escrow = deployment.contracts.PaymentEscrow.address;
      const target = { to: escrow, chainId: deployment.chainId };
      const id = BigInt(onchain.id);
      const transactions = [];

      /** An approve of `amount` of ERC-20 `token` first when the payer's allowance for the escrow is short. */
      const approveIfShort = async (token: string, amount: bigint) => {
        if ((await readAllowance(chain, token, me, escrow)) < amount)
          transactions.push(approveTx(token, escrow, amount, deployment.chainId));
      };

      const call = paymentCall(onchain);
      if (body.action === "pay" && call === "payPriced" && onchain.pricing) {
        // Priced in a currency and not paid: quote it now, pay at most the ceiling with payPriced.
        checkPricedPayment(onchain, me);
        const token = pricedPaymentToken(onchain.token, body.token, onchain.pricing.currency);
        const price = { currency: onchain.pricing.currency, priceHundredths: parsePrice(onchain.pricing.price) };
        const quote = await quotePrice(chain, escrow, price, token, body.slippageBps ?? DEFAULT_SLIPPAGE_BPS);
        if (BigInt(token) !== 0n) await approveIfShort(token, quote.maxTokenAmount);
        transactions.push(payPricedTx(id, token, quote.maxTokenAmount, target));
        return c.json({ transactions, quote: quoteJson(quote) }, 200);
      }
      if (body.action === "pay") {
        const amount = checkPayment(onchain, me, body.amount === undefined ? undefined : BigInt(body.amount), "amount");
        if (call === "pay") await approveIfShort(onchain.token, amount);
        transactions.push(payTx(id, amount, onchain.token, target));
        if (call === "pay") {
          const signing = await fromNode(readTokenSigning(chain, onchain.token, me, deployment.chainId));
          const deadline = BigInt(Math.floor(now() / 1000) + SIGNATURE_LIFETIME_SECONDS);
          const permit = permitAlternative(me, id, amount, deadline, signing, target);
          const relayed = relayer ? relayedAlternative(me, id, amount, deadline, signing, target) : undefined;
          return c.json({ transactions, alternatives: { ...(permit ? { permit } : {}), ...(relayed ? { relayed } : {}) } }, 200);
        }
      } else {
        if (!mayTake(body.action, rolesOf(onchain, me)))
          throw new ApiError(403, "not_allowed_for_invoice", `The signed-in account cannot ${body.action} this invoice`);
        const held = BigInt(onchain.paid) - BigInt(onchain.released) - BigInt(onchain.refunded);
        const amount = body.amount === undefined ? held : BigInt(body.amount);
        const needsSplit = body.action === "resolve" || body.action === "proposeSettlement" || body.action === "acceptSettlement";
        if (needsSplit && body.toMerchant === undefined) {
          throw new ApiError(400, "validation_failed", "The request is invalid", [
            { in: "json", path: "toMerchant", message: `is required to ${body.action}` },
          ]);
        }
        const toMerchant = body.toMerchant === undefined ? 0n : BigInt(body.toMerchant);
        const toPayer = body.toPayer === undefined ? held - toMerchant : BigInt(body.toPayer);
        if (needsSplit && (toMerchant > held || toPayer < 0n)) {
          throw new ApiError(400, "validation_failed", "The request is invalid", [
            { in: "json", path: "toMerchant", message: `must be at most ${held} (held)` },
          ]);
        }
        transactions.push(actionTx(body.action, { id, amount, toMerchant, toPayer, token: onchain.token }, target));
      }
      return c.json({ transactions }, 200);
    },
  );
}

/**
 * The token a priced invoice is paid in: `requested`, which must be the invoice's accepted token when it has one;
 * required when it takes any token with a feed (`accepted` zero).
 */
function pricedPaymentToken(accepted: string, requested: string | undefined, currency: string): string {
  const any = BigInt(accepted) === 0n;
  if (requested === undefined && any) {
    throw new ApiError(400, "validation_failed", "The request is invalid", [
      {
        in: "json",
        path: "token",
        message: `is required: this invoice is priced in ${currency} and takes any token with a feed (0x000…000 for ETH)`,
      },
    ]);
  }
  if (requested !== undefined && !any && BigInt(requested) !== BigInt(accepted)) {
    throw new ApiError(400, "validation_failed", "The request is invalid", [
      { in: "json", path: "token", message: `must be ${accepted}, the one token this invoice accepts` },
    ]);
  }
  return requested ?? accepted;
}

/** A {@link PriceQuote} as JSON (amounts as decimal text). */
function quoteJson(quote: PriceQuote) {
  return {
    currency: quote.currency,
    price: quote.price,
    token: quote.token,
    tokenAmount: quote.tokenAmount.toString(),
    maxTokenAmount: quote.maxTokenAmount.toString(),
    slippageBps: quote.slippageBps,
    rate: quote.rate,
    answer: quote.answer.toString(),
    feedDecimals: quote.feedDecimals,
    roundId: quote.roundId.toString(),
  };
}
