/**
 * The shapes of the API's answers and bodies, as hono/client infers them from api/app.ts: every one derived, never
 * copied. Re-exported by ./api.ts, which the views import.
 */
import type { hc, InferRequestType, InferResponseType } from "hono/client";
import type { AppType } from "../../../api/app";

/** The API's routes as hono/client sees them: every shape below is derived from api/app.ts, never copied. */
type Client = ReturnType<typeof hc<AppType>>;

/** GET /blockchain/contracts. */
export type ContractsResponse = InferResponseType<Client["blockchain"]["contracts"]["$get"], 200>;
/** One contract of GET /blockchain/contracts. */
export type ContractInfo = ContractsResponse["contracts"][string];
/** GET /auth/nonce. */
export type NonceResponse = InferResponseType<Client["auth"]["nonce"]["$get"], 200>;
/** POST /auth/verify. */
export type SessionResponse = InferResponseType<Client["auth"]["verify"]["$post"], 200>;
/** GET /auth/me. */
export type MeResponse = InferResponseType<Client["auth"]["me"]["$get"], 200>;
/** GET/PATCH /users/me. */
export type Profile = InferResponseType<Client["users"]["me"]["$get"], 200>;
/** A billing address of a profile. */
export type BillingAddress = NonNullable<Profile["billingAddress"]>;
/** Fields PATCH /users/me accepts (null clears one). */
export type ProfilePatch = InferRequestType<Client["users"]["me"]["$patch"]>["json"];
/** POST /invoices: the draft with its unsigned createInvoice transaction. */
export type CreatedDraft = InferResponseType<Client["invoices"]["$post"], 201>;
/** An unsigned transaction prepared by the API. */
export type UnsignedTx = CreatedDraft["transaction"];
/** POST /invoices body. */
export type InvoiceDraftInput = InferRequestType<Client["invoices"]["$post"]>["json"];
/** GET /customers: the merchant's saved customers. */
export type CustomerList = InferResponseType<Client["customers"]["$get"], 200>;
/** One saved customer. */
export type SavedCustomer = CustomerList["items"][number];
/** GET /invoices/:id/credit-notes. */
export type CreditNoteList = Extract<InferResponseType<Client["invoices"][":id"]["credit-notes"]["$get"]>, { items: unknown }>;
/** One credit note of an invoice. */
export type CreditNote = CreditNoteList["items"][number];
/** GET /invoices/:id. */
export type Invoice = InferResponseType<Client["invoices"][":id"]["$get"], 200>;
/** An invoice draft (the off-chain details). */
export type InvoiceDraft = NonNullable<Invoice["details"]>;
/** One line of an invoice. Amounts are base units as decimal text. */
export type LineItem = InvoiceDraft["lineItems"][number];
/** The on-chain side of an invoice, from the index. */
export type OnchainInvoice = NonNullable<Invoice["onchain"]>;
/** GET /invoices. */
export type InvoicePage = InferResponseType<Client["invoices"]["$get"], 200>;
/** One event of GET /invoices/:id/events. */
export type InvoiceEvent = InferResponseType<Client["invoices"][":id"]["events"]["$get"], 200>["items"][number];
/** GET /transactions as JSON (the CSV form aside). */
export type HistoryPage = Extract<InferResponseType<Client["transactions"]["$get"], 200>, { items: unknown }>;
/** One row of GET /transactions. */
export type HistoryItem = HistoryPage["items"][number];
/** Filters of GET /transactions. */
export type HistoryFilters = Partial<
  Pick<InferRequestType<Client["transactions"]["$get"]>["query"], "kind" | "token" | "invoice" | "from" | "to">
>;
/** GET /transactions/:hash. */
export type TransactionVerification = InferResponseType<Client["transactions"][":hash"]["$get"], 200>;

/** POST /invoices/:id/transactions. */
export type InvoiceTransactions = InferResponseType<Client["invoices"][":id"]["transactions"]["$post"], 200>;

/** POST /invoices/:id/transactions's relayed path (present when the relayer is on and the token allows it). */
export type RelayedPath = NonNullable<NonNullable<InvoiceTransactions["alternatives"]>["relayed"]>;

/** POST /invoices/batch-transactions: the calls that pay several invoices in one payMany. */
export type BatchTransactions = InferResponseType<Client["invoices"]["batch-transactions"]["$post"], 200>;

/** GET /blockchain/tokens/{address}: a token's metadata on one chain. */
export type TokenResponse = InferResponseType<Client["blockchain"]["tokens"][":address"]["$get"], 200>;
/** GET /health's relayer part. */
export type RelayerHealth = InferResponseType<Client["health"]["$get"], 200>["relayer"];
