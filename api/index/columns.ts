/**
 * Between the read module and Ponder's columns (codec of each backend: core/index-codec.ts): query arguments checked
 * (a malformed one is an {@link IndexQueryError}) and given as plain values (a `bigint` for a bigint column, bytes for
 * a hex column: the source encodes them for its backend), and the columns of a result row decoded.
 */
import { decodeHex, encodeHex, isHexBytes, type IndexCodec } from "../../core/index-codec";
import type { IndexTable } from "../../core/index-schema";
import { IndexQueryError } from "./errors";
import type { Hex, PricingRow } from "./rows";

/** A result row as the driver returns it. */
export type Row = Record<string, unknown>;

/** The stored bytes of a hex argument `value`, named `what` in the error; exactly `bytes` long when given. */
export function hexParam(value: string, what: string, bytes?: number): Uint8Array {
  if (!isHexBytes(value, bytes)) {
    throw new IndexQueryError(
      `${what} must be 0x followed by ${bytes ?? "an even number of"}${bytes ? " bytes" : " hex digits"}, got "${value}"`,
    );
  }
  return encodeHex(value);
}

/** The stored bytes of an address argument. */
export function addressParam(value: string, what = "address"): Uint8Array {
  return hexParam(value, what, 20);
}

/** A chain id argument, checked (a malformed one is an {@link IndexQueryError}). */
export function chainIdParam(chainId: number): number {
  if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new IndexQueryError(`chainId must be a positive integer, got ${chainId}`);
  return chainId;
}

/** The condition `where` with its `params`, limited to chain `chainId` when there is one. */
export function onChain(where: string, params: unknown[], chainId: number | undefined): { where: string; params: unknown[] } {
  if (chainId === undefined) return { where, params };
  return { where: `${where} AND "chainId" = ?`, params: [...params, chainIdParam(chainId)] };
}

/** Default page size. */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page size. */
export const MAX_PAGE_SIZE = 500;

/** The page size of a query: `limit`, 1 to {@link MAX_PAGE_SIZE}, or {@link DEFAULT_PAGE_SIZE}. */
export function pageSize(limit: number | undefined): number {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new IndexQueryError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  }
  return size;
}

/** Decodes the columns of result rows with one backend's codec. */
export class Columns {
  /** @param codec the backend's codec. */
  constructor(readonly codec: IndexCodec) {}

  /** Bigint column `column` of `row`. */
  big(row: Row, column: string): bigint {
    return this.codec.decodeBigint(row[column]);
  }

  /** Optional bigint column `column` of `row`. */
  bigOrNull(row: Row, column: string): bigint | null {
    return row[column] === null ? null : this.codec.decodeBigint(row[column]);
  }

  /** Hex column `column` of `row`. */
  hex(row: Row, column: string): Hex {
    return decodeHex(row[column] as Uint8Array);
  }

  /** Optional hex column `column` of `row`. */
  hexOrNull(row: Row, column: string): Hex | null {
    return row[column] === null ? null : decodeHex(row[column] as Uint8Array);
  }

  /** The pricing columns of an Invoice or History row (currency, price, rateAnswer, rateDecimals, rateRoundId), or null. */
  pricingOrNull(row: Row): PricingRow | null {
    if (row.currency === null || row.currency === undefined) return null;
    const answer = this.bigOrNull(row, "rateAnswer");
    const roundId = this.bigOrNull(row, "rateRoundId");
    const rate = answer === null || roundId === null ? null : { answer, decimals: row.rateDecimals as number, roundId };
    return { currency: row.currency as string, price: this.big(row, "price"), rate };
  }

  /** Json column `column` of `row`. */
  json<T>(row: Row, column: string): T {
    return this.codec.decodeJson(row[column]) as T;
  }
}

/** Table `name` of the index (core/index-schema's INDEX_TABLES), quoted for SQL. */
export const sqlTable = (name: IndexTable): string => `"${name}"`;
