import { z } from "@hono/zod-openapi";
import { INVOICE_STATUSES as ON_CHAIN_STATUSES } from "../../../core/invoice/status";
import { INVOICE_ACTIONS } from "../../../core/invoice/actions";
import { DESCRIPTION_FORBIDDEN, INVOICE_LIMITS, MAX_FEE_BPS, NOTES_FORBIDDEN } from "../../../core/invoice/limits";
import { TAX_MENTIONS, isTaxRate, normalizeTaxRate } from "../../../core/invoice/totals";
import { AddressSchema, TimeSchema, Uint256Schema } from "../../lib/schemas";
import { CustomerInputSchema } from "../../lib/legal-schemas";
import { LOCALES, type Locale } from "../../../core/labels";
import { InvoiceEmailSchema } from "./emails";
import { CURRENCY_CODE, DEFAULT_SLIPPAGE_BPS, MAX_SLIPPAGE_BPS } from "../../../core/invoice/currency";
import { PricingSchema } from "./priced-schemas";
import { chainFields } from "../../services/networks";
import { DraftMentionFields, DraftMentionsSchema } from "./mention-schemas";

const description = z
  .string()
  .transform((v) => v.normalize("NFC").trim())
  .pipe(
    z
      .string()
      .min(1, "must not be empty")
      .max(INVOICE_LIMITS.maxDescription)
      .refine((v) => !DESCRIPTION_FORBIDDEN.test(v), "must not contain control characters"),
  );

/** A tax rate in percent as text ("20", "5.5"); output normalized. */
const TaxRateSchema = z
  .string()
  .refine(isTaxRate, "must be a percentage from 0 to 100 like 20 or 5.5, at most 3 decimals")
  .transform(normalizeTaxRate)
  .openapi({ type: "string", example: "20", description: "Tax rate in percent (VAT, GST), applied to the line's net amount" });

const LineItemInputSchema = z
  .object({
    description,
    quantity: z.number().int("must be a whole number").min(1).max(INVOICE_LIMITS.maxQuantity),
    unitPrice: Uint256Schema.openapi({
      description: "Price of one unit in the token's smallest unit, or in hundredths of `currency` when given (decimal string)",
    }),
    discount: Uint256Schema.default("0").openapi({
      description: "A fixed amount off the line, in the token's smallest unit (hundredths of `currency` when given)",
    }),
    taxRate: TaxRateSchema.default("0"),
    taxMention: z
      .enum(TAX_MENTIONS)
      .nullable()
      .optional()
      .openapi({ description: "Why an untaxed line carries no tax: exempt, or reverse charge (the customer accounts for it)" }),
  })
  .strict()
  .refine((line) => !line.taxMention || line.taxRate === "0", { path: ["taxMention"], message: "only for a line whose taxRate is 0" });

export const DraftInputSchema = z
  .object({
    chainId: z.number().int().positive().optional().openapi({
      description: "The chain the invoice will be created on (GET /blockchain/contracts lists them); default: the first network",
      example: 31337,
    }),
    token: AddressSchema.openapi({
      description: "ERC-20 address, or 0x0000000000000000000000000000000000000000 for ETH (with `currency`: any token with a price feed)",
    }),
    currency: z.string().regex(CURRENCY_CODE, "must be an ISO 4217 code in capitals, e.g. USD or EUR").optional().openapi({
      example: "USD",
      description:
        "Price the invoice in this currency instead of the token: amounts are then hundredths of it (1250 = 12.50), and the payer pays the total converted at payment time (payPriced)",
    }),
    payer: AddressSchema.nullable().optional().openapi({ description: "Who must pay; absent or null: anyone" }),
    arbiter: AddressSchema.nullable().optional(),
    dueDate: z.iso.datetime({ offset: true }).openapi({ example: "2030-01-31T23:59:59Z" }),
    disputeWindowSeconds: z
      .number()
      .int()
      .min(0)
      .max(INVOICE_LIMITS.maxDisputeWindowSeconds)
      .default(7 * 24 * 3600),
    maxFeeBps: z.number().int().min(0).max(MAX_FEE_BPS).optional().openapi({
      description:
        "The highest protocol fee (basis points) the merchant accepts; the escrow refuses the invoice if the fee is raised above it before createInvoice lands. Default: the fee now.",
    }),
    customer: CustomerInputSchema.nullable().optional().openapi({ description: "The customer's details, printed and hashed" }),
    language: z
      .enum(LOCALES as [Locale, ...Locale[]])
      .default("en")
      .openapi({ description: "The language of the invoice's documents and emails: the customer's" }),
    customerId: z.uuid("must be a saved customer's id").optional().openapi({ description: "Or: one of the merchant's saved customers" }),
    lineItems: z.array(LineItemInputSchema).min(1).max(INVOICE_LIMITS.maxLineItems),
    ...DraftMentionFields,
    notes: z
      .string()
      .transform((v) => v.normalize("NFC"))
      .pipe(
        z
          .string()
          .max(INVOICE_LIMITS.maxNotes)
          .refine((v) => !NOTES_FORBIDDEN.test(v), "must not contain control characters"),
      )
      .nullable()
      .optional(),
  })
  .strict()
  .refine((v) => !(v.customer && v.customerId), { path: ["customerId"], message: "give either customer or customerId, not both" })
  .openapi("InvoiceDraftInput");

