/** The page's English strings of the home screen (assembled in ../en.ts). */

/** The home screen. */
export const home = {
  eyebrow: "Payments with an escrow you can verify",
  title: "Get paid on-chain, with the details people expect.",
  lead: "Issue invoices with line items, get paid in ETH or tokens into an escrow, release funds in parts, settle disputes with an arbiter, and stake SETL for rewards.",
  newInvoice: "New invoice",
  payInvoice: "Pay an invoice",
  connect: "Connect wallet",
  features: "What you can do",
  invoices: "Invoices",
  invoicesText: "Line items, due date, dispute window and arbiter. The details' hash is stored on chain, so payers can verify them.",
  pay: "Pay",
  payText: "Pay in ETH, with approve + pay, or with a single permit signature. Release in parts, dispute, reclaim after expiry.",
  staking: "Staking",
  stakingText: "Stake SETL with one permit transaction and watch your rewards grow every second.",
  history: "History",
  historyText: "Every payment, release and reward of your account, filtered, paginated and exportable to CSV.",
  open: "Open",
};
