/**
 * Invoices that qualify for an e-invoice, made through the API on the shared real index: a French seller and customer
 * with every legal detail EN 16931 asks for, and lines whose taxes are whole cents.
 */
import { expect } from "chai";
import type { Signer } from "ethers";
import { type TestApp, jsonRequest } from "./api-app";

/** TestUSD has 6 decimals. */
export const USD = 1_000_000n;

/** 20 % with a discount, 5.5 % and reverse charge: every tax a whole number of cents. */
export const EINVOICE_LINES = [
  { description: "Conseil", quantity: 3, unitPrice: (1000n * USD).toString(), discount: (100n * USD).toString(), taxRate: "20" },
  { description: "Livres", quantity: 2, unitPrice: (20n * USD).toString(), taxRate: "5.5" },
  { description: "Maintenance", quantity: 1, unitPrice: (500n * USD).toString(), taxRate: "0", taxMention: "reverse_charge" },
];

/** A French seller's profile (PATCH /users/me). */
export const EINVOICE_SELLER = {
  company: "Settle Conseil SAS",
  email: "factures@settle-conseil.example",
  billingAddress: { line1: "12 rue de la Paix", postalCode: "75002", city: "Paris", country: "FR" },
  vatNumber: "FR40303265045",
  companyNumber: "73282932000074",
  paymentTerms: "30 jours",
};

/** A French business customer with its SIREN. */
export const EINVOICE_CUSTOMER = {
  name: "Atelier Dupont SARL",
  address: { line1: "3 place Bellecour", postalCode: "69002", city: "Lyon", country: "FR" },
  vatNumber: "FR44732829320",
  companyNumber: "732829320",
};

/** A merchant as the helpers need it: its signer (sends createInvoice) and its session headers. */
export interface EinvoiceMerchant {
  signer: Signer;
  auth: Record<string, string>;
}

/** Gives the merchant the French seller's legal details. */
export async function becomeEinvoiceSeller(t: TestApp, merchant: EinvoiceMerchant): Promise<void> {
  const res = await t.app.request("/users/me", jsonRequest("PATCH", EINVOICE_SELLER, merchant.auth));
  expect(res.status, await res.clone().text()).to.equal(200);
}

/**
 * Drafts an invoice of {@link EINVOICE_LINES} in `token` (due in 30 days of chain time) with `extra` fields (`payer`,
 * `customer` or `customerId`, `language`…), sends its createInvoice from the merchant and waits for the index; returns
 * the on-chain id.
 */
export async function issueEinvoiceReady(
  t: TestApp,
  merchant: EinvoiceMerchant,
  token: string,
  extra: Record<string, unknown>,
): Promise<string> {
  const head = (await t.real.provider.getBlock("latest"))!.timestamp;
  const body = { token, dueDate: new Date((head + 30 * 86400) * 1000).toISOString(), lineItems: EINVOICE_LINES, ...extra };
  const res = await t.app.request("/invoices", jsonRequest("POST", body, merchant.auth));
  expect(res.status, await res.clone().text()).to.equal(201);
  const draft = (await res.json()) as { reference: string; transaction: { to: string; data: string; value: string } };
  const tx = draft.transaction;
  await (await merchant.signer.sendTransaction({ to: tx.to, data: tx.data, value: BigInt(tx.value) })).wait();
  await t.real.waitForIndex();
  return (await t.real.reader.invoiceByReference(draft.reference))!.id.toString();
}
