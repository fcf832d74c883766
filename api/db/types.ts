/** One row per address that has signed in (address is EIP-55). Times are unix milliseconds. */
export interface UsersTable {
  address: string;
  display_name: string | null;
  email: string | null;
  company: string | null;
  /** JSON text of { line1, line2?, city, postalCode?, region?, country }. */
  billing_address: string | null;
  tax_id: string | null;
  /** Invoice number prefix template (core/invoice/numbering); null: the default. */
  invoice_prefix: string | null;
  /** EU VAT number, normalized. */
  vat_number: string | null;
  /** Company registration number (SIRET, …). */
  company_number: string | null;
  /** Payment terms printed on invoices ("30 days net, late fee 10%"). */
  payment_terms: string | null;
  /** Footer printed on invoices (legal mentions). */
  invoice_footer: string | null;
  /** Late-payment penalty rate in words printed on business invoices; null: the legal minimum (core/invoice/mentions). */
  late_penalty: string | null;
  /** 1 when the merchant opted to pay VAT on debits (printed on its invoices); null otherwise. */
  vat_on_debits: number | null;
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
  /** The canonical document's version: settle.invoice.v1 (no taxes) or settle.invoice.v2. */
  schema: string;
  /** v2: Σ net, decimal text (null for v1). */
  subtotal: string | null;
  /** v2: JSON text of [{ rate, base, amount }] by increasing rate (null for v1). */
  taxes: string | null;
  /** The merchant's invoice number, assigned with onchain_id (api/services/numbering); never changed. */
  number: string | null;
  /** v2: JSON of the seller's legal details when the draft was made (null: none given). */
  seller: string | null;
  /** v2: JSON of the customer's details (lib/legal-schemas CustomerDetails), or null. */
  customer: string | null;
  /** v2: the language of its documents (core/labels Locale); null for older drafts (English). */
  language: string | null;
  /**
   * v2: the ISO 4217 code of a draft priced in a currency (its line amounts, taxes and total in hundredths of it; the
   * total is the on-chain price); null for a draft priced in its token.
   */
  currency: string | null;
  /** v2: JSON of the delivery place ({ name?, address }) when it differs from the billing address, or null. */
  delivery: string | null;
  /** v2: what the invoice covers (core/invoice/mentions SupplyKind), or null when not said. */
  supply: string | null;
}

/** Line items of a draft, in order. Amounts are uint256 decimal text; `amount` is the line's net (v2) or quantity × unit price (v1). */
export interface InvoiceLineItemsTable {
  draft_id: string;
  position: number;
  description: string;
  quantity: string;
  unit_price: string;
  amount: string;
  /** v2: fixed discount in base units (null for v1). */
  discount: string | null;
  /** v2: tax rate in percent, normalized (null for v1). */
  tax_rate: string | null;
  /** v2: exempt | reverse_charge | null. */
  tax_mention: string | null;
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
  /** The chain of the invoice (null: made before several chains, the first network's; see migration 0013). */
  chain_id: number | null;
}

