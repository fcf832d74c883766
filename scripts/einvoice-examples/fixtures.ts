/**
 * Issued invoices as the API gathers them (api/documents/model DocumentInputs: draft, line items, index row), with a
 * fixed clock, for the committed e-invoice examples and their tests.
 */
import type { CreditNotesTable, InvoiceDraftsTable, InvoiceLineItemsTable } from "../../api/db/types";
import type { InvoiceRow } from "../../api/index/rows";
import type { DocumentInputs } from "../../api/documents/model";
import { invoiceReference } from "../../core/invoice/reference";
import { computeInvoiceTotals, type TaxMention } from "../../core/invoice/totals";
import { invoiceTaxUnit } from "../../core/invoice/stablecoins";
import { storedDocument } from "../../api/documents/stored";
import { keccak256Utf8 } from "../../api/documents/hash";
import type { SupplyKind } from "../../core/invoice/mentions";
import { LOCAL_CHAIN_ID } from "../../core/chains";

/** The fixed clock: issue day, due day and when the files are generated (unix milliseconds). */
export const EXAMPLE_CLOCK = { issuedAt: Date.UTC(2026, 0, 15), dueAt: Date.UTC(2026, 1, 14), generatedAt: Date.UTC(2026, 0, 15, 9) };

/** A fresh Hardhat node's addresses: escrow, TestUSD (declared a stablecoin of USD on chain 31337), merchant, payer. */
const CHAIN = {
  chainId: 31337,
  escrow: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  testUsd: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
  merchant: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  payer: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
} as const;

/** Tokens the local deploy created, as deployments/localhost.json lists them. */
export const EXAMPLE_DEPLOYED_TOKENS = { TestUSD: { address: CHAIN.testUsd } };

/** Base units of one cent of TestUSD (6 decimals). */
const CENT = 10_000n;

/** A line as the example states it: price and discount in cents. */
interface ExampleLine {
  description: string;
  quantity: bigint;
  cents: bigint;
  discountCents?: bigint;
  taxRate: string;
  taxMention?: TaxMention;
}

/** An example invoice: number, language, the parties' legal details (as drafts store them) and the lines. */
interface ExampleSpec {
  id: bigint;
  number: string;
  language: "en" | "fr";
  seller: object;
  customer: object;
  lines: ExampleLine[];
  notes?: string;
  /** Priced in this currency (its amounts in hundredths of it, paid in TestUSD at the rate of payment); else in TestUSD. */
  pricedIn?: string;
  /** The delivery place, when not the customer's billing address. */
  delivery?: object;
  /** What the invoice covers (core/invoice/mentions SupplyKind). */
  supply?: SupplyKind;
}

/** The DocumentInputs of an issued (on-chain, numbered, unpaid) invoice in TestUSD, or priced in a currency. */
function issuedInvoice(spec: ExampleSpec): DocumentInputs {
  const unit = spec.pricedIn ? 1n : CENT;
  const lines = spec.lines.map((l) => ({ ...l, unitPrice: l.cents * unit, discount: (l.discountCents ?? 0n) * unit }));
  const token = { address: CHAIN.testUsd, symbol: "TestUSD", decimals: 6 };
  const money = { chainId: CHAIN.chainId, token, pricedIn: spec.pricedIn, deployedTokens: EXAMPLE_DEPLOYED_TOKENS };
  const totals = computeInvoiceTotals(lines, invoiceTaxUnit(money));
  const draftId = `00000000-0000-4000-8000-${spec.id.toString().padStart(12, "0")}`;
  const items: InvoiceLineItemsTable[] = lines.map((l, n) => ({
    draft_id: draftId,
    position: n,
    description: l.description,
    quantity: l.quantity.toString(),
    unit_price: l.unitPrice.toString(),
    amount: totals.nets[n]!.toString(),
    discount: l.discount.toString(),
    tax_rate: l.taxRate,
    tax_mention: l.taxMention ?? null,
  }));
  const draft: InvoiceDraftsTable = {
    id: draftId,
    merchant: CHAIN.merchant,
    payer: CHAIN.payer,
    arbiter: null,
    token: CHAIN.testUsd,
    chain_id: CHAIN.chainId,
    escrow: CHAIN.escrow,
    due_date: EXAMPLE_CLOCK.dueAt / 1000,
    notes: spec.notes ?? null,
    total: totals.total.toString(),
    reference: "",
    canonical: "",
    onchain_id: spec.id.toString(),
    linked_at: EXAMPLE_CLOCK.issuedAt,
    created_at: EXAMPLE_CLOCK.issuedAt,
    schema: "settle.invoice.v2",
    subtotal: totals.subtotal.toString(),
    taxes: JSON.stringify(totals.taxes.map((t) => ({ rate: t.rate, base: t.base.toString(), amount: t.amount.toString() }))),
    number: spec.number,
    seller: JSON.stringify(spec.seller),
    customer: JSON.stringify(spec.customer),
    language: spec.language,
    currency: spec.pricedIn ?? null,
    delivery: spec.delivery ? JSON.stringify(spec.delivery) : null,
    supply: spec.supply ?? null,
  };
  const { reference, canonical } = invoiceReference(storedDocument(draft, items), keccak256Utf8);
  Object.assign(draft, { reference, canonical });
  const at = BigInt(EXAMPLE_CLOCK.issuedAt / 1000);
  const row: InvoiceRow = {
    chainId: LOCAL_CHAIN_ID,
    id: spec.id,
    merchant: CHAIN.merchant,
    payer: CHAIN.payer,
    token: CHAIN.testUsd,
    arbiter: null,
    // Until paid, an invoice priced in a currency has no token amount: its price is on chain.
    amount: spec.pricedIn ? 0n : totals.total,
    paid: 0n,
    released: 0n,
    refunded: 0n,
    fees: 0n,
    held: 0n,
    reference: reference as InvoiceRow["reference"],
    dueDate: BigInt(EXAMPLE_CLOCK.dueAt / 1000),
    disputeWindow: 0,
    feeBps: 0,
    paidAt: null,
    disputedAt: null,
    disputeTimeoutAt: null,
    settlementProposer: null,
    settlementToMerchant: null,
    status: "open",
    createdBlock: 10n,
    createdTimestamp: at,
    createdTxHash: `0x${"ab".repeat(32)}`,
    updatedBlock: 10n,
    updatedTimestamp: at,
    eventCount: 1,
    pricing: spec.pricedIn ? { currency: spec.pricedIn, price: totals.total, rate: null } : null,
  } as InvoiceRow;
  return {
    draft: { draft, items },
    row,
    events: [],
    profiles: {},
    token,
    chainId: CHAIN.chainId,
    escrow: CHAIN.escrow,
    generatedAt: EXAMPLE_CLOCK.generatedAt,
  };
}

