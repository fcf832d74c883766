import type { SettleInvoice } from "../../einvoice/input";

/** TestUSD's address on a fresh Hardhat node's deploy (any address works: the fixture declares it by name). */
const TEST_USD = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";

/** Base units of one cent of a 6-decimal token. */
export const CENT = 10_000n;

/** A French invoice in TestUSD (declared a stablecoin of USD on local chains): two VAT rates, a discount, reverse charge. */
export function frenchInvoice(overrides: Partial<SettleInvoice> = {}): SettleInvoice {
  return {
    kind: "invoice",
    number: "F-2026-0001",
    issuedAt: Date.UTC(2026, 0, 15),
    dueAt: Date.UTC(2026, 1, 14),
    seller: {
      name: "Settle Conseil SAS",
      address: { line1: "12 rue de la Paix", city: "Paris", postalCode: "75002", country: "FR" },
      vatNumber: "FR40303265045",
      companyNumber: "73282932000074",
      email: "factures@settle-conseil.example",
    },
    buyer: {
      name: "Atelier Dupont SARL",
      address: { line1: "3 place Bellecour", city: "Lyon", postalCode: "69002", country: "FR" },
      vatNumber: "FR44732829320",
      companyNumber: "732829320",
    },
    lines: [
      { description: "Conseil", quantity: 3n, unitPrice: 1000_00n * CENT, discount: 100_00n * CENT, taxRate: "20" },
      { description: "Livres", quantity: 2n, unitPrice: 20_00n * CENT, discount: 0n, taxRate: "5.5" },
      {
        description: "Maintenance (autoliquidation)",
        quantity: 1n,
        unitPrice: 500_00n * CENT,
        discount: 0n,
        taxRate: "0",
        taxMention: "reverse_charge",
      },
    ],
    paymentTerms: "30 jours",
    payment: {
      chainId: 31337,
      escrow: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      onchainId: "12",
      token: { address: TEST_USD, symbol: "TestUSD", decimals: 6 },
      deployedTokens: { TestUSD: { address: TEST_USD } },
    },
    ...overrides,
  };
}

/** A French seller's profile for PATCH /users/me: every legal detail an e-invoice needs. */
export const API_SELLER = {
  company: "Settle Conseil SAS",
  email: "factures@settle-conseil.example",
  billingAddress: { line1: "12 rue de la Paix", postalCode: "75002", city: "Paris", country: "FR" },
  vatNumber: "FR40303265045",
  companyNumber: "73282932000074",
  paymentTerms: "30 jours",
};

/** A French business customer for POST /customers or a draft's `customer`, with its SIREN. */
export const API_CUSTOMER = {
  name: "Atelier Dupont SARL",
  address: { line1: "3 place Bellecour", postalCode: "69002", city: "Lyon", country: "FR" },
  vatNumber: "FR44732829320",
  companyNumber: "732829320",
};
