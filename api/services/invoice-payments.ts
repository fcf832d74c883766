/**
 * What each payment of an invoice was on chain, read from the index: the payer, the token and amount the escrow took,
 * and for an invoice priced in a currency the feed's rate that converted its price (InvoicePriced), with the block's
 * time and the transaction. The payments route and the accountant's export both read them here.
 */
import type { IndexReader } from "../index/reader";
import type { Hex, InvoiceRow, PricingRow } from "../index/rows";

/** One InvoicePaid of an invoice, as the index recorded it. */
export interface InvoicePayment {
  payer: Hex;
  /** The token paid (the zero address for ETH). */
  token: Hex;
  /** In the token's base units. */
  amount: bigint;
  /** The invoice's currency, price and the rate this payment used; null for an invoice priced in its token. */
  pricing: PricingRow | null;
  blockNumber: bigint;
  /** Block time, unix seconds. */
  timestamp: bigint;
  txHash: Hex;
  logIndex: number;
}

/**
 * The payments of `invoice`, in chain order. The index writes two `invoice_paid` history rows per payment (the
 * payer's and the merchant's); the payer's is the one whose counterparty is the merchant.
 */
export async function invoicePayments(index: IndexReader, invoice: InvoiceRow): Promise<InvoicePayment[]> {
  const history = await index.historyByInvoice(invoice.id, invoice.chainId);
  return history
    .filter((row) => row.kind === "invoice_paid" && row.counterparty === invoice.merchant)
    .map((row) => ({
      payer: row.account,
      token: row.token,
      amount: row.amount,
      pricing: row.pricing,
      blockNumber: row.blockNumber,
      timestamp: row.timestamp,
      txHash: row.txHash,
      logIndex: row.logIndex,
    }));
}

/** Payments written compactly for a CSV cell: `<amount>@<tx hash>` per payment, separated by spaces. */
export function compactPayments(payments: readonly InvoicePayment[]): string {
  return payments.map((p) => `${p.amount}@${p.txHash}`).join(" ");
}