/** OAuth2 clients of merchants' servers (client credentials). Only the scrypt hash of the secret is stored. */
export interface ApiClientsTable {
  /** The client_id. */
  id: string;
  /** EIP-55 address of the user who created it; its tokens act as this address. */
  owner: string;
  name: string;
  /** Granted scopes, space-separated. */
  scopes: string;
  /** `scrypt$N$r$p$<salt base64url>$<hash base64url>`. */
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A merchant's webhook endpoint. */
export interface WebhookEndpointsTable {
  id: string;
  owner: string;
  url: string;
  /** JSON array of subscribed event types (or ["*"]). */
  events: string;
  /** HMAC-SHA256 key of the signatures (kept to sign; shown once at creation). */
  secret: string;
  /** Confirmations an event needs before it is delivered. */
  confirmations: number;
  /** Only events in later blocks are delivered (the indexed head when the endpoint was created). */
  from_block: number;
  /** Every event up to this block has been considered for this endpoint (lowered when a reorg or a late scan brings older events). */
  enqueued_through: number;
  created_at: number;
  deleted_at: number | null;
}

/** An invoice event as the webhook poller saw it in the index (one per log, plus synthetic expiries). */
export interface WebhookEventsTable {
  /** The idempotency id sent to receivers (evt_…), stable for this event. */
  id: string;
  /** InvoiceEvent id in the index (`<blockHash>-<logIndex>`), or `expired:<invoiceId>`. */
  source_id: string;
  /** Webhook event type (invoice.paid, …). */
  type: string;
  /** Lowercase merchant address of the invoice. */
  merchant: string;
  /** On-chain invoice id, decimal text. */
  invoice_id: string;
  block_number: number;
  log_index: number;
  /** JSON `data` of the payload. */
  data: string;
  observed_at: number;
  /** Set when a reorg removed the event from the index. */
  removed_at: number | null;
}

/** The outbox: one delivery of one event to one endpoint, with its retry state. */
export interface WebhookDeliveriesTable {
  id: string;
  /** Enqueue order. */
  seq: number;
  endpoint_id: string;
  /** The idempotency id of the event (webhook_events.id, or the id of the reorg notice of one). */
  event_id: string;
  type: string;
  /** The exact JSON body sent on every attempt. */
  body: string;
  /** pending | sending | delivered | failed | cancelled */
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  /** A `sending` row whose lock has passed is due again (the sender stopped mid-delivery). */
  locked_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** One HTTP attempt of a delivery. */
export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  /** The first bytes of the response body. */
  response_excerpt: string | null;
}

/** Persisted cursors (the webhook poller's: highest index block it has scanned). */
export interface WebhookCursorTable {
  name: string;
  block_number: number;
}

/** An endpoint's enqueue mark on a network after the first (the first's is webhook_endpoints.enqueued_through). */
export interface WebhookChainMarksTable {
  endpoint_id: string;
  chain_id: number;
  /** Every event of the chain up to this block has been considered for the endpoint. */
  enqueued_through: number;
}

/** One counter per merchant and expanded number prefix: the last number given. */
export interface InvoiceSequencesTable {
  merchant: string;
  prefix: string;
  last: number;
}

/** A credit note: one on-chain return of funds to the payer of a numbered invoice. Amounts are decimal text. */
export interface CreditNotesTable {
  id: string;
  /** The index's InvoiceEvent id of the refund (one note per event). */
  event_id: string;
  merchant: string;
  draft_id: string;
  /** The chain of the invoice (its draft's; migration 0014). */
  chain_id: number;
  /** On-chain invoice id, decimal text. */
  invoice_id: string;
  /** CN- and the merchant's prefix and sequence (core/invoice/numbering). */
  number: string;
  /** Gross returned to the payer. */
  amount: string;
  /** Net part of `amount` (core/invoice/credit). */
  net: string;
  /** JSON text of [{ rate, base, amount }] credited per rate. */
  taxes: string;
  tx_hash: string;
  block_number: number;
  /** Block time of the refund, unix seconds. */
  issued_at: number;
  created_at: number;
}

/** A merchant's saved customer; `details` is the JSON of lib/legal-schemas CustomerDetails. */
export interface CustomersTable {
  id: string;
  merchant: string;
  details: string;
  created_at: number;
  updated_at: number;
}

/** One invoice email (api/jobs/email): the customer's copy of an issued invoice or a notice to its merchant. */
export interface EmailMessagesTable {
  id: string;
  /** On-chain invoice id, decimal text. */
  invoice_id: string;
  /** core/email EmailKind: invoice_issued (to the customer), invoice_paid, invoice_released, invoice_disputed, invoice_refunded. */
  kind: string;
  /** Lowercase email address. */
  recipient: string;
  /** core/labels Locale of the message. */
  language: string;
  /** invoice_issued: the share link (with its token) the message carries, made when the message was queued. */
  link: string | null;
  /** pending | sent | failed. */
  state: string;
  attempts: number;
  /** When a pending message is due (unix ms). */
  next_attempt_at: number | null;
  /** A pending message being sent by a worker until then; due again after it (the worker stopped mid-send). */
  locked_until: number | null;
  last_error: string | null;
  sent_at: number | null;
  /** The Message-ID the SMTP server accepted. */
  provider_message_id: string | null;
  /** Where what the message tells of happened on chain: block × 1e6 + log index (the invoice's creation: its block × 1e6). */
  chain_order: number;
  created_at: number;
}

/** The email poller's cursors (unix ms of the newest draft link and webhook event considered). */
export interface EmailCursorTable {
  name: string;
  position: number;
}

/** The app.sqlite schema as Kysely sees it. */
export interface AppDatabase {
  users: UsersTable;
  siwe_nonces: SiweNoncesTable;
  sessions: SessionsTable;
  invoice_drafts: InvoiceDraftsTable;
  invoice_line_items: InvoiceLineItemsTable;
  idempotency_keys: IdempotencyKeysTable;
  share_links: ShareLinksTable;
  api_clients: ApiClientsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_cursor: WebhookCursorTable;
  webhook_chain_marks: WebhookChainMarksTable;
  invoice_sequences: InvoiceSequencesTable;
  credit_notes: CreditNotesTable;
  customers: CustomersTable;
  email_messages: EmailMessagesTable;
  email_cursor: EmailCursorTable;
}
