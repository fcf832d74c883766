/** Why a Settle invoice cannot become an EN 16931 e-invoice; the API answers these with 422. */
export const REFUSALS = {
  not_a_currency: "the invoice's token is not declared a stablecoin of a currency",
  not_whole_cents: "an amount is not a whole number of cents",
  missing_detail: "a detail the standard requires is missing",
  invalid_text: "a text has a character XML cannot carry",
} as const;

/** One of {@link REFUSALS}. */
export type RefusalCode = keyof typeof REFUSALS;

/** A refusal with its code and a message that names the value and the fix. */
export class EinvoiceRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = "EinvoiceRefusal";
  }
}