/**
 * A French invoice: 20 % and 5.5 %, a discount, a reverse-charge line, a buyer with a SIREN, delivered elsewhere than
 * its billing address, covering goods and services, from a seller that pays VAT on debits; the buyer being a business,
 * it carries the late-payment penalty and the 40 euro recovery indemnity.
 */
export function frenchExample(): DocumentInputs {
  return issuedInvoice({
    id: 12n,
    number: "F-2026-0001",
    language: "fr",
    seller: {
      legalName: "Settle Conseil SAS",
      address: { line1: "12 rue de la Paix", city: "Paris", postalCode: "75002", country: "FR" },
      vatNumber: "FR40303265045",
      companyNumber: "73282932000074",
      email: "factures@settle-conseil.example",
      paymentTerms: "30 jours fin de mois, sans escompte pour paiement anticipé.",
      vatOnDebits: true,
    },
    customer: {
      name: "Atelier Dupont SARL",
      address: { line1: "3 place Bellecour", city: "Lyon", postalCode: "69002", country: "FR" },
      vatNumber: "FR44732829320",
      companyNumber: "732829320",
    },
    delivery: {
      name: "Atelier Dupont, entrepôt",
      address: { line1: "8 rue des Entrepôts", city: "Villeurbanne", postalCode: "69100", country: "FR" },
    },
    supply: "both",
    lines: [
      { description: "Conseil", quantity: 3n, cents: 1000_00n, discountCents: 100_00n, taxRate: "20" },
      { description: "Livres", quantity: 2n, cents: 20_00n, taxRate: "5.5" },
      { description: "Maintenance (autoliquidation)", quantity: 1n, cents: 500_00n, taxRate: "0", taxMention: "reverse_charge" },
    ],
  });
}

/** The French invoice's partial credit note: the 20 % line's first day refunded (net 1 000.00, tax 200.00). */
export function frenchCreditNote(): CreditNotesTable {
  return {
    id: "00000000-0000-4000-8000-0000000000c1",
    event_id: "example-refund",
    merchant: CHAIN.merchant,
    draft_id: frenchExample().draft!.draft.id,
    chain_id: CHAIN.chainId,
    invoice_id: "12",
    number: "CN-F-2026-0001",
    amount: (1200_00n * CENT).toString(),
    net: (1000_00n * CENT).toString(),
    taxes: JSON.stringify([{ rate: "20", base: (1000_00n * CENT).toString(), amount: (200_00n * CENT).toString() }]),
    tx_hash: `0x${"cd".repeat(32)}`,
    block_number: 20,
    issued_at: EXAMPLE_CLOCK.issuedAt / 1000 + 86_400,
    created_at: EXAMPLE_CLOCK.issuedAt + 86_400_000,
  };
}

/** An English invoice priced in US dollars (paid in TestUSD at the rate of payment) to an Irish business. */
export function englishExample(): DocumentInputs {
  return issuedInvoice({
    id: 13n,
    number: "INV-2026-0007",
    language: "en",
    pricedIn: "USD",
    seller: {
      legalName: "Settle Labs Ltd",
      address: { line1: "1 Main Street", city: "Dublin", postalCode: "D02 X285", country: "IE" },
      vatNumber: "IE6388047V",
      email: "billing@settle-labs.example",
      paymentTerms: "Net 30",
    },
    customer: {
      name: "Acme Trading Ltd",
      address: { line1: "5 Harbour Road", city: "Cork", country: "IE" },
      email: "accounts@acme.example",
    },
    lines: [
      { description: "Hosting, January", quantity: 1n, cents: 240_00n, taxRate: "23" },
      { description: "Support hours", quantity: 4n, cents: 75_00n, discountCents: 25_00n, taxRate: "23" },
    ],
  });
}