export const UnsignedTxSchema = z
  .object({ action: z.string(), to: z.string(), data: z.string(), value: z.string(), chainId: z.number().int() })
  .openapi("UnsignedTransaction");

const LineItemSchema = z.object({
  description: z.string(),
  quantity: z.string(),
  unitPrice: z.string(),
  discount: z.string().openapi({ description: "Fixed discount in base units (0 for v1 drafts)" }),
  taxRate: z.string().openapi({ description: "Tax rate in percent (0 for v1 drafts)" }),
  taxMention: z.enum(TAX_MENTIONS).nullable(),
  amount: z.string().openapi({ description: "The line's net: quantity × unitPrice − discount" }),
});

const TaxLineSchema = z.object({ rate: z.string(), base: z.string(), amount: z.string() }).openapi("TaxLine");

export const DraftSchema = z
  .object({
    id: z.string().openapi({ description: "Draft id (UUID)" }),
    number: z
      .string()
      .nullable()
      .openapi({ description: "The merchant's invoice number, given when the invoice appears on chain (null before)" }),
    reference: z.string().openapi({ description: "keccak256 of `canonical`: the invoice's on-chain reference" }),
    canonical: z
      .string()
      .openapi({ description: "The canonical JSON text that was hashed (settle.invoice.v2; v1 for drafts made before taxes)" }),
    merchant: z.string(),
    payer: z.string().nullable(),
    arbiter: z.string().nullable(),
    token: z.string(),
    chainId: z.number().int(),
    escrow: z.string(),
    dueDate: z.string(),
    notes: z.string().nullable(),
    lineItems: z.array(LineItemSchema),
    subtotal: z.string().openapi({ description: "Σ net of the lines" }),
    taxes: z.array(TaxLineSchema).openapi({ description: "Tax per rate, on the sum of the nets at that rate, rounded half-up" }),
    total: z.string().openapi({ description: "Gross: subtotal + Σ tax, the on-chain amount" }),
    seller: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The merchant's legal details when the draft was made" }),
    customer: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The customer's details" }),
    language: z.string().openapi({ description: "The language of its documents" }),
    currency: z.string().nullable().openapi({
      example: "USD",
      description: "Priced in this ISO 4217 currency: every amount of the draft is in hundredths of it (null: in the token)",
    }),
    ...DraftMentionsSchema,
    onchainId: z.string().nullable().openapi({ description: "On-chain invoice id once the index has seen the reference" }),
    detailsMatch: z.boolean().openapi({ description: "The stored details still hash to the reference" }),
    createdAt: z.string(),
  })
  .openapi("InvoiceDraft");

export const CreatedSchema = DraftSchema.extend({ transaction: UnsignedTxSchema }).openapi("InvoiceDraftCreated");

export const OnchainSchema = z
  .object({
    id: z.string(),
    merchant: z.string(),
    payer: z.string().nullable(),
    arbiter: z.string().nullable(),
    token: z.string(),
    amount: z.string(),
    paid: z.string(),
    released: z.string(),
    refunded: z.string(),
    status: z.string(),
    dueDate: z.string(),
    reference: z.string(),
    createdAt: z.string(),
    createdBlock: z.number().int(),
    createdTxHash: z.string(),
    updatedBlock: z.number().int(),
    pricing: PricingSchema.nullable().openapi({
      description: "For an invoice priced in a currency (amount 0 and token the accepted one, or 0x000…000 for any, until paid)",
    }),
  })
  .openapi("OnchainInvoice");

