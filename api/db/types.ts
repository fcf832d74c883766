/** One row per address that has signed in (address is EIP-55). Times are unix milliseconds. */
export interface UsersTable {
  address: string;
  display_name: string | null;
  email: string | null;
  company: string | null;
  /** JSON text of { line1, line2?, city, postalCode?, region?, country }. */
  billing_address: string | null;
  tax_id: string | null;
  created_at: number;
  updated_at: number;
  last_sign_in_at: number | null;
}

/** SIWE nonces: single-use, expiring. */
export interface SiweNoncesTable {
  nonce: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** One row per issued JWT (its jti); revoked_at set by logout. */
export interface SessionsTable {
  jti: string;
  address: string;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  user_agent: string | null;
}

/** API keys for merchants' servers (only the SHA-256 of the key is stored). */
export interface ApiKeysTable {
  id: string;
  address: string;
  name: string;
  key_hash: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** Off-chain invoice details; `canonical` is the exact text whose keccak256 is `reference`. */
export interface InvoiceDraftsTable {
  id: string;
  merchant: string;
  payer: string | null;
  arbiter: string | null;
  token: string;
  chain_id: number;
  escrow: string;
  due_date: number;
  notes: string | null;
  /** uint256 as decimal text. */
  total: string;
  reference: string;
  canonical: string;
  /** On-chain invoice id (decimal text) once the indexer has seen the reference. */
  onchain_id: string | null;
  linked_at: number | null;
  created_at: number;
}

/** Line items of a draft, in order. Amounts are uint256 decimal text. */
export interface InvoiceLineItemsTable {
  draft_id: string;
  position: number;
  description: string;
  quantity: string;
  unit_price: string;
  amount: string;
}

/** Idempotency-Key records: the first result of a creating POST, per caller and key. */
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status: number | null;
  response_body: string | null;
  created_at: number;
}

/**
 * Share links of invoice documents. `invoice_key` is the draft id when the API holds the invoice's
 * details, else `onchain:<id>`; only the SHA-256 (hex) of the token is stored. Times are unix ms.
 */
export interface ShareLinksTable {
  id: string;
  invoice_key: string;
  token_hash: string;
  created_by: string;
  label: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** The app.sqlite schema as Kysely sees it. */
export interface AppDatabase {
  users: UsersTable;
  siwe_nonces: SiweNoncesTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  invoice_drafts: InvoiceDraftsTable;
  invoice_line_items: InvoiceLineItemsTable;
  idempotency_keys: IdempotencyKeysTable;
  share_links: ShareLinksTable;
}
