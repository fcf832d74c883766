import { z } from "@hono/zod-openapi";
import { EMAIL_PATTERN, normalizeVatNumber, siretProblem, vatNumberProblem } from "../../core/legal";
import { NO_CONTROL_CHARACTERS } from "./schemas";

/** Printable text without control characters, trimmed, NFC, 1 to `max` characters. */
export const text = (max: number) =>
  z
    .string()
    .transform((v) => v.normalize("NFC").trim())
    .pipe(
      z
        .string()
        .min(1, "must not be empty")
        .max(max, `must be at most ${max} characters`)
        .regex(NO_CONTROL_CHARACTERS, "must not contain control characters"),
    );

/** A postal address (the country as ISO 3166-1 alpha-2). */
export const PostalAddressSchema = z
  .object({
    line1: text(200),
    line2: text(200).optional(),
    city: text(100),
    postalCode: z
      .string()
      .regex(/^[A-Za-z0-9 -]{2,12}$/, "must be 2 to 12 letters, digits, spaces or dashes")
      .optional(),
    region: text(100).optional(),
    country: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as FR"),
  })
  .strict()
  .openapi("BillingAddress");

/** An EU VAT number, checked against its country's shape; output normalized (FR40303265045). */
export const VatNumberSchema = z
  .string()
  .max(40)
  .transform(normalizeVatNumber)
  .superRefine((v, ctx) => {
    const problem = vatNumberProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({ type: "string", example: "FR40303265045", description: "EU VAT number (shape checked per country)" });

/** A company registration number (SIRET, SIREN, Companies House number, …): 2 to 32 letters, digits and spaces. */
export const CompanyNumberSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ./-]{1,31}$/, "must be 2 to 32 letters, digits, spaces, dots, dashes or slashes")
  .openapi({
    example: "73282932000074",
    description: "Company registration number; a French one (country FR) must be a valid SIRET or SIREN",
  });

/** An email address. */
export const EmailSchema = z.string().max(254).regex(EMAIL_PATTERN, "must be an email address such as name@example.com");

/** Adds the SIRET/SIREN check to `companyNumber` when the address is in France. */
export function checkFrenchCompanyNumber(
  value: { companyNumber?: string | null; address?: { country: string } | null },
  ctx: z.RefinementCtx,
  country = value.address?.country,
): void {
  const problem = value.companyNumber && country === "FR" ? siretProblem(value.companyNumber) : null;
  if (problem) ctx.addIssue({ code: "custom", path: ["companyNumber"], message: problem });
}

/** A customer's legal details as entered on a draft or saved in the merchant's customers list. */
export const CustomerInputSchema = z
  .object({
    name: text(200),
    address: PostalAddressSchema.nullable().optional(),
    vatNumber: VatNumberSchema.nullable().optional(),
    companyNumber: CompanyNumberSchema.nullable().optional(),
    email: EmailSchema.nullable().optional(),
  })
  .strict()
  .superRefine((v, ctx) => checkFrenchCompanyNumber(v, ctx))
  .openapi("CustomerInput");

/** {@link CustomerInputSchema}'s output, as stored (JSON) and hashed. */
export type CustomerDetails = z.infer<typeof CustomerInputSchema>;