export const InvoiceSchema = z
  .object({
    id: z.string().openapi({ description: "On-chain id, or the draft id while not on chain" }),
    ...chainFields("The chain the invoice is on (a draft: will be created on)"),
    onchain: OnchainSchema.nullable(),
    details: DraftSchema.nullable().openapi({ description: "Off-chain details (line items, notes) when this API holds them" }),
    detailsMatch: z
      .boolean()
      .nullable()
      .openapi({ description: "The details hash to the on-chain reference (null when either side is missing)" }),
    emails: z.array(InvoiceEmailSchema).optional().openapi({
      description: "GET /invoices/{id}, to its merchant only: the invoice's emails, in the chain order of what they tell (SMTP_URL set)",
    }),
  })
  .openapi("Invoice");

export const InvoiceListSchema = z.object({ items: z.array(InvoiceSchema), nextCursor: z.string().nullable() }).openapi("InvoicePage");

export const InvoiceEventSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    actor: z.string().nullable(),
    amount: z.string().nullable(),
    txHash: z.string(),
    logIndex: z.number().int(),
    blockNumber: z.number().int(),
    timestamp: z.string(),
  })
  .openapi("InvoiceEvent");

/** Invoice statuses (PaymentEscrow's Status in snake case), plus draft for drafts not on chain yet. */
const INVOICE_STATUSES = ["draft", ...ON_CHAIN_STATUSES] as const;

