/** The page's English strings of paying: the ways to pay and the pay screen's door (assembled in ../en.ts). */

/** The ways to pay an invoice. */
export const pay = {
  how: "How to pay",
  permit: "Permit + pay",
  permitText: "One transaction: sign a permit for the exact amount, no approval left behind.",
  approve: "Approve, then pay",
  approveText: "Two transactions, for wallets or tokens without permits.",
  gasless: "Pay without ETH",
  gaslessText: "Sign twice in your wallet; Settle submits the payment and pays the gas.",
  payThis: "Pay this invoice",
  pay: "Pay",
  payAmount: "Pay {amount}",
  openPayer: "Paying makes you this invoice's payer: only you can then release or dispute it.",
  inFull: "Open to anyone, so it is paid in full in one payment: {amount}.",
  inParts: "Still due: {amount}. You can pay in parts.",
  onlyDue: "Only {amount} is due.",
  fullOnce: "Pay the full {amount} in one payment.",
  noPermit: '{symbol} does not support permits: choose "Approve, then pay".',
  permitTx: "Pay {amount} with a permit",
  gaslessTx: "Pay {amount} without ETH",
  approveTx: "Approve {amount} (step 1 of 2)",
  stepTwo: "Pay {amount} (step 2 of 2)",
};

/** The pay screen: finding an invoice to pay. */
export const payDoor = {
  title: "Pay an invoice",
  lead: "Paste the link or the number your merchant sent you. You will see the amount due and whether the details are verified before you pay.",
  placeholder: "https://…/#/invoice/12 or 12",
  label: "Invoice link or number",
  open: "Open invoice",
  bad: "Paste an invoice link (…#/invoice/12) or its number (12).",
  orSee: "Or see ",
  addressed: "the invoices addressed to you",
};
