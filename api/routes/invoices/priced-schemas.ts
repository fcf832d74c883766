/** The schemas of invoices priced in a currency: the invoice's pricing and the quote of its payment. */
import { z } from "@hono/zod-openapi";

/** An invoice priced in a currency: its price and, once paid, the conversion (InvoicePriced, from the index). */
export const PricingSchema = z
  .object({
    currency: z.string().openapi({ example: "EUR", description: "ISO 4217 code" }),
    price: z.string().openapi({ example: "12.50", description: "The price in the currency, two decimals" }),
    display: z.string().openapi({ example: "12.50 EUR" }),
    payment: z
      .object({
        token: z.string().openapi({ description: "The token paid (0x000…000 for ETH)" }),
        tokenAmount: z.string().openapi({ description: "The price in the token's base units at the rate" }),
        rate: z.string().openapi({ example: "0.92", description: "One whole token in the currency" }),
        answer: z.string().openapi({ description: "The feed's answer, with feedDecimals decimals" }),
        feedDecimals: z.number().int(),
        roundId: z.string().openapi({ description: "The feed's round the answer comes from" }),
      })
      .nullable()
      .openapi({ description: "How the payment converted the price; null until paid" }),
  })
  .openapi("InvoicePricing");

/** The quote of a payment of an invoice priced in a currency (POST /invoices/{id}/transactions, action pay). */
export const PriceQuoteSchema = z
  .object({
    currency: z.string(),
    price: z.string().openapi({ example: "12.50" }),
    token: z.string(),
    tokenAmount: z.string().openapi({ description: "The price in the token's base units now" }),
    maxTokenAmount: z.string().openapi({ description: "payPriced's ceiling: tokenAmount plus slippageBps, rounded up" }),
    slippageBps: z.number().int(),
    rate: z.string().openapi({ example: "0.92", description: "One whole token in the currency" }),
    answer: z.string(),
    feedDecimals: z.number().int(),
    roundId: z.string(),
  })
  .openapi("PriceQuote");
