/**
 * The demo's data (`npm start -- --demo`, scripts/lib/demo.ts sends it): the accounts' roles, the invoices with what
 * happens to each, and the stakes.
 */
import type { InvoiceStatus } from "../../core/invoice/status";

/** The roles the demo gives to the test accounts (Hardhat accounts 1 to 4). */
export const DEMO_ACCOUNTS = { merchant: 1, client: 2, arbiter: 3, freelancer: 4 } as const;

/** A demo account's role. */
export type Role = keyof typeof DEMO_ACCOUNTS;

/** One demo invoice: who issues it to whom, its lines, and what happens to it after creation. */
export interface DemoInvoice {
  merchant: Role;
  payer: Role | null;
  arbiter?: Role;
  /** USD: TestUSD, the local USDC-like stablecoin (6 decimals, EIP-3009). */
  token: "SETL" | "ETH" | "USD";
  /** Priced in this currency (the lines' prices in it), paid in `token` converted at payment (payPriced). */
  currency?: "EUR" | "USD";
  lines: [description: string, quantity: number, unitPrice: string][];
  notes?: string;
  /** The status the steps lead to (as the index names it). */
  expect: InvoiceStatus;
  steps: Step[];
}

/** What happens to a demo invoice after its creation, in order. */
export type Step =
  /**
   * relayed: the payer signs, the API's relayer submits (POST /invoices/{id}/relay) and pays the gas; priced: the
   * payer sends the API's approve + payPriced at the quoted rate (POST /invoices/{id}/transactions).
   */
  | { pay: "permit" | "approve" | "eth" | "relayed" | "priced"; amount?: string }
  | { release: string }
  | { refund: string }
  | { resolve: [toMerchant: string, toPayer: string] }
  | "dispute"
  | "cancel";

/** The demo's invoices, in the order they are created (on-chain ids 1, 2, ... on a fresh chain). */
export const DEMO_INVOICES: readonly DemoInvoice[] = [
  {
    merchant: "merchant",
    payer: "client",
    arbiter: "arbiter",
    token: "SETL",
    lines: [
      ["Website redesign: discovery and wireframes", 1, "600"],
      ["Website redesign: visual design, per page", 4, "150"],
    ],
    notes: "Thank you for your business.",
    expect: "released",
    steps: [{ pay: "permit" }, { release: "500" }, { release: "700" }],
  },
  {
    merchant: "merchant",
    payer: "client",
    arbiter: "arbiter",
    token: "SETL",
    lines: [["Logo and brand kit", 1, "450"]],
    expect: "paid",
    steps: [{ pay: "approve" }],
  },
  {
    merchant: "merchant",
    payer: "client",
    arbiter: "arbiter",
    token: "ETH",
    lines: [["Consulting, per day", 2, "0.5"]],
    notes: "Remote sessions, 14 and 15 November.",
    expect: "disputed",
    steps: [{ pay: "eth" }, "dispute"],
  },
  {
    merchant: "merchant",
    payer: "client",
    arbiter: "arbiter",
    token: "SETL",
    lines: [
      ["Mobile app prototype", 1, "650"],
      ["User testing session", 1, "150"],
    ],
    expect: "resolved",
    steps: [{ pay: "permit" }, "dispute", { resolve: ["500", "300"] }],
  },
  {
    merchant: "merchant",
    payer: "client",
    token: "SETL",
    lines: [["Photography session, per hour", 3, "100"]],
    expect: "partially_paid",
    steps: [{ pay: "permit", amount: "100" }],
  },
  {
    merchant: "merchant",
    payer: "client",
    token: "SETL",
    lines: [["Workshop tickets", 2, "30"]],
    notes: "Workshop cancelled by the venue: refunded in full.",
    expect: "refunded",
    steps: [{ pay: "permit" }, { refund: "60" }],
  },
  {
    merchant: "merchant",
    payer: null,
    token: "SETL",
    lines: [["Monthly hosting, December", 1, "90"]],
    notes: "Anyone may pay this invoice.",
    expect: "open",
    steps: [],
  },
  {
    merchant: "merchant",
    payer: "freelancer",
    token: "SETL",
    lines: [["Copywriting, per page", 5, "30"]],
    expect: "cancelled",
    steps: ["cancel"],
  },
  {
    merchant: "freelancer",
    payer: "merchant",
    arbiter: "arbiter",
    token: "SETL",
    lines: [["Translation into French, per 1,000 words", 4, "55"]],
    expect: "open",
    steps: [],
  },
  {
    merchant: "merchant",
    payer: "client",
    token: "USD",
    lines: [["Support retainer, December", 1, "250"]],
    notes: "Paid without ETH: signed by the client, submitted by Settle's relayer.",
    expect: "paid",
    steps: [{ pay: "relayed" }],
  },
  {
    merchant: "freelancer",
    payer: "client",
    token: "USD",
    lines: [["Consulting, per hour", 4, "120.50"]],
    expect: "open",
    steps: [],
  },
  {
    // The freelancer's, so that the merchant's first page of history keeps its payouts in view.
    merchant: "freelancer",
    payer: "client",
    token: "USD",
    currency: "EUR",
    lines: [["Brand workshop, half a day", 1, "480"]],
    notes: "Priced in euros, paid in TestUSD at the rate of the day.",
    expect: "paid",
    steps: [{ pay: "priced" }],
  },
];

/** SETL the demo stakes, per account. */
export const DEMO_STAKES: Partial<Record<Role, string>> = { client: "2000", arbiter: "1500", merchant: "500" };
