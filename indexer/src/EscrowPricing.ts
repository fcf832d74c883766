import { ponder } from "@/generated";
import { currencyFromBytes3 } from "../../core/invoice/currency";
import { recordEscrowEvent, updateInvoice } from "../lib/escrow";

// Invoices priced in a currency (PaymentEscrow's EscrowPricing): the price at creation, the conversion at payment,
// and the registry that converts. The payment itself is the InvoicePaid that follows InvoicePriced (PaymentEscrow.ts).

ponder.on("PaymentEscrow:InvoiceCurrencySet", async ({ event, context }) => {
  const { id, currency: bytes3, price } = event.args;
  const currency = currencyFromBytes3(bytes3);
  if (!currency) throw new Error(`InvoiceCurrencySet of invoice ${id} without a currency`);
  // The contract keeps the amount at 0 until the payment converts the price.
  const after = await updateInvoice(context, event, id, { amount: 0n, currency, price });
  await recordEscrowEvent(context, event, "InvoiceCurrencySet", { invoiceId: id, actor: after.merchant, token: after.token, amount: price });
  // The InvoiceCreated rows just before carry the price as their amount: they say in what.
  const created = await context.db.History.findMany({ where: { chainId: context.network.chainId, invoiceId: id, kind: "invoice_created" } });
  for (const row of created.items) await context.db.History.update({ id: row.id, data: { currency, price } });
});

ponder.on("PaymentEscrow:InvoicePriced", async ({ event, context }) => {
  const { id, payer, token, tokenAmount, answer, feedDecimals, roundId } = event.args;
  await updateInvoice(context, event, id, {
    amount: tokenAmount,
    token,
    rateAnswer: answer,
    rateDecimals: feedDecimals,
    rateRoundId: roundId,
  });
  await recordEscrowEvent(context, event, "InvoicePriced", { invoiceId: id, actor: payer, token, amount: tokenAmount });
});

ponder.on("PaymentEscrow:PriceFeedsSet", async ({ event, context }) => {
  await recordEscrowEvent(context, event, "PriceFeedsSet", { actor: event.args.feeds });
});