export const InvoiceListQuerySchema = z.object({
  role: z.enum(["merchant", "payer", "any"]).default("any"),
  status: z
    .string()
    .max(200)
    .transform((v, ctx) => {
      const list = v.split(",").map((x) => x.trim().toLowerCase());
      const bad = list.filter((x) => !(INVOICE_STATUSES as readonly string[]).includes(x));
      if (bad.length > 0) {
        ctx.addIssue({ code: "custom", message: `unknown status(es); one of ${INVOICE_STATUSES.join(", ")}` });
        return z.NEVER;
      }
      return list;
    })
    .optional()
    .openapi({ type: "string", example: "created,paid" }),
  token: AddressSchema.optional(),
  chainId: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .openapi({ description: "Only the invoices (or drafts) of this chain; default: every served chain", example: 31337 }),
  from: TimeSchema.optional(),
  to: TimeSchema.optional(),
  cursor: z
    .string()
    .max(200)
    .regex(/^[\w:.-]+$/, "must be a nextCursor from a previous page")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ActionBodySchema = z
  .object({
    action: z.enum(INVOICE_ACTIONS),
    amount: Uint256Schema.optional().openapi({
      description: "pay: defaults to what is still due; release/refund: defaults to everything held",
    }),
    toMerchant: Uint256Schema.optional().openapi({
      description: "resolve, proposeSettlement, acceptSettlement: the merchant's gross share",
    }),
    toPayer: Uint256Schema.optional().openapi({ description: "resolve: the payer's share (defaults to held − toMerchant)" }),
    token: AddressSchema.optional().openapi({
      description:
        "pay, invoice priced in a currency: the token to pay with (0x000…000 for ETH); defaults to the invoice's one accepted token",
    }),
    slippageBps: z
      .number()
      .int("must be whole basis points")
      .min(0)
      .max(MAX_SLIPPAGE_BPS)
      .optional()
      .openapi({
        description: `pay, invoice priced in a currency: the ceiling above the quote in basis points (default ${DEFAULT_SLIPPAGE_BPS}, 1%)`,
      }),
  })
  .strict()
  .openapi("InvoiceAction");

export const CreditNoteSchema = z
  .object({
    number: z.string().openapi({ example: "CN-F-2026-0001" }),
    invoiceId: z.string().openapi({ description: "On-chain id of the invoice it credits" }),
    amount: z.string().openapi({ description: "Gross returned to the payer (base units)" }),
    net: z.string(),
    taxes: z.array(TaxLineSchema).openapi({ description: "Per rate of the invoice: net (base) and tax (amount) credited" }),
    txHash: z.string(),
    blockNumber: z.number().int(),
    issuedAt: z.string().openapi({ description: "Block time of the refund" }),
    documentPath: z.string().openapi({ description: "The credit note as HTML (append .pdf before the query for the PDF)" }),
  })
  .openapi("CreditNote");

export const CreditNoteListSchema = z.object({ items: z.array(CreditNoteSchema) }).openapi("CreditNotes");

/** The payer's EIP-712 RelayedPayment (core/relay), uint256 as decimal text. */
export const RelayedPaymentSchema = z
  .object({
    id: Uint256Schema.transform(BigInt),
    amount: Uint256Schema.transform(BigInt),
    payer: AddressSchema,
    nonce: Uint256Schema.transform(BigInt),
    deadline: Uint256Schema.transform(BigInt).openapi({ type: "string", description: "Unix seconds; void from then on" }),
  })
  .strict()
  .openapi("RelayedPayment");

const Bytes32Hex = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits");

/** POST /invoices/{id}/relay: the signed payment, its signature and how the escrow pulls the tokens. */
export const RelayBodySchema = z
  .object({
    payment: RelayedPaymentSchema,
    signature: z
      .string()
      .regex(/^0x([0-9a-fA-F]{2}){65,}$/, "must be 0x followed by a signature of at least 65 bytes")
      .max(2 + 2 * 4096)
      .openapi({ description: "The payer's EIP-712 signature of `payment` (65 bytes; longer for an ERC-1271 contract payer)" }),
    pull: z
      .object({
        kind: z.enum(["Allowance", "Permit", "ReceiveWithAuthorization"]).openapi({
          description: "Allowance: the payer approved the escrow already; Permit: EIP-2612; ReceiveWithAuthorization: EIP-3009",
        }),
        v: z.number().int().min(0).max(255).default(0),
        r: Bytes32Hex.default("0x" + "0".repeat(64)),
        s: Bytes32Hex.default("0x" + "0".repeat(64)),
      })
      .strict()
      .openapi({ description: "The token-side signature (v, r, s; omitted for Allowance)" }),
  })
  .strict()
  .openapi("RelayRequest");

/** An eth_signTypedData_v4 payload: types with EIP712Domain, domain, primaryType, message (uint256 as decimal text). */
const TypedDataSchema = z
  .object({
    types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
    domain: z.record(z.string(), z.unknown()),
    primaryType: z.string(),
    message: z.record(z.string(), z.unknown()),
  })
  .openapi("TypedData");

/** The other ways to pay an ERC-20 invoice (POST /invoices/{id}/transactions with action pay). */
export const PayAlternativesSchema = z
  .object({
    permit: z
      .object({
        typedData: TypedDataSchema.openapi({ description: "The EIP-2612 permit to sign (eth_signTypedData_v4)" }),
        then: z
          .object({
            action: z.literal("payWithPermit"),
            to: z.string(),
            value: z.string(),
            chainId: z.number().int(),
            function: z.string(),
            args: z.record(z.string(), z.string()),
          })
          .openapi({ description: "Then send payWithPermit with `args` and the v, r, s of the signature (one transaction, no approve)" }),
      })
      .optional()
      .openapi({ description: "Present when the token supports EIP-2612" }),
    relayed: z
      .object({
        endpoint: z.string().openapi({ description: "POST the signed payment here (no session needed)" }),
        pull: z.enum(["Permit", "ReceiveWithAuthorization"]),
        payment: z.object({ id: z.string(), amount: z.string(), payer: z.string(), nonce: z.string(), deadline: z.string() }),
        typedData: z.object({
          payment: TypedDataSchema.openapi({ description: "Sign first: its signature is the body's `signature`" }),
          pull: TypedDataSchema.openapi({ description: "Sign second: its v, r, s go in the body's `pull` with `kind`" }),
        }),
      })
      .optional()
      .openapi({
        description:
          "Present when the relayer is on and the token supports EIP-3009 or EIP-2612: the payer signs twice and pays no gas. Body: { payment, signature, pull: { kind, v, r, s } }",
      }),
  })
  .openapi("PayAlternatives");
