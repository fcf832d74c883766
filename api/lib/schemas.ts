import { z } from "@hono/zod-openapi";
import { getAddress } from "ethers";

/** An Ethereum address: all-lowercase or valid EIP-55; output is EIP-55. */
export const AddressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((value, ctx) => {
    try {
      return getAddress(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "has an invalid EIP-55 checksum" });
      return z.NEVER;
    }
  })
  .openapi({ type: "string", example: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" });

/** A uint256 as base-10 text (how every token amount crosses the JSON edge). */
export const Uint256Schema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "must be a base-10 integer string")
  // zod 4 runs every check even after the regex failed: guard before BigInt().
  .refine((v) => !/^\d+$/.test(v) || BigInt(v) < 2n ** 256n, "must fit in uint256")
  .openapi({ type: "string", example: "1000000000000000000" });

/** A 32-byte 0x hex string (transaction hash, invoice reference). */
export const Bytes32Schema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits")
  .transform((v) => v.toLowerCase())
  .openapi({ type: "string", example: "0x" + "ab".repeat(32) });

/** { address } path parameter. */
export const AddressParamSchema = z.object({
  address: AddressSchema.openapi({ param: { name: "address", in: "path" } }),
});

/** A time bound query parameter: ISO 8601 or unix seconds. Output: unix seconds as bigint. */
export const TimeSchema = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const seconds = /^\d{1,12}$/.test(v) ? Number(v) : Date.parse(v) / 1000;
    if (!Number.isFinite(seconds) || !/^\d{1,12}$|^\d{4}-\d{2}-\d{2}/.test(v)) {
      ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date-time or unix seconds" });
      return z.NEVER;
    }
    return BigInt(Math.floor(seconds));
  })
  .openapi({ type: "string", example: "2030-01-01T00:00:00Z" });

/** { id } path parameter: an on-chain invoice id or a draft id. */
export const InvoiceIdParamSchema = z.object({
  id: z
    .string()
    .regex(
      /^(0|[1-9]\d{0,77})$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      "must be an on-chain invoice id or a draft id",
    )
    .openapi({ param: { name: "id", in: "path" }, example: "1" }),
});

/** A share link's token (POST /invoices/{id}/share-links): 43 base64url characters. */
export const ShareTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/, "must be a share token (43 base64url characters)")
  .openapi({
    description: "A share link's token (POST /invoices/{id}/share-links)",
    example: "q3v1b2Jm6cJ2m3Xo0n0Zr2b0eYwq8yA9mTQ1d1G4K7s",
  });

/**
 * Text without control characters (Unicode Cc) or lone surrogate halves (Cs). Written without the `u` flag so that
 * the OpenAPI document's `pattern` is the same plain ECMA-262 expression a generated client compiles (a `u` regex
 * would leak its flag into the pattern): a surrogate pair (an emoji) is allowed, a lone half is not, with or
 * without the flag.
 */
export const NO_CONTROL_CHARACTERS = /^(?:[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
