/**
 * The schemas of the French reform's mentions on a draft (issue 17): the delivery place when it differs from the
 * customer's billing address, and what the invoice covers (core/invoice/mentions).
 */
import { z } from "@hono/zod-openapi";
import { SUPPLY_KINDS } from "../../../core/invoice/mentions";
import { PostalAddressSchema, text } from "../../lib/legal-schemas";

/** Where the goods or services go, when it is not the customer's billing address (EN 16931 BG-13, BG-15). */
export const DeliveryInputSchema = z
  .object({
    name: text(200).optional().openapi({ description: "Who receives it (default: the customer)" }),
    address: PostalAddressSchema,
  })
  .strict()
  .openapi("DeliveryInput", {
    description: "The delivery address, printed and hashed; left out when it is the customer's billing address",
  });

/** {@link DeliveryInputSchema}'s output, as stored (JSON) and hashed. */
export type DeliveryDetails = z.infer<typeof DeliveryInputSchema>;

/** What the invoice covers: goods, services or both (the French "catégorie de l'opération"). */
export const SupplySchema = z.enum(SUPPLY_KINDS).openapi({
  description: "What the invoice covers: goods, services or both (printed, and a note in the e-invoice)",
});

/** The draft's mention fields, spread into the draft input schema. */
export const DraftMentionFields = {
  delivery: DeliveryInputSchema.nullable().optional(),
  supply: SupplySchema.nullable().optional(),
};

/** The draft's mention fields as the API answers them. */
export const DraftMentionsSchema = {
  delivery: DeliveryInputSchema.nullable().openapi({ description: "The delivery place, when it differs from the billing address" }),
  supply: SupplySchema.nullable(),
};
