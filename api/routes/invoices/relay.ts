import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { paymentCall } from "../../../core/invoice/actions";
import { TOKEN_PULL } from "../../../core/relay";
import { ApiError, NodeProblemError, errorResponses } from "../../lib/errors";
import { InvoiceIdParamSchema } from "../../lib/schemas";
import { type AppDeps, newRouter } from "../../middleware/context";
import { RateLimiter, rateLimit } from "../../middleware/rate-limit";
import { payRelayedCall } from "../../services/escrow-tx";
import { fromNode } from "../../services/node";
import { ChainIdQuerySchema, chainsOf } from "../../services/networks";
import { checkPayment } from "../../services/payment-rules";
import type { Relayer } from "../../services/relayer";
import { simulateRelay } from "../../services/relay-simulation";
import { findInvoiceJson } from "./json";
import { RelayBodySchema } from "./schemas";

const HOUR_MS = 3_600_000;

/** The relayer (of the first network; of chain `chainId` when given) when it is on, else 503 `relayer_off`. */
function requireRelayer(deps: AppDeps, chainId?: number): Relayer {
  const relayer = chainId === undefined ? deps.relayer : chainsOf(deps).require(chainId).relayer;
  if (!relayer) {
    throw new ApiError(
      503,
      "relayer_off",
      `This server does not relay payments${chainId === undefined ? "" : ` on chain ${chainId}`} (RELAYER_PRIVATE_KEY is not set): pay from your own wallet`,
    );
  }
  return relayer;
}

/** Middleware: 503 `relayer_off` before anything else is read when the relayer is off. */
const relayerOn =
  (deps: AppDeps): MiddlewareHandler =>
  async (_c, next) => {
    requireRelayer(deps);
    await next();
  };

/**
 * POST /invoices/{id}/relay: submits a payment the payer signed (PaymentEscrow.payRelayed) with the relayer's key,
 * so the payer needs no ETH. No session: the payer's EIP-712 signature is the authorisation, and the relayer can
 * change nothing in it. Checks, in order: relayer on, per-IP limit (RELAYER_IP_LIMIT_PER_HOUR requests), the body, the invoice and the payment match, the payer may
 * pay that amount, gas price under the ceiling, an eth_call of the exact transaction succeeds,
 * per-payer limit (RELAYER_PAYER_LIMIT_PER_HOUR submitted payments).
 */
export function invoiceRelayRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const perIp = rateLimit(new RateLimiter(deps.config.relayerIpLimitPerHour, HOUR_MS), deps.config.trustProxy, now);
  const perPayer = new RateLimiter(deps.config.relayerPayerLimitPerHour, HOUR_MS);

  return newRouter().openapi(
    createRoute({
      method: "post",
      path: "/{id}/relay",
      tags: ["invoices"],
      summary:
        "Submits a payment the payer signed (PaymentEscrow.payRelayed); the operator pays the gas. No session: the signature is the authorisation",
      middleware: [relayerOn(deps), perIp] as const,
      request: {
        params: InvoiceIdParamSchema,
        query: ChainIdQuerySchema,
        body: { required: true, content: { "application/json": { schema: RelayBodySchema } } },
      },
      responses: {
        200: {
          description: "Submitted: follow the transaction with GET /transactions/{hash}",
          content: {
            "application/json": {
              schema: z.object({ txHash: z.string(), relayer: z.string() }).openapi("RelaySubmitted"),
            },
          },
        },
        ...errorResponses(400, 403, 404, 409, 413, 415, 422, 429, 503),
      },
    }),
    async (c) => {
      const { payment, signature, pull } = c.req.valid("json");
      const invoice = await findInvoiceJson(deps, c.req.valid("param").id, now(), c.req.valid("query").chainId);
      // The relayer and the escrow of the invoice's own chain.
      const relayer = requireRelayer(deps, invoice.chainId);
      const onchain = invoice.onchain;
      if (!onchain) throw new ApiError(409, "invoice_not_onchain", "This draft is not on chain yet: the merchant must create it first");
      if (BigInt(onchain.id) !== payment.id) {
        throw new ApiError(400, "payment_invoice_mismatch", `The signed payment is for invoice #${payment.id}, not #${onchain.id}`);
      }
      if (paymentCall(onchain) === "payNative") {
        throw new ApiError(409, "relay_needs_token", "ETH invoices cannot be relayed: the payer sends the ETH itself");
      }
      checkPayment(onchain, payment.payer, payment.amount, "payment.amount");
      // The deadline is the chain's to judge (its clock, not this server's): the simulation below refuses an expired
      // payment as relay_expired.

      const escrow = chainsOf(deps).require(invoice.chainId).current.contracts.PaymentEscrow.address;
      const data = payRelayedCall([payment, signature, { kind: BigInt(TOKEN_PULL[pull.kind]), v: BigInt(pull.v), r: pull.r, s: pull.s }]);
      const ceiling = deps.config.relayerMaxGasPriceWei;
      const price = await fromNode(relayer.gasPrice());
      if (price > ceiling) {
        throw new ApiError(
          503,
          "relayer_gas_price_too_high",
          `Gas costs ${gwei(price)} gwei now, above the relayer's ceiling of ${gwei(ceiling)} gwei: try later or pay from your own wallet`,
          { gasPriceWei: price.toString(), ceilingWei: ceiling.toString() },
        );
      }
      await simulateRelay(relayer, escrow, data);
      const payerWait = perPayer.hit(payment.payer.toLowerCase(), now());
      if (payerWait !== null) {
        throw new ApiError(429, "rate_limited", `Too many relayed payments from this payer: retry in ${payerWait} s`, {
          retryAfterSeconds: payerWait,
        });
      }

      let txHash: string;
      try {
        txHash = await relayer.send(escrow, data, ceiling);
      } catch (err) {
        c.get("log").warn({ err }, "relayed payment not sent");
        // The node failing in transport (the relayer checked by hash that nothing was sent, or says it could not).
        if (err instanceof NodeProblemError) throw err;
        throw new ApiError(503, "relayer_send_failed", "The relayer could not send the transaction (is its balance empty?): try later");
      }
      c.get("log").info({ txHash, invoice: onchain.id, payer: payment.payer }, "relayed payment sent");
      return c.json({ txHash, relayer: relayer.address }, 200);
    },
  );
}

/** Wei as gwei with up to 3 decimals. */
function gwei(wei: bigint): string {
  const milli = wei / 1_000_000n;
  return milli % 1000n === 0n ? String(milli / 1000n) : (Number(milli) / 1000).toString();
}
