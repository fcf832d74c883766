import { createRoute, z } from "@hono/zod-openapi";
import type { UsersTable } from "../../db/types";
import { type AppDeps, newRouter } from "../../middleware/context";
import { ApiError, errorResponses } from "../../lib/errors";
import type { IndexReader } from "../../index/reader";
import { AddressParamSchema } from "../../lib/schemas";
import { ChainIdQuerySchema, chainsOf } from "../../services/networks";
import { requireAuth } from "../../middleware/session";
import { sessionSettings } from "../../middleware/auth";
import { DEFAULT_INVOICE_PREFIX, PREFIX_PATTERN } from "../../../core/invoice/numbering";
import { CompanyNumberSchema, PostalAddressSchema, VatNumberSchema, checkFrenchCompanyNumber, text } from "../../lib/legal-schemas";

const BillingAddressSchema = PostalAddressSchema;

const ProfileSchema = z
  .object({
    address: z.string(),
    displayName: z.string().nullable(),
    email: z.string().nullable(),
    company: z.string().nullable(),
    billingAddress: BillingAddressSchema.nullable(),
    taxId: z.string().nullable(),
    vatNumber: z.string().nullable(),
    companyNumber: z.string().nullable(),
    paymentTerms: z.string().nullable(),
    invoiceFooter: z.string().nullable(),
    latePenalty: z
      .string()
      .nullable()
      .openapi({ description: "Late-payment penalty rate printed on business invoices (null: the legal minimum)" }),
    vatOnDebits: z.boolean().openapi({ description: "The merchant pays VAT on debits: its invoices say so" }),
    invoicePrefix: z.string().openapi({ description: "Prefix of the invoice numbers; {YYYY} is the year the invoice was created" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Profile");

const PublicProfileSchema = z
  .object({ address: z.string(), displayName: z.string().nullable(), company: z.string().nullable(), memberSince: z.string() })
  .openapi("PublicProfile");

const ProfilePatchSchema = z
  .object({
    displayName: text(80).nullable().optional(),
    email: z
      .email("must be an email address")
      .max(254)
      .nullable()
      .optional()
      .openapi({ description: "Where the invoice notices go (paid, released, disputed, refunded) when the API sends email" }),
    company: text(120).nullable().optional(),
    billingAddress: BillingAddressSchema.nullable().optional(),
    taxId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9 .\-/]{1,31}$/, "must be 2 to 32 letters, digits, spaces, dots, dashes or slashes")
      .nullable()
      .optional(),
    invoicePrefix: z
      .string()
      .regex(PREFIX_PATTERN, "must be 1 to 24 letters, digits, spaces or -./_ with at most one {YYYY}, such as F-{YYYY}-")
      .nullable()
      .optional()
      .openapi({ description: `Invoice number prefix (null: ${DEFAULT_INVOICE_PREFIX}); numbers already given never change` }),
    vatNumber: VatNumberSchema.nullable().optional(),
    companyNumber: CompanyNumberSchema.nullable().optional(),
    paymentTerms: text(300).nullable().optional(),
    invoiceFooter: text(1000).nullable().optional(),
    latePenalty: text(200).nullable().optional().openapi({
      example: "10 % per year",
      description: "Late-payment penalty rate in words, printed on invoices to businesses (null: three times the legal interest rate)",
    }),
    vatOnDebits: z.boolean().optional().openapi({ description: "Opt for paying VAT on debits: invoices print the option" }),
  })
  .strict()
  .superRefine((v, ctx) => checkFrenchCompanyNumber(v, ctx, v.billingAddress?.country))
  .refine((v) => Object.keys(v).length > 0, "at least one field is required")
  .openapi("ProfilePatch");

const StatsSchema = z
  .object({
    address: z.string(),
    invoicesIssued: z.number().int(),
    invoicesPaid: z.number().int(),
    chainId: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The chain the figures are of (?chainId=); null: every served chain's invoices" }),
    volumeByToken: z.array(
      z.object({
        chainId: z.number().int().openapi({ description: "The token's chain (the same address on two chains is two tokens)" }),
        token: z.string(),
        issued: z.string(),
        paid: z.string(),
      }),
    ),
    staked: z.string().openapi({ description: "Staked on ?chainId=, or on the first network without it" }),
    truncated: z.boolean().openapi({ description: "Figures cover only the newest STATS_MAX_ROWS invoices per role" }),
    indexedBlock: z.number().int(),
  })
  .openapi("UserStats");

/** Invoices scanned at most per role for the per-token volumes. */
export const STATS_MAX_ROWS = 20_000;

/**
 * Per-address figures from the index's Invoice table, of chain `chainId` or of every chain: invoices issued (as
 * merchant) with their amounts, invoices paid (as payer, any amount paid) with the amounts paid, per chain and token;
 * current stake on `chainId` (without it: on `stakeChainId`, the first network). (History rows cannot tell these apart: the indexer writes an invoice_created and an
 * invoice_paid row for both parties.)
 */
export async function userStats(
  index: IndexReader,
  address: string,
  chainId?: number,
  stakeChainId?: number,
): Promise<z.infer<typeof StatsSchema>> {
  const status = await index.assertReady();
  const head =
    (chainId === undefined ? undefined : status.chains.find((chain) => chain.chainId === chainId)?.block) ?? (await index.headBlock());
  const account = address.toLowerCase();
  const volumes = new Map<string, { chainId: number; token: string; issued: bigint; paid: bigint }>();
  const volume = (chain: number, token: string) =>
    volumes.get(`${chain}:${token}`) ??
    volumes.set(`${chain}:${token}`, { chainId: chain, token, issued: 0n, paid: 0n }).get(`${chain}:${token}`)!;
  let invoicesIssued = 0;
  let invoicesPaid = 0;
  let truncated = false;
  for (const role of ["merchant", "payer"] as const) {
    let cursor: string | undefined;
    let scanned = 0;
    do {
      const page = await index.invoicesByAccount(account, { role, limit: 500, cursor, chainId });
      for (const invoice of page.items) {
        if (role === "merchant") {
          invoicesIssued += 1;
          volume(invoice.chainId, invoice.token).issued += invoice.amount;
        } else if (invoice.paid > 0n) {
          invoicesPaid += 1;
          volume(invoice.chainId, invoice.token).paid += invoice.paid;
        }
      }
      scanned += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && scanned < STATS_MAX_ROWS);
    truncated ||= cursor !== undefined;
  }
  return {
    address,
    invoicesIssued,
    invoicesPaid,
    chainId: chainId ?? null,
    volumeByToken: [...volumes.values()].map((v) => ({
      chainId: v.chainId,
      token: v.token,
      issued: v.issued.toString(),
      paid: v.paid.toString(),
    })),
    staked: ((await index.stake(account, chainId ?? stakeChainId))?.balance ?? 0n).toString(),
    truncated,
    indexedBlock: Number(head.number),
  };
}

function profile(row: UsersTable) {
  return {
    address: row.address,
    displayName: row.display_name,
    email: row.email,
    company: row.company,
    billingAddress: row.billing_address === null ? null : (JSON.parse(row.billing_address) as z.infer<typeof BillingAddressSchema>),
    taxId: row.tax_id,
    invoicePrefix: row.invoice_prefix ?? DEFAULT_INVOICE_PREFIX,
    vatNumber: row.vat_number,
    companyNumber: row.company_number,
    paymentTerms: row.payment_terms,
    invoiceFooter: row.invoice_footer,
    latePenalty: row.late_penalty,
    vatOnDebits: row.vat_on_debits === 1,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** /users: own profile (read, update), public profiles, stats from the index. */
export function userRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const auth = requireAuth(sessionSettings(deps), now);
  const load = async (address: string) => {
    const row = await deps.db.selectFrom("users").selectAll().where("address", "=", address).executeTakeFirst();
    if (!row) throw new ApiError(404, "user_not_found", "No user with this address has signed in");
    return row;
  };

  return newRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/me",
        tags: ["users"],
        summary: "The signed-in user's profile",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        responses: { 200: { description: "Profile", content: { "application/json": { schema: ProfileSchema } } }, ...errorResponses(401) },
      }),
      async (c) => c.json(profile(await load(c.get("auth").address)), 200),
    )
    .openapi(
      createRoute({
        method: "patch",
        path: "/me",
        tags: ["users"],
        summary: "Update profile fields (null clears a field)",
        middleware: [auth] as const,
        security: [{ bearer: [] }],
        request: { body: { required: true, content: { "application/json": { schema: ProfilePatchSchema } } } },
        responses: {
          200: { description: "Updated profile", content: { "application/json": { schema: ProfileSchema } } },
          ...errorResponses(400, 401, 413, 415),
        },
      }),
      async (c) => {
        const patch = c.req.valid("json");
        const address = c.get("auth").address;
        const set: Partial<UsersTable> = { updated_at: now() };
        if (patch.displayName !== undefined) set.display_name = patch.displayName;
        if (patch.email !== undefined) set.email = patch.email === null ? null : patch.email.toLowerCase();
        if (patch.company !== undefined) set.company = patch.company;
        if (patch.billingAddress !== undefined)
          set.billing_address = patch.billingAddress === null ? null : JSON.stringify(patch.billingAddress);
        if (patch.taxId !== undefined) set.tax_id = patch.taxId === null ? null : patch.taxId.toUpperCase();
        if (patch.invoicePrefix !== undefined) set.invoice_prefix = patch.invoicePrefix;
        if (patch.vatNumber !== undefined) set.vat_number = patch.vatNumber;
        if (patch.companyNumber !== undefined) set.company_number = patch.companyNumber;
        if (patch.paymentTerms !== undefined) set.payment_terms = patch.paymentTerms;
        if (patch.invoiceFooter !== undefined) set.invoice_footer = patch.invoiceFooter;
        if (patch.latePenalty !== undefined) set.late_penalty = patch.latePenalty;
        if (patch.vatOnDebits !== undefined) set.vat_on_debits = patch.vatOnDebits ? 1 : null;
        await deps.db.updateTable("users").set(set).where("address", "=", address).execute();
        return c.json(profile(await load(address)), 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{address}",
        tags: ["users"],
        summary: "A user's public profile (display name, company)",
        request: { params: AddressParamSchema },
        responses: {
          200: { description: "Public profile", content: { "application/json": { schema: PublicProfileSchema } } },
          ...errorResponses(400, 404),
        },
      }),
      async (c) => {
        const row = await load(c.req.valid("param").address);
        return c.json(
          {
            address: row.address,
            displayName: row.display_name,
            company: row.company,
            memberSince: new Date(row.created_at).toISOString(),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{address}/stats",
        tags: ["users"],
        summary: "Invoices issued and paid, volume per chain and token and amount staked, from the index (of every chain, or of ?chainId=)",
        request: {
          params: AddressParamSchema,
          query: ChainIdQuerySchema.extend({
            chainId: ChainIdQuerySchema.shape.chainId.openapi({ description: "Figures of this chain only; default: every served chain's" }),
          }),
        },
        responses: {
          200: { description: "Stats", content: { "application/json": { schema: StatsSchema } } },
          ...errorResponses(400, 503),
        },
      }),
      async (c) => {
        const { address } = c.req.valid("param");
        const { chainId } = c.req.valid("query");
        const chains = chainsOf(deps);
        if (chainId !== undefined) chains.require(chainId);
        const first = chains.deployed()[0]?.current.chainId;
        return c.json(await userStats(deps.index, address, chainId, first), 200);
      },
    );
}
