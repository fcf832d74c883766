/**
 * The page's English strings for invoices priced in a currency (the new-invoice option and the pay form), assembled in
 * ../en.ts under `priced`.
 */
export const priced = {
  pricedIn: "Priced in",
  inToken: "The token itself",
  pricedHint: "The payer pays the total converted at the rate of the moment of payment, in the token below.",
  anyToken: "Any of {tokens}",
  noCurrencies: "This server has no price feeds: invoices are priced in their token.",
  title: "Pay {price}",
  lead: "Priced in {currency}: you pay its value in a token at the current rate.",
  payWith: "Pay with",
  quote: "At the current rate: {amount} (1 {symbol} = {rate} {currency})",
  quoting: "Asking for the current rate…",
  slippage: "Slippage allowed (%)",
  slippageHint: "You pay at most {max}: if the rate moves more before your payment, it is refused and nothing leaves your wallet.",
  badSlippage: "Give a percentage from 0 to {max}.",
  approveTx: "Approve up to {amount} (step 1 of 2)",
  payTx: "Pay {price} in {symbol}",
  payStepTx: "Pay {price} in {symbol} (step 2 of 2)",
  tokenPaid: "Paid in token",
} as const;
